package dev.regionrouter.router.selection;

import static dev.regionrouter.router.support.RouterSettings.HEALTH;
import static dev.regionrouter.router.support.RouterSettings.PROBE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.api.table.RoutingTable;
import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.health.RegionHealth;
import dev.regionrouter.router.support.MutableClock;
import dev.regionrouter.router.support.RouterSettings;
import dev.regionrouter.router.support.RoutingCore;
import dev.regionrouter.router.table.TableSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The planner keeps the table ranked between requests: these tests change what a plan depends on
 * (health, time, table, capacity, tokens, traffic latencies) and check that the very next plan
 * follows, as a fresh scoring of every region would (which a stale ranking would not).
 */
class RoutePlannerTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final TokenMeter tokens = new TokenMeter(clock::millis);
  private final LatencyWindow latencies = new LatencyWindow(512, 8, 60_000, clock::millis);
  private HealthRegistry health;
  private RoutePlanner planner;
  private TableSnapshot snapshot;

  private void start(String policy, RegionEntry... regions) {
    RoutingCore core = RoutingCore.over(clock).tokens(tokens).latencies(latencies).build();
    health = core.health();
    planner = core.planner(RouterSettings.routing(policy));
    table(regions);
  }

  private void table(RegionEntry... regions) {
    snapshot =
        new TableSnapshot(
            RoutingTable.of(List.of(regions)),
            "test",
            clock.instant(),
            snapshot == null ? 1 : snapshot.version() + 1);
    health.onTable(snapshot);
  }

  private static RegionEntry region(String name, double cost, int priority) {
    return RegionEntry.of(name, "http://" + name, cost, priority, "aws");
  }

  private static RegionEntry capped(
      String name, double cost, Integer maxInFlight, Long tokensPerMinute) {
    return new RegionEntry(
        name,
        "http://" + name,
        cost,
        1,
        "aws",
        null,
        null,
        new RegionEntry.Capacity(maxInFlight, tokensPerMinute),
        null,
        null,
        null);
  }

  private void probe(String region, long millis) {
    health.get(region).recordProbe(true, Duration.ofMillis(millis));
  }

  /**
   * Plans with a fixed seed and checks it is what scoring every region afresh plans; returns the
   * order's names.
   */
  private List<String> plan() {
    AttemptPlan plan = planner.plan(snapshot, null, new Random(5));
    AttemptPlan fresh =
        Selector.plan(
            planner.candidates(snapshot),
            planner.policy(RouteHints.NONE),
            RouteFilters.NONE,
            0,
            new Random(5));
    List<String> names = names(plan);
    assertThat(names).isEqualTo(names(fresh));
    assertThat(plan.panic()).isEqualTo(fresh.panic());
    assertThat(plan.why()).isEqualTo(fresh.why());
    assertThat(plan.explain()).isEqualTo(fresh.explain());
    return names;
  }

  private static List<String> names(AttemptPlan plan) {
    return plan.order().stream().map(s -> s.candidate().name()).toList();
  }

  private String first() {
    return plan().get(0);
  }

  @Test
  void anEjectedRegionLeavesTheNextPlanAndComesBackWhenItsEjectionEnds() {
    start("priority-latency", region("a", 0.1, 1), region("b", 0.1, 1), region("c", 0.1, 1));
    probe("a", 10);
    probe("b", 50);
    probe("c", 90);
    assertThat(first()).isEqualTo("a");
    for (int i = 0; i < HEALTH.consecutiveFailures(); i++) {
      health.get("a").recordFailure();
    }
    assertThat(plan()).containsExactly("b", "c");
    clock.advance(
        HEALTH.baseEjectionTime()); // the ejection ends by time alone: nothing records anything
    assertThat(plan()).containsExactly("a", "b", "c");
  }

  @Test
  void aRegionProbesFindDownLeavesAndOneTheyFindBackReturns() {
    start("priority-latency", region("a", 0.1, 1), region("b", 0.1, 1));
    probe("a", 10);
    probe("b", 50);
    assertThat(first()).isEqualTo("a");
    for (int i = 0; i < PROBE.unhealthyThreshold(); i++) {
      health.get("a").recordProbe(false, PROBE.timeout());
    }
    assertThat(plan()).containsExactly("b");
    for (int i = 0; i < PROBE.healthyThreshold(); i++) {
      probe("a", 10);
    }
    assertThat(plan()).containsExactly("a", "b");
  }

  @Test
  void aProbeThatMovesALatencyReordersTheNextPlan() {
    start("priority-latency", region("a", 0.1, 1), region("b", 0.1, 1));
    probe("a", 10);
    probe("b", 50);
    assertThat(first()).isEqualTo("a");
    for (int i = 0; i < 3; i++) {
      probe("a", 200); // the window's minimum moves after three
    }
    assertThat(first()).isEqualTo("b");
  }

  @Test
  void aCoolingRegionIsSkippedUntilItsRetryAfterPasses() {
    start("priority-latency", region("a", 0.1, 1), region("b", 0.1, 1));
    probe("a", 10);
    probe("b", 50);
    health.get("a").recordThrottled(Duration.ofSeconds(2));
    assertThat(plan()).containsExactly("b");
    clock.advance(Duration.ofSeconds(2));
    assertThat(first()).isEqualTo("a");
  }

  @Test
  void aTableUpdateChangesTheNextPlan() {
    start("priority-latency", region("a", 0.1, 1), region("b", 0.1, 1));
    probe("a", 10);
    probe("b", 50);
    assertThat(first()).isEqualTo("a");
    table(region("a", 0.1, 2), region("b", 0.1, 1)); // a moves down a priority: 2 + 0.1 > 1 + 0.5
    assertThat(plan()).containsExactly("b", "a");
    table(region("b", 0.1, 1), region("c", 0.1, 0));
    assertThat(plan()).containsExactly("b", "c"); // c is unmeasured: 0 + 10 x 1 s
    probe("c", 50);
    assertThat(plan()).containsExactly("c", "b");
  }

  @Test
  void aFullRegionSpillsOverWhileFullAndTakesTrafficOnceAnAttemptEnds() {
    start("priority-latency", capped("a", 0.1, 1, null), region("b", 0.1, 1));
    probe("a", 10);
    probe("b", 50);
    assertThat(first()).isEqualTo("a");
    RegionHealth a = health.get("a");
    assertThat(a.tryAcquire(1)).isTrue();
    assertThat(plan()).containsExactly("b");
    a.release();
    assertThat(first()).isEqualTo("a");
  }

  @Test
  void aRegionOverItsTokensPerMinuteSpillsOver() {
    start("priority-latency", capped("a", 0.1, null, 1_000L), region("b", 0.1, 1));
    probe("a", 10);
    probe("b", 50);
    assertThat(first()).isEqualTo("a");
    tokens.add("a", 1_001);
    assertThat(plan()).containsExactly("b");
    clock.advance(Duration.ofMinutes(2)); // the window forgets them
    assertThat(first()).isEqualTo("a");
  }

  @Test
  void nearEqualRegionsStillShareLoadByInFlight() {
    start("priority-latency", region("a", 0.1, 1), region("b", 0.1, 1));
    probe("a", 10);
    probe("b", 10);
    health.get("a").tryAcquire(null);
    for (int seed = 0; seed < 20; seed++) {
      assertThat(names(planner.plan(snapshot, null, new Random(seed))).get(0)).isEqualTo("b");
    }
    health.get("a").release();
    health.get("b").tryAcquire(null);
    for (int seed = 0; seed < 20; seed++) {
      assertThat(names(planner.plan(snapshot, null, new Random(seed))).get(0)).isEqualTo("a");
    }
  }

  @Test
  void costWithinBudgetFollowsTrafficQuantilesAndExploresAnUnmeasuredRegionOneRequestAtATime() {
    start("cost-within-latency-budget", region("cheap", 0.1, 1), region("dear", 0.5, 1));
    probe("cheap", 20);
    probe("dear", 20);
    assertThat(first())
        .isEqualTo("cheap"); // no traffic yet: judged on its probes, within the 500 ms budget
    health
        .get("cheap")
        .tryAcquire(null); // exploring: unknown (1 s) while its first request is in flight
    assertThat(first()).isEqualTo("dear");
    health.get("cheap").release();
    assertThat(first()).isEqualTo("cheap");
    for (int i = 0; i < 8; i++) {
      latencies.record("cheap", 0.9); // its traffic is over the budget
    }
    assertThat(first()).isEqualTo("dear");
    clock.advance(Duration.ofSeconds(61)); // the samples age out at the next recomputation
    assertThat(first()).isEqualTo("cheap");
  }

  @Test
  void lowestLatencyFollowsTrafficLatency() {
    start("lowest-latency", region("a", 0.1, 1), region("b", 0.1, 1));
    probe("a", 10);
    probe("b", 50);
    assertThat(first()).isEqualTo("a");
    health.get("a").recordSuccess(Duration.ofMillis(400));
    health.get("b").recordSuccess(Duration.ofMillis(100));
    assertThat(first()).isEqualTo("b");
  }

  @Test
  void plansWhatScoringEveryRegionAfreshPlansThroughRandomChanges() {
    for (String policy :
        List.of(
            "priority-latency", "cost-within-latency-budget", "lowest-latency", "lowest-cost")) {
      snapshot = null;
      List<RegionEntry> regions = new ArrayList<>();
      Random random = new Random(policy.hashCode());
      for (int i = 0; i < 40; i++) {
        Integer max = random.nextInt(4) == 0 ? 1 + random.nextInt(2) : null;
        Long perMinute = random.nextInt(5) == 0 ? 2_000L : null;
        regions.add(
            new RegionEntry(
                "r" + i,
                "http://r" + i,
                0.1 * (1 + random.nextInt(3)),
                1 + random.nextInt(3),
                "aws",
                null,
                null,
                max == null && perMinute == null ? null : new RegionEntry.Capacity(max, perMinute),
                null,
                null,
                null));
      }
      start(policy, regions.toArray(new RegionEntry[0]));
      for (int step = 0; step < 300; step++) {
        String name = "r" + random.nextInt(40);
        RegionHealth h = health.get(name);
        if (h == null) { // left the table
          plan();
          continue;
        }
        switch (random.nextInt(10)) {
          case 0 ->
              h.recordProbe(
                  random.nextInt(4) != 0, Duration.ofMillis(10 + 10 * random.nextInt(30)));
          case 1 -> h.recordFailure();
          case 2 -> h.recordSuccess(Duration.ofMillis(50 + 50 * random.nextInt(12)));
          case 3 -> h.recordThrottled(Duration.ofMillis(500 * random.nextInt(4)));
          case 4 -> h.tryAcquire(null);
          case 5 -> {
            if (h.inFlight() > 0) {
              h.release();
            }
          }
          case 6 -> latencies.record(name, 0.05 + 0.05 * random.nextInt(12));
          case 7 -> tokens.add(name, random.nextInt(3_000));
          case 8 -> clock.advance(Duration.ofMillis(random.nextInt(3_000)));
          default -> {
            if (random.nextInt(10) == 0) {
              table(
                  regions
                      .subList(random.nextInt(5), 40 - random.nextInt(5))
                      .toArray(new RegionEntry[0]));
            }
          }
        }
        plan();
      }
    }
  }
}
