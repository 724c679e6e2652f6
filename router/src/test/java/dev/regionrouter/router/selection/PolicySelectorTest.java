package dev.regionrouter.router.selection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.health.HealthView;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The non-default policies, hard filters, token capacity, priority tiers and the explain output.
 */
class PolicySelectorTest {

  private static final RoutingPolicy BASE = RoutingPolicy.reference();
  private static final RoutingPolicy LATENCY = BASE.withKind(PolicyKind.LOWEST_LATENCY);
  private static final RoutingPolicy COST = BASE.withKind(PolicyKind.LOWEST_COST);
  private static final RoutingPolicy BUDGET =
      BASE.withKind(PolicyKind.COST_WITHIN_LATENCY_BUDGET).withLatencyBudgetSeconds(0.3);
  private static final Instant LATER = Instant.parse("2030-01-01T00:00:00Z");

  /** A region with probe latency and (optionally) traffic EWMA and traffic quantile. */
  static Candidate region(
      String name, int priority, double cost, double probe, double traffic, double quantile) {
    return region(name, priority, cost, "aws", Map.of(), probe, traffic, quantile);
  }

  static Candidate region(
      String name,
      int priority,
      double cost,
      String provider,
      Map<String, String> labels,
      double probe,
      double traffic,
      double quantile) {
    RegionEntry entry =
        new RegionEntry(
            name, "http://" + name, cost, priority, provider, null, null, null, null, null, labels);
    return new Candidate(
        entry, new HealthView(true, null, null, probe, traffic, 0, 0, 0, false), 0, quantile);
  }

  static Candidate down(Candidate c) {
    HealthView h = c.health();
    return new Candidate(
        c.entry(),
        new HealthView(
            false, null, null, h.latencySeconds(), h.trafficLatencySeconds(), 3, 0, 0, false),
        c.tokensInWindow(),
        c.budgetLatencySeconds());
  }

  static Candidate ejected(Candidate c) {
    HealthView h = c.health();
    return new Candidate(
        c.entry(),
        new HealthView(
            true, LATER, null, h.latencySeconds(), h.trafficLatencySeconds(), 3, 1, 0, false),
        c.tokensInWindow(),
        c.budgetLatencySeconds());
  }

  static Candidate tokens(Candidate c, long tokensPerMinute, long used) {
    RegionEntry e = c.entry();
    RegionEntry capped =
        new RegionEntry(
            e.name(),
            e.endpoint(),
            e.costPer1kTokens(),
            e.priority(),
            e.provider(),
            null,
            null,
            new RegionEntry.Capacity(null, tokensPerMinute),
            null,
            null,
            e.labels());
    return new Candidate(capped, c.health(), used, c.budgetLatencySeconds());
  }

  static final double NAN = Double.NaN;

  static List<String> order(
      List<Candidate> candidates, RoutingPolicy policy, RouteFilters filters, long tokens) {
    return Selector.plan(candidates, policy, filters, tokens, new Random(1)).order().stream()
        .map(s -> s.candidate().name())
        .toList();
  }

