package dev.regionrouter.router.selection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The plain planner: the test oracle {@link Ranking} is held against (RankingTest plans random
 * fleets with both and expects the same plans), and the reference for what a plan means.
 *
 * <p>Orders the regions to try for one request. Pure: the result depends only on its arguments (the
 * candidates' health views and routing state, the policy, the request's filters and the random
 * source), so it is tested table-driven and driven by bench/policy-sim as is.
 *
 * <ol>
 *   <li>Hard filters (allowed regions, allowed providers, label selector, max cost) drop regions
 *       for good: when none is left the plan is empty and names the filters ({@link
 *       AttemptPlan#noMatch}); the panic guard never reaches outside them.
 *   <li>Candidates at capacity (capacity.maxInFlight reached, or capacity.tokensPerMinute that this
 *       request would pass) are left out: their excess spills to the next region.
 *   <li>priority-latency (the reference's): available regions (healthy, not ejected, not cooling
 *       after a 429) are ordered by score, then cost, then name. Scores within shareEpsilon of the
 *       best count as tied and go to the lower cost (the reference's tie rule). Among the tied ones
 *       of that lowest cost, two are picked at random and the one with fewer requests in flight
 *       goes first (power of two choices; a coin on a tie), so equal regions share load.
 *   <li>The other policies rank by their own key (latency; cost; cost within the latency budget,
 *       then the fastest over it), equal ones sharing by the same power of two choices. With
 *       respectPriorityTiers, they rank inside priority tiers, and a tier whose available share
 *       drops hands part of its load to the next tier gradually (Envoy's priority load with the
 *       overprovisioning factor): the draw picks the tier, the rest follow in priority order.
 *   <li>Panic guard: when none is available, all regions under capacity are planned by rank (those
 *       cooling after a 429 last), so the request still tries the best before a 503.
 * </ol>
 */
public final class Selector {

  private Selector() {}

  /** The reference's planning: no filters, no token estimate. */
  public static AttemptPlan plan(
      List<Candidate> candidates, RoutingPolicy policy, RandomGenerator random) {
    return plan(candidates, policy, RouteFilters.NONE, 0, random);
  }

  public static AttemptPlan plan(
      List<Candidate> candidates,
      RoutingPolicy policy,
      RouteFilters filters,
      long estimatedTokens,
      RandomGenerator random) {
    PlanRules.Notes notes = new PlanRules.Notes();
    // 1. hard filters
    List<Candidate> passed = new ArrayList<>();
    List<RouteFilters.Filter> rejecting = new ArrayList<>();
    for (Candidate candidate : candidates) {
      RouteFilters.Filter filter = filters.rejects(candidate.entry());
      if (filter == null) {
        passed.add(candidate);
      } else {
        notes.put(candidate, "filtered", filters.describe(filter, candidate.entry()));
        if (!rejecting.contains(filter)) {
          rejecting.add(filter);
        }
      }
    }
    if (passed.isEmpty() && !candidates.isEmpty() && !rejecting.isEmpty()) {
      rejecting.sort(Comparator.naturalOrder());
      return new AttemptPlan(
          List.of(),
          false,
          policy.name(),
          "no region matches the request's filters",
          () -> PlanRules.explain(candidates, policy, notes, List.of()),
          rejecting);
    }
    // 2. capacity
    List<Candidate> room = new ArrayList<>();
    for (Candidate candidate : passed) {
      if (PlanRules.hasRoom(candidate, estimatedTokens, notes)) {
        room.add(candidate);
      }
    }
    Planned planned =
        policy.kind() == PolicyKind.PRIORITY_LATENCY
            ? byScore(room, policy, random)
            : byPolicy(passed, room, policy, random);
    String why = PlanRules.panicWhy(planned.panic, planned.order.isEmpty(), planned.why);
    // The explanation costs about a third of a plan: it is built only when read (debug header,
    // /regions/status, /regions/decision), from what the plan saw.
    return new AttemptPlan(
        planned.order,
        planned.panic,
        policy.name(),
        why,
        () -> PlanRules.explain(candidates, policy, notes, planned.order),
        List.of());
  }

  private record Planned(List<AttemptPlan.Scored> order, boolean panic, String why) {}

  private static Planned byScore(
      List<Candidate> room, RoutingPolicy policy, RandomGenerator random) {
    List<AttemptPlan.Scored> available = new ArrayList<>();
    List<AttemptPlan.Scored> unavailable = new ArrayList<>();
    for (Candidate candidate : room) {
      AttemptPlan.Scored scored = new AttemptPlan.Scored(candidate, candidate.score(policy));
      (candidate.health().available() ? available : unavailable).add(scored);
    }
    Comparator<AttemptPlan.Scored> byScore =
        Comparator.comparingDouble(AttemptPlan.Scored::score)
            .thenComparingDouble(s -> s.candidate().cost())
            .thenComparing(s -> s.candidate().name());
    if (available.isEmpty()) {
      unavailable.sort(
          Comparator.<AttemptPlan.Scored, Boolean>comparing(s -> s.candidate().health().cooling())
              .thenComparing(byScore));
      return new Planned(
          unavailable,
          !unavailable.isEmpty(),
          unavailable.isEmpty()
              ? "every region is at capacity"
              : "lowest score " + PlanRules.fmt(unavailable.get(0).score()));
    }
    available.sort(byScore);
    String shared = PlanRules.shareAmongNearEqual(available, policy.shareEpsilon(), random);
    return new Planned(available, false, PlanRules.scoreWhy(available, policy, shared));
  }

  private static Planned byPolicy(
      List<Candidate> passed, List<Candidate> room, RoutingPolicy policy, RandomGenerator random) {
    List<AttemptPlan.Scored> available = new ArrayList<>();
    List<AttemptPlan.Scored> unavailable = new ArrayList<>();
    for (Candidate candidate : room) {
      AttemptPlan.Scored scored =
          new AttemptPlan.Scored(candidate, PlanRules.key(candidate, policy));
      (candidate.health().available() ? available : unavailable).add(scored);
    }
    Comparator<AttemptPlan.Scored> rank = rankOrder(policy);
    if (available.isEmpty()) {
      unavailable.sort(
          Comparator.<AttemptPlan.Scored, Boolean>comparing(s -> s.candidate().health().cooling())
              .thenComparing(rank));
      return new Planned(
          unavailable,
          !unavailable.isEmpty(),
          unavailable.isEmpty()
              ? "every region is at capacity"
              : PlanRules.reason(unavailable, policy, null));
    }
    if (!policy.respectPriorityTiers()) {
      String shared = share(available, rank, policy, random);
      return new Planned(available, false, PlanRules.reason(available, policy, shared));
    }
    // priority tiers with gradual spill-over (Envoy's priority load)
    TreeMap<Integer, int[]> health = new TreeMap<>(); // priority -> {available, total}
    for (Candidate candidate : passed) {
      int[] counts = health.computeIfAbsent(candidate.priority(), p -> new int[2]);
      counts[1]++;
      if (candidate.health().available()) {
        counts[0]++;
      }
    }
    List<Integer> priorities = new ArrayList<>(health.keySet());
    double[] shares = new double[priorities.size()];
    for (int i = 0; i < shares.length; i++) {
      int[] counts = health.get(priorities.get(i));
      shares[i] = (double) counts[0] / counts[1];
    }
    double[] load = PlanRules.priorityLoad(shares, policy.overprovisioningFactor());
    Map<Integer, List<AttemptPlan.Scored>> tiers = new TreeMap<>();
    for (AttemptPlan.Scored scored : available) {
      tiers.computeIfAbsent(scored.candidate().priority(), p -> new ArrayList<>()).add(scored);
    }
    int chosen = PlanRules.drawTier(load, priorities, tiers, random);
    List<AttemptPlan.Scored> order = new ArrayList<>();
    String shared = null;
    List<Integer> tierOrder = new ArrayList<>();
    tierOrder.add(chosen);
    for (Integer p : tiers.keySet()) {
      if (p != chosen) {
        tierOrder.add(p);
      }
    }
    for (Integer p : tierOrder) {
      List<AttemptPlan.Scored> tier = tiers.get(p);
      String note = share(tier, rank, policy, random);
      if (p == chosen) {
        shared = note;
      }
      order.addAll(tier);
    }
    String tierNote = PlanRules.tierNote(chosen, tiers.size(), load[priorities.indexOf(chosen)]);
    return new Planned(order, false, PlanRules.reason(order, policy, shared) + "; " + tierNote);
  }

  private static Comparator<AttemptPlan.Scored> rankOrder(RoutingPolicy policy) {
    Comparator<AttemptPlan.Scored> byLatency =
        Comparator.comparingDouble(s -> PlanRules.latency(s, policy));
    Comparator<AttemptPlan.Scored> byCost = Comparator.comparingDouble(s -> s.candidate().cost());
    Comparator<AttemptPlan.Scored> byName = Comparator.comparing(s -> s.candidate().name());
    return switch (policy.kind()) {
      case LOWEST_LATENCY -> byLatency.thenComparing(byCost).thenComparing(byName);
      case LOWEST_COST -> byCost.thenComparing(byLatency).thenComparing(byName);
      case COST_WITHIN_LATENCY_BUDGET ->
          Comparator.<AttemptPlan.Scored, Boolean>comparing(
                  s -> !PlanRules.withinBudget(s.candidate(), policy))
              .thenComparing(
                  (x, y) ->
                      PlanRules.withinBudget(x.candidate(), policy)
                          ? byCost.thenComparing(byLatency).compare(x, y)
                          : byLatency.thenComparing(byCost).compare(x, y))
              .thenComparing(byName);
      case PRIORITY_LATENCY ->
          Comparator.comparingDouble(AttemptPlan.Scored::score)
              .thenComparing(byCost)
              .thenComparing(byName);
    };
  }

  /** Sorts by rank and lets the equals of the best share load; returns a note when they did. */
  private static String share(
      List<AttemptPlan.Scored> list,
      Comparator<AttemptPlan.Scored> rank,
      RoutingPolicy policy,
      RandomGenerator random) {
    list.sort(rank);
    AttemptPlan.Scored best = list.get(0);
    double eps = policy.latencyEpsilonSeconds();
    int group = 1;
    while (group < list.size() && PlanRules.equal(best, list.get(group), policy, eps)) {
      group++;
    }
    return PlanRules.shareGroup(list, group, random);
  }
}
