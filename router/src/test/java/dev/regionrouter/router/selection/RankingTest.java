package dev.regionrouter.router.selection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.health.HealthView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A ranked table plans exactly what {@link Selector#plan} plans over the same candidates with the
 * same random draws (order, panic, why and explain output), for every policy, over fleets with
 * near-equal and equal regions, unavailable ones, full capacities and token budgets.
 */
class RankingTest {

  private static final Instant LATER = Instant.parse("2030-01-01T00:00:00Z");

  static Stream<Arguments> policies() {
    RoutingPolicy reference = RoutingPolicy.reference();
    List<Arguments> out = new ArrayList<>();
    for (PolicyKind kind : PolicyKind.values()) {
      for (boolean tiers : new boolean[] {true, false}) {
        out.add(
            Arguments.of(
                reference.withKind(kind).withPriorityTiers(tiers).withLatencyBudgetSeconds(0.2)));
      }
    }
    out.add(
        Arguments.of(
            new RoutingPolicy(
                10, 2, 0.05, 0.15))); // cost in the score, unknown latency within budgets
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("policies")
  void plansWhatTheSelectorPlansForTheSameCandidatesAndDraws(RoutingPolicy policy) {
    Random fleets = new Random(11);
    for (int round = 0; round < 400; round++) {
      List<Candidate> candidates = fleet(fleets, 1 + fleets.nextInt(round < 200 ? 8 : 60));
      long estimate = fleets.nextBoolean() ? 0 : 1_000;
      Ranking ranking = Ranking.of(candidates, policy);
      long seed = fleets.nextLong();
      AttemptPlan expected =
          Selector.plan(candidates, policy, RouteFilters.NONE, estimate, new Random(seed));
      AttemptPlan actual = ranking.plan(live(candidates), estimate, new Random(seed));
      assertSame(expected, actual, "round " + round);
      // re-ranked from a previous order of the same table (some regions changed)
      List<Candidate> changed = new ArrayList<>(candidates);
      for (int k = 0; k < changed.size(); k += 3) {
        Candidate fresh = fleet(fleets, 1).get(0);
        changed.set(
            k,
            new Candidate(
                changed.get(k).entry(),
                fresh.health(),
                fresh.tokensInWindow(),
                fresh.budgetLatencySeconds()));
      }
      Ranking again = Ranking.of(changed, policy, ranking);
      assertSame(
          Selector.plan(changed, policy, RouteFilters.NONE, estimate, new Random(seed)),
          again.plan(live(changed), estimate, new Random(seed)),
          "round " + round + " re-ranked");
    }
  }

  @ParameterizedTest
  @MethodSource("policies")
  void plansWhatTheSelectorPlansUnderFilters(RoutingPolicy policy) {
    Random fleets = new Random(17);
    for (int round = 0; round < 300; round++) {
      List<Candidate> candidates = fleet(fleets, 1 + fleets.nextInt(round < 150 ? 8 : 40));
      long estimate = fleets.nextBoolean() ? 0 : 1_000;
      java.util.Set<String> allowed = new java.util.HashSet<>();
      for (Candidate c : candidates) {
        if (fleets.nextInt(3) > 0) {
          allowed.add(c.name());
        }
      }
      if (fleets.nextInt(10) == 0) {
        allowed = java.util.Set.of("no-such-region"); // nothing passes: the plan names the filter
      }
      RouteFilters filters =
          new RouteFilters(
              allowed, null, null, fleets.nextBoolean() ? null : 0.1 + fleets.nextDouble());
      long seed = fleets.nextLong();
      AttemptPlan expected = Selector.plan(candidates, policy, filters, estimate, new Random(seed));
      AttemptPlan actual =
          FilteredPlan.plan(candidates, policy, filters, estimate, new Random(seed));
      assertSame(expected, actual, "round " + round);
      assertThat(actual.noMatch()).as("round " + round).isEqualTo(expected.noMatch());
    }
  }

  private static void assertSame(AttemptPlan expected, AttemptPlan actual, String what) {
    // read lazily first (as the attempt loop does), then in full
    if (!expected.isEmpty()) {
      assertThat(actual.order().get(0).candidate().name())
          .as(what)
          .isEqualTo(expected.order().get(0).candidate().name());
    }
    assertThat(names(actual)).as(what).isEqualTo(names(expected));
    assertThat(actual.order().stream().map(AttemptPlan.Scored::score).toList())
        .as(what)
        .isEqualTo(expected.order().stream().map(AttemptPlan.Scored::score).toList());
    assertThat(actual.panic()).as(what).isEqualTo(expected.panic());
    assertThat(actual.why()).as(what).isEqualTo(expected.why());
    assertThat(actual.explain()).as(what).isEqualTo(expected.explain());
    assertThat(actual.order().size()).as(what).isEqualTo(expected.order().size());
  }

  private static List<String> names(AttemptPlan plan) {
    List<String> names = new ArrayList<>();
    for (AttemptPlan.Scored s : plan.order()) {
      names.add(s.candidate().name());
    }
    return names;
  }

  private static Ranking.Live live(List<Candidate> candidates) {
    return new Ranking.Live() {
      @Override
      public int inFlight(int candidate) {
        return candidates.get(candidate).health().inFlight();
      }

      @Override
      public long tokensInWindow(int candidate) {
        return candidates.get(candidate).tokensInWindow();
      }
    };
  }

  /**
   * Regions on a coarse grid of latencies and prices (so ties and near-ties are common), with every
   * state.
   */
  static List<Candidate> fleet(Random random, int size) {
    List<Candidate> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      String name = "r" + random.nextInt(size * 2); // duplicate names happen too
      double cost = 0.1 * (1 + random.nextInt(3));
      int priority = 1 + random.nextInt(3);
      Integer maxInFlight = random.nextInt(4) == 0 ? 1 + random.nextInt(3) : null;
      Long perMinute = random.nextInt(5) == 0 ? 1_000L + random.nextInt(2_000) : null;
      RegionEntry.Capacity capacity =
          maxInFlight == null && perMinute == null
              ? null
              : new RegionEntry.Capacity(maxInFlight, perMinute);
      RegionEntry entry =
          new RegionEntry(
              name,
              "http://" + name,
              cost,
              priority,
              "aws",
              null,
              null,
              capacity,
              null,
              null,
              null);
      double probe =
          random.nextInt(6) == 0
              ? Double.NaN
              : 0.05 + 0.001 * random.nextInt(5) + 0.05 * random.nextInt(4);
      double traffic = random.nextBoolean() ? Double.NaN : 0.05 + 0.05 * random.nextInt(5);
      double quantile = random.nextBoolean() ? Double.NaN : 0.1 + 0.05 * random.nextInt(4);
      int state = random.nextInt(10);
      boolean healthy = state != 0;
      Instant ejected = state == 1 ? LATER : null;
      Instant cooling = state == 2 ? LATER : null;
      int inFlight = random.nextInt(3) == 0 ? random.nextInt(4) : 0;
      long tokens = random.nextInt(3) == 0 ? random.nextInt(3_000) : 0;
      out.add(
          new Candidate(
              entry,
              new HealthView(healthy, ejected, cooling, probe, traffic, 0, 0, inFlight, state == 3),
              tokens,
              quantile));
    }
    return out;
  }
}