  static Stream<Arguments> cases() {
    Candidate fastDear = region("fast-dear", 1, 0.90, 0.05, 0.10, 0.15);
    Candidate midMid = region("mid-mid", 1, 0.50, 0.08, 0.20, 0.25);
    Candidate slowCheap = region("slow-cheap", 1, 0.20, 0.15, 0.35, 0.60);
    List<Candidate> three = List.of(slowCheap, midMid, fastDear);
    return Stream.of(
        Arguments.of(
            "lowest-latency ranks by traffic EWMA",
            three,
            LATENCY,
            RouteFilters.NONE,
            0L,
            List.of("fast-dear", "mid-mid", "slow-cheap")),
        Arguments.of(
            "lowest-latency falls back to probe latency when no traffic",
            List.of(region("a", 1, 0.1, 0.20, NAN, NAN), region("b", 1, 0.1, 0.05, NAN, NAN)),
            LATENCY,
            RouteFilters.NONE,
            0L,
            List.of("b", "a")),
        Arguments.of(
            "lowest-cost ranks by price",
            three,
            COST,
            RouteFilters.NONE,
            0L,
            List.of("slow-cheap", "mid-mid", "fast-dear")),
        Arguments.of(
            "lowest-cost: equal prices go to the faster",
            List.of(region("slow", 1, 0.3, 0.1, 0.4, NAN), region("fast", 1, 0.3, 0.1, 0.1, NAN)),
            COST,
            RouteFilters.NONE,
            0L,
            List.of("fast", "slow")),
        Arguments.of(
            "budget: cheapest within the budget, then the rest by latency",
            three,
            BUDGET,
            RouteFilters.NONE,
            0L,
            List.of("mid-mid", "fast-dear", "slow-cheap")),
        Arguments.of(
            "budget: the quantile decides, not the EWMA (slow-cheap's EWMA 0.35 > budget 0.3 too)",
            List.of(
                region("tail", 1, 0.1, 0.05, 0.12, 0.45),
                region("steady", 1, 0.4, 0.05, 0.20, 0.25)),
            BUDGET,
            RouteFilters.NONE,
            0L,
            List.of("steady", "tail")),
        Arguments.of(
            "budget: none meets it -> the fastest first",
            List.of(region("a", 1, 0.1, 0.1, 0.5, 0.9), region("b", 1, 0.9, 0.1, 0.4, 0.5)),
            BUDGET,
            RouteFilters.NONE,
            0L,
            List.of("b", "a")),
        Arguments.of(
            "budget: a generous budget takes the cheapest",
            three,
            BUDGET.withLatencyBudgetSeconds(1.0),
            RouteFilters.NONE,
            0L,
            List.of("slow-cheap", "mid-mid", "fast-dear")),
        Arguments.of(
            "budget: unhealthy cheapest is skipped",
            List.of(down(slowCheap), midMid, fastDear),
            BUDGET.withLatencyBudgetSeconds(1.0),
            RouteFilters.NONE,
            0L,
            List.of("mid-mid", "fast-dear")),
        Arguments.of(
            "tiers respected: priority 1 first even when dearer",
            List.of(region("p1", 1, 0.9, 0.1, 0.1, 0.1), region("p2", 2, 0.1, 0.1, 0.1, 0.1)),
            COST,
            RouteFilters.NONE,
            0L,
            List.of("p1", "p2")),
        Arguments.of(
            "tiers ignored: cheapest across tiers",
            List.of(region("p1", 1, 0.9, 0.1, 0.1, 0.1), region("p2", 2, 0.1, 0.1, 0.1, 0.1)),
            COST.withPriorityTiers(false),
            RouteFilters.NONE,
            0L,
            List.of("p2", "p1")),
        Arguments.of(
            "allowed regions filter",
            three,
            COST,
            new RouteFilters(Set.of("fast-dear", "mid-mid"), null, null, null),
            0L,
            List.of("mid-mid", "fast-dear")),
        Arguments.of(
            "allowed providers filter",
            List.of(
                region("a", 1, 0.1, "gcp", Map.of(), 0.1, 0.1, NAN),
                region("b", 1, 0.5, "aws", Map.of(), 0.1, 0.1, NAN)),
            COST,
            new RouteFilters(null, Set.of("aws"), null, null),
            0L,
            List.of("b")),
        Arguments.of(
            "label selector filter (residency)",
            List.of(
                region("us", 1, 0.1, "aws", Map.of("geo", "us"), 0.1, 0.1, NAN),
                region("eu", 1, 0.5, "aws", Map.of("geo", "eu"), 0.1, 0.1, NAN)),
            COST,
            new RouteFilters(null, null, LabelSelector.parse("geo=eu"), null),
            0L,
            List.of("eu")),
        Arguments.of(
            "max cost filter",
            three,
            LATENCY,
            new RouteFilters(null, null, null, 0.5),
            0L,
            List.of("mid-mid", "slow-cheap")),
        Arguments.of(
            "filters hold in the reference policy too",
            SelectorTest.reference(),
            BASE,
            new RouteFilters(Set.of("us-east-1", "brazilsouth"), null, null, null),
            0L,
            List.of("brazilsouth", "us-east-1")),
        Arguments.of(
            "panic guard stays inside the filters",
            List.of(
                down(region("in", 1, 0.1, 0.1, NAN, NAN)), region("out", 1, 0.1, 0.1, NAN, NAN)),
            BASE,
            new RouteFilters(Set.of("in"), null, null, null),
            0L,
            List.of("in")),
        Arguments.of(
            "tokens per minute reached spills over",
            List.of(tokens(slowCheap, 10_000, 9_950), midMid),
            COST,
            RouteFilters.NONE,
            100L,
            List.of("mid-mid")),
        Arguments.of(
            "tokens per minute with room keeps the region",
            List.of(tokens(slowCheap, 10_000, 5_000), midMid),
            COST,
            RouteFilters.NONE,
            100L,
            List.of("slow-cheap", "mid-mid")),
        Arguments.of(
            "an empty token window always takes the request",
            List.of(tokens(slowCheap, 50, 0), midMid),
            COST,
            RouteFilters.NONE,
            100L,
            List.of("slow-cheap", "mid-mid")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void ordersRegionsByPolicy(
      String name,
      List<Candidate> candidates,
      RoutingPolicy policy,
      RouteFilters filters,
      long tokens,
      List<String> expected) {
    assertThat(order(candidates, policy, filters, tokens)).isEqualTo(expected);
  }

  @Test
  void noRegionMatchingTheFiltersGivesAnEmptyPlanNamingThem() {
    List<Candidate> regions =
        List.of(
            region("us", 1, 0.1, "aws", Map.of("geo", "us"), 0.1, NAN, NAN),
            region("eu-gcp", 1, 0.1, "gcp", Map.of("geo", "eu"), 0.1, NAN, NAN));
    RouteFilters filters =
        new RouteFilters(null, Set.of("aws"), LabelSelector.parse("geo=eu"), null);
    AttemptPlan plan = Selector.plan(regions, BASE, filters, 0, new Random(1));
    assertThat(plan.isEmpty()).isTrue();
    assertThat(plan.panic()).isFalse();
    assertThat(plan.noMatch())
        .containsExactly(
            RouteFilters.Filter.ALLOWED_PROVIDERS, RouteFilters.Filter.REGION_SELECTOR);
    assertThat(plan.explain()).extracting(CandidateExplain::outcome).containsOnly("filtered");
    assertThat(plan.explain().get(0).reason()).contains("geo=eu");
    assertThat(plan.explain().get(1).reason()).contains("provider gcp");
  }

  @Test
  void equalCostRegionsWithinTheBudgetShareLoad() {
    List<Candidate> twins =
        List.of(
            region("a", 1, 0.3, 0.05, 0.1, 0.10),
            region("b", 1, 0.3, 0.05, 0.2, 0.25),
            region("dear", 1, 0.9, 0.01, 0.05, 0.05));
    Map<String, Integer> firsts = new HashMap<>();
    Random random = new Random(42);
    for (int i = 0; i < 1000; i++) {
      firsts.merge(
          Selector.plan(twins, BUDGET, RouteFilters.NONE, 0, random)
              .order()
              .get(0)
              .candidate()
              .name(),
          1,
          Integer::sum);
    }
    assertThat(firsts).containsOnlyKeys("a", "b");
    assertThat(firsts.get("a")).isBetween(350, 650);
  }

  @Test
  void priorityLoadFollowsEnvoyWithOverprovisioningFactor() {
    // all healthy: tier 0 takes everything
    assertThat(PlanRules.priorityLoad(new double[] {1.0, 1.0}, 1.4)).containsExactly(100, 0);
    // 3 of 4 healthy: 1.4 x 75 % = 105 % -> still all of it
    assertThat(PlanRules.priorityLoad(new double[] {0.75, 1.0}, 1.4)).containsExactly(100, 0);
    // 2 of 4 healthy: 70 % stays, 30 % spills to the next tier
    assertThat(PlanRules.priorityLoad(new double[] {0.5, 1.0}, 1.4)[0])
        .isCloseTo(70, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(PlanRules.priorityLoad(new double[] {0.5, 1.0}, 1.4)[1])
        .isCloseTo(30, org.assertj.core.data.Offset.offset(1e-9));
    // both degraded below 100 % in total: normalised in proportion to health
    double[] degraded = PlanRules.priorityLoad(new double[] {0.25, 0.25}, 1.4);
    assertThat(degraded[0]).isCloseTo(50, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(PlanRules.priorityLoad(new double[] {0, 0}, 1.4)).containsExactly(0, 0);
  }

  @Test
  void aDegradedTierSpillsPartOfItsLoadGradually() {
    // tier 1: 2 of 4 available (70 % load stays); tier 2: healthy
    List<Candidate> regions =
        List.of(
            region("p1-a", 1, 0.1, 0.1, NAN, NAN),
            region("p1-b", 1, 0.1, 0.1, NAN, NAN),
            down(region("p1-c", 1, 0.1, 0.1, NAN, NAN)),
            ejected(region("p1-d", 1, 0.1, 0.1, NAN, NAN)),
            region("p2-a", 2, 0.1, 0.1, NAN, NAN));
    Map<Integer, Integer> byTier = new HashMap<>();
    Random random = new Random(3);
    for (int i = 0; i < 2000; i++) {
      AttemptPlan plan = Selector.plan(regions, COST, RouteFilters.NONE, 0, random);
      byTier.merge(plan.order().get(0).candidate().priority(), 1, Integer::sum);
      assertThat(plan.order()).hasSize(3); // the other tier follows for failover
    }
    assertThat(byTier.get(1)).isBetween(1300, 1500);
    assertThat(byTier.get(2)).isBetween(500, 700);
  }

  @Test
  void theExplainOutputNamesEveryCandidatesPartsAndWhy() {
    Candidate full =
        new Candidate(
            new RegionEntry(
                "full",
                "http://full",
                0.1,
                1,
                "aws",
                null,
                null,
                new RegionEntry.Capacity(1, null),
                null,
                null,
                null),
            new HealthView(true, null, null, 0.05, 0.1, 0, 0, 1, false),
            0,
            0.1);
    List<Candidate> regions =
        List.of(
            region("cheap", 1, 0.2, "aws", Map.of(), 0.05, 0.1, 0.2),
            region("dear", 1, 0.8, "aws", Map.of(), 0.05, 0.1, 0.1),
            region("slow", 1, 0.1, "aws", Map.of(), 0.05, 0.4, 0.5),
            region("gcp", 1, 0.01, "gcp", Map.of(), 0.05, 0.1, 0.1),
            full);
    AttemptPlan plan =
        Selector.plan(
            regions, BUDGET, new RouteFilters(null, Set.of("aws"), null, null), 0, new Random(1));
    assertThat(plan.policy()).isEqualTo("cost-within-latency-budget");
    assertThat(plan.why()).contains("cheapest").contains("within the 300 ms budget");
    Map<String, CandidateExplain> byName = new HashMap<>();
    plan.explain().forEach(c -> byName.put(c.region(), c));
    assertThat(byName.get("cheap").outcome()).isEqualTo("chosen");
    assertThat(byName.get("cheap").latencySource()).isEqualTo("traffic_quantile");
    assertThat(byName.get("cheap").withinBudget()).isTrue();
    assertThat(byName.get("dear").outcome()).isEqualTo("ranked");
    assertThat(byName.get("slow").withinBudget()).isFalse();
    assertThat(byName.get("gcp").outcome()).isEqualTo("filtered");
    assertThat(byName.get("gcp").reason()).contains("provider gcp not in allowed providers");
    assertThat(byName.get("full").outcome()).isEqualTo("skipped");
    assertThat(byName.get("full").reason()).contains("in_flight 1/1");
  }

  @Test
  void theDefaultPolicyExplainsItsScore() {
    AttemptPlan plan = Selector.plan(SelectorTest.reference(), BASE, new Random(1));
    assertThat(plan.policy()).isEqualTo("priority-latency");
    assertThat(plan.why()).startsWith("lowest score priority + 10 x latency = 1.5");
    assertThat(plan.explain()).hasSize(4);
    assertThat(plan.explain())
        .filteredOn(c -> c.outcome().equals("chosen"))
        .extracting(CandidateExplain::region)
        .containsExactly("ap-south-1");
  }

  @Test
  void policyNamesParseAndRejectUnknownOnes() {
    assertThat(PolicyKind.parse("Cost_Within_Latency_Budget"))
        .isEqualTo(PolicyKind.COST_WITHIN_LATENCY_BUDGET);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PolicyKind.parse("fastest"))
        .hasMessageContaining("unknown policy 'fastest'")
        .hasMessageContaining("lowest-latency");
  }
}
