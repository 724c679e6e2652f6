package dev.regionrouter.router.selection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * Orders the regions to try for one request. Pure: the result depends only on its arguments (the
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
    Notes notes = new Notes();
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
          () -> explain(candidates, policy, notes, List.of()),
          rejecting);
    }
    // 2. capacity
    List<Candidate> room = new ArrayList<>();
    for (Candidate candidate : passed) {
      if (hasRoom(candidate, estimatedTokens, notes)) {
        room.add(candidate);
      }
    }
    Planned planned =
        policy.kind() == PolicyKind.PRIORITY_LATENCY
            ? byScore(room, policy, random)
            : byPolicy(passed, room, policy, random);
    String why = panicWhy(planned.panic, planned.order.isEmpty(), planned.why);
    // The explanation costs about a third of a plan: it is built only when read (debug header,
    // /regions/status, /regions/decision), from what the plan saw.
    return new AttemptPlan(
        planned.order,
        planned.panic,
        policy.name(),
        why,
        () -> explain(candidates, policy, notes, planned.order),
        List.of());
  }

  /**
   * Whether the candidate can take the request; when not, notes why (its excess spills to the next
   * region).
   */
  static boolean hasRoom(Candidate candidate, long estimatedTokens, Notes notes) {
    if (candidate.atCapacity()) {
      notes.put(
          candidate,
          "skipped",
          "at capacity: in_flight "
              + candidate.health().inFlight()
              + "/"
              + candidate.maxInFlight()
              + " (its excess spills to the next region)");
      return false;
    }
    if (candidate.overTokenBudget(estimatedTokens)) {
      notes.put(
          candidate,
          "skipped",
          "at capacity: tokens_per_minute "
              + candidate.tokensInWindow()
              + " + ~"
              + estimatedTokens
              + " for this request > "
              + candidate.tokensPerMinute());
      return false;
    }
    return true;
  }

  /** The plan's why with the panic guard's preamble when it panicked. */
  static String panicWhy(boolean panic, boolean empty, String why) {
    return panic && !empty
        ? "panic guard: no region is available, trying the best anyway (" + why + ")"
        : why;
  }

  private record Planned(List<AttemptPlan.Scored> order, boolean panic, String why) {}

  // ---------------------------------------------------------------------------------------------
  // priority-latency: the reference's scorer, unchanged

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
              : "lowest score " + fmt(unavailable.get(0).score()));
    }
    available.sort(byScore);
    String shared = shareAmongNearEqual(available, policy.shareEpsilon(), random);
    return new Planned(available, false, scoreWhy(available, policy, shared));
  }

  /** priority-latency's why: the winning score, and the runner-up unless the winner was shared. */
  static String scoreWhy(List<AttemptPlan.Scored> order, RoutingPolicy policy, String shared) {
    AttemptPlan.Scored first = order.get(0);
    return "lowest score priority + "
        + fmt(policy.latencyWeight())
        + " x latency"
        + (policy.costWeight() > 0 ? " + " + fmt(policy.costWeight()) + " x cost" : "")
        + " = "
        + fmt(first.score())
        + (shared == null && atLeast(order, 2)
            ? " (next: " + order.get(1).candidate().name() + " " + fmt(order.get(1).score()) + ")"
            : "")
        + (shared == null ? "" : "; " + shared);
  }

  /**
   * Scores within epsilon of the best count as tied: the tied group is ordered by cost (the
   * reference's tie rule), and the cheapest of it share load by power of two choices. Returns a
   * note when it shared, else null.
   */
  static String shareAmongNearEqual(
      List<AttemptPlan.Scored> sorted, double epsilon, RandomGenerator random) {
    double best = sorted.get(0).score();
    int tied = 1;
    while (tied < sorted.size() && sorted.get(tied).score() - best <= epsilon) {
      tied++;
    }
    if (tied < 2) {
      return null;
    }
    sorted
        .subList(0, tied)
        .sort(
            Comparator.comparingDouble((AttemptPlan.Scored s) -> s.candidate().cost())
                .thenComparingDouble(AttemptPlan.Scored::score)
                .thenComparing(s -> s.candidate().name()));
    double cheapest = sorted.get(0).candidate().cost();
    int group = 1;
    while (group < tied && sorted.get(group).candidate().cost() == cheapest) {
      group++;
    }
    if (group < 2) {
      return "scores within " + fmt(epsilon) + " of the best are tied: the cheaper wins";
    }
    powerOfTwoChoices(sorted, group, random);
    return "shared among " + group + " near-equal regions by power of two choices on in-flight";
  }

  /** Moves the winner of a power-of-two-choices draw among the first {@code group} to the front. */
  static void powerOfTwoChoices(
      List<AttemptPlan.Scored> sorted, int group, RandomGenerator random) {
    int a = random.nextInt(group);
    int b = random.nextInt(group - 1);
    if (b >= a) {
      b++;
    }
    int first = Math.min(a, b);
    int second = Math.max(a, b);
    // fewer in flight wins; on a tie a coin decides, so idle near-equal regions share too
    int inFlightFirst = sorted.get(first).candidate().health().inFlight();
    int inFlightSecond = sorted.get(second).candidate().health().inFlight();
    int winner =
        inFlightFirst == inFlightSecond
            ? (random.nextBoolean() ? first : second)
            : inFlightSecond < inFlightFirst ? second : first;
    if (winner != 0) {
      sorted.add(0, sorted.remove(winner));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // lowest-latency, lowest-cost, cost-within-latency-budget

  private static Planned byPolicy(
      List<Candidate> passed, List<Candidate> room, RoutingPolicy policy, RandomGenerator random) {
    List<AttemptPlan.Scored> available = new ArrayList<>();
    List<AttemptPlan.Scored> unavailable = new ArrayList<>();
    for (Candidate candidate : room) {
      AttemptPlan.Scored scored = new AttemptPlan.Scored(candidate, key(candidate, policy));
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
              : reason(unavailable, policy, null));
    }
    if (!policy.respectPriorityTiers()) {
      String shared = share(available, rank, policy, random);
      return new Planned(available, false, reason(available, policy, shared));
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
    double[] load = priorityLoad(shares, policy.overprovisioningFactor());
    Map<Integer, List<AttemptPlan.Scored>> tiers = new TreeMap<>();
    for (AttemptPlan.Scored scored : available) {
      tiers.computeIfAbsent(scored.candidate().priority(), p -> new ArrayList<>()).add(scored);
    }
    int chosen = drawTier(load, priorities, tiers, random);
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
    String tierNote = tierNote(chosen, tiers.size(), load[priorities.indexOf(chosen)]);
    return new Planned(order, false, reason(order, policy, shared) + "; " + tierNote);
  }

  static String tierNote(int chosen, int tiersWithRoom, double chosenLoad) {
    return "tier priority "
        + chosen
        + (tiersWithRoom > 1 || chosenLoad < 100
            ? " (drawn with " + fmt(chosenLoad) + " % of the load)"
            : "");
  }

  /**
   * Envoy's priority load: tier i's health is min(100, factor x 100 x available share); tiers take
   * load in priority order up to their health; when the health of all tiers sums under 100, the
   * load is spread in proportion to it. Returned in percent.
   */
  static double[] priorityLoad(double[] availableShares, double overprovisioningFactor) {
    double[] health = new double[availableShares.length];
    double total = 0;
    for (int i = 0; i < health.length; i++) {
      health[i] = Math.min(100, overprovisioningFactor * 100 * availableShares[i]);
      total += health[i];
    }
    double[] load = new double[health.length];
    if (total <= 0) {
      return load;
    }
    if (total < 100) {
      for (int i = 0; i < health.length; i++) {
        load[i] = health[i] * 100 / total;
      }
      return load;
    }
    double remaining = 100;
    for (int i = 0; i < health.length; i++) {
      load[i] = Math.min(remaining, health[i]);
      remaining -= load[i];
    }
    return load;
  }

  /**
   * Draws a tier by load (no draw when one tier has it all); a drawn tier with no room falls to the
   * best that has some.
   */
  static int drawTier(
      double[] load,
      List<Integer> priorities,
      Map<Integer, List<AttemptPlan.Scored>> tiers,
      RandomGenerator random) {
    int positive = 0;
    for (double l : load) {
      if (l > 0) {
        positive++;
      }
    }
    Integer drawn = null;
    if (positive == 1) {
      for (int i = 0; i < load.length; i++) {
        if (load[i] > 0) {
          drawn = priorities.get(i);
        }
      }
    } else if (positive > 1) {
      double u = random.nextDouble() * 100;
      double cumulative = 0;
      for (int i = 0; i < load.length; i++) {
        cumulative += load[i];
        if (u < cumulative && load[i] > 0) {
          drawn = priorities.get(i);
          break;
        }
      }
    }
    if (drawn != null && tiers.containsKey(drawn)) {
      return drawn;
    }
    return tiers.keySet().iterator().next();
  }

  /** The ranking key: what the explain output calls the score. */
  static double key(Candidate candidate, RoutingPolicy policy) {
    double latency = candidate.latencySeconds(policy.kind(), policy.unknownLatencySeconds());
    return switch (policy.kind()) {
      case LOWEST_LATENCY -> latency;
      case LOWEST_COST -> candidate.cost();
      case COST_WITHIN_LATENCY_BUDGET ->
          latency <= policy.latencyBudgetSeconds() ? candidate.cost() : latency;
      case PRIORITY_LATENCY -> candidate.score(policy);
    };
  }

  static boolean withinBudget(Candidate candidate, RoutingPolicy policy) {
    return candidate.latencySeconds(policy.kind(), policy.unknownLatencySeconds())
        <= policy.latencyBudgetSeconds();
  }

  private static double latency(AttemptPlan.Scored s, RoutingPolicy policy) {
    return s.candidate().latencySeconds(policy.kind(), policy.unknownLatencySeconds());
  }

  private static Comparator<AttemptPlan.Scored> rankOrder(RoutingPolicy policy) {
    Comparator<AttemptPlan.Scored> byLatency = Comparator.comparingDouble(s -> latency(s, policy));
    Comparator<AttemptPlan.Scored> byCost = Comparator.comparingDouble(s -> s.candidate().cost());
    Comparator<AttemptPlan.Scored> byName = Comparator.comparing(s -> s.candidate().name());
    return switch (policy.kind()) {
      case LOWEST_LATENCY -> byLatency.thenComparing(byCost).thenComparing(byName);
      case LOWEST_COST -> byCost.thenComparing(byLatency).thenComparing(byName);
      case COST_WITHIN_LATENCY_BUDGET ->
          Comparator.<AttemptPlan.Scored, Boolean>comparing(
                  s -> !withinBudget(s.candidate(), policy))
              .thenComparing(
                  (x, y) ->
                      withinBudget(x.candidate(), policy)
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
    while (group < list.size() && equal(best, list.get(group), policy, eps)) {
      group++;
    }
    return shareGroup(list, group, random);
  }

  /**
   * Lets the first {@code group} of the ranked list share by power of two choices; returns a note
   * when they did.
   */
  static String shareGroup(List<AttemptPlan.Scored> list, int group, RandomGenerator random) {
    if (group < 2) {
      return null;
    }
    powerOfTwoChoices(list, group, random);
    return "shared among " + group + " equal regions by power of two choices on in-flight";
  }

  static boolean equal(
      AttemptPlan.Scored best, AttemptPlan.Scored other, RoutingPolicy policy, double eps) {
    double dl = Math.abs(latency(other, policy) - latency(best, policy));
    boolean sameCost = other.candidate().cost() == best.candidate().cost();
    return switch (policy.kind()) {
      case LOWEST_LATENCY -> dl <= eps && sameCost;
      case LOWEST_COST -> sameCost && dl <= eps;
      // every region of the same price within the budget is as good as the best: they share
      case COST_WITHIN_LATENCY_BUDGET ->
          withinBudget(best.candidate(), policy)
              ? sameCost && withinBudget(other.candidate(), policy)
              : dl <= eps && sameCost;
      case PRIORITY_LATENCY -> false;
    };
  }

  static String reason(List<AttemptPlan.Scored> order, RoutingPolicy policy, String shared) {
    AttemptPlan.Scored first = order.get(0);
    AttemptPlan.Scored next = atLeast(order, 2) ? order.get(1) : null;
    String nextNote =
        next == null || shared != null
            ? ""
            : " (next: "
                + next.candidate().name()
                + " "
                + (policy.kind() == PolicyKind.LOWEST_LATENCY
                    ? ms(latency(next, policy))
                    : fmt(next.candidate().cost()) + " USD/1k, " + ms(latency(next, policy)))
                + ")";
    String why =
        switch (policy.kind()) {
          case LOWEST_LATENCY -> "lowest latency " + ms(latency(first, policy));
          case LOWEST_COST -> "lowest cost " + fmt(first.candidate().cost()) + " USD/1k";
          case COST_WITHIN_LATENCY_BUDGET -> {
            long within = order.stream().filter(s -> withinBudget(s.candidate(), policy)).count();
            yield withinBudget(first.candidate(), policy)
                ? "cheapest ("
                    + fmt(first.candidate().cost())
                    + " USD/1k) of "
                    + within
                    + " region(s) within the "
                    + ms(policy.latencyBudgetSeconds())
                    + " budget (latency "
                    + ms(latency(first, policy))
                    + ")"
                : "no region meets the "
                    + ms(policy.latencyBudgetSeconds())
                    + " budget: the fastest ("
                    + ms(latency(first, policy))
                    + ")";
          }
          case PRIORITY_LATENCY -> "lowest score " + fmt(first.score());
        };
    return why + nextNote + (shared == null ? "" : "; " + shared);
  }

  // ---------------------------------------------------------------------------------------------
  // explain

  /** Per-candidate notes made while planning: outcome and reason. */
  static final class Notes {
    final Map<String, String[]> byName = new LinkedHashMap<>();

    void put(Candidate candidate, String outcome, String reason) {
      byName.put(candidate.name(), new String[] {outcome, reason});
    }
  }

  static List<CandidateExplain> explain(
      List<Candidate> candidates,
      RoutingPolicy policy,
      Notes notes,
      List<AttemptPlan.Scored> order) {
    Map<String, Integer> ranks = new LinkedHashMap<>();
    Map<String, Double> scores = new LinkedHashMap<>();
    for (int i = 0; i < order.size(); i++) {
      ranks.put(order.get(i).candidate().name(), i + 1);
      scores.put(order.get(i).candidate().name(), order.get(i).score());
    }
    List<CandidateExplain> out = new ArrayList<>(candidates.size());
    for (Candidate c : candidates) {
      String[] note = notes.byName.get(c.name());
      int rank = ranks.getOrDefault(c.name(), 0);
      String outcome;
      String reason;
      if (note != null) {
        outcome = note[0];
        reason = note[1];
      } else if (rank == 1) {
        outcome = "chosen";
        reason = null; // the plan's why
      } else if (rank > 1) {
        outcome = "ranked";
        reason = "failover candidate #" + rank;
      } else {
        outcome = "skipped";
        reason = "not planned";
      }
      Boolean within =
          policy.kind() == PolicyKind.COST_WITHIN_LATENCY_BUDGET ? withinBudget(c, policy) : null;
      out.add(
          new CandidateExplain(
              c.name(),
              c.priority(),
              c.latencySeconds(policy.kind(), policy.unknownLatencySeconds()),
              c.latencySource(policy.kind()),
              c.cost(),
              c.healthState(),
              capacity(c),
              scores.getOrDefault(c.name(), Double.NaN),
              within,
              outcome,
              rank,
              reason));
    }
    return out;
  }

  private static String capacity(Candidate c) {
    if (c.atCapacity()) {
      return "in_flight " + c.health().inFlight() + "/" + c.maxInFlight();
    }
    Long tpm = c.tokensPerMinute();
    if (tpm != null && c.tokensInWindow() > 0 && c.tokensInWindow() >= tpm) {
      return "tokens_per_minute " + c.tokensInWindow() + "/" + tpm;
    }
    StringBuilder ok = new StringBuilder("ok");
    if (c.maxInFlight() != null) {
      ok.append(" (in_flight ")
          .append(c.health().inFlight())
          .append('/')
          .append(c.maxInFlight())
          .append(')');
    }
    if (tpm != null) {
      ok.append(" (tokens_per_minute ")
          .append(c.tokensInWindow())
          .append('/')
          .append(tpm)
          .append(')');
    }
    return ok.toString();
  }

  /**
   * Whether the list has n elements, read without its size (a plan's order is built as it is read).
   */
  static boolean atLeast(List<?> list, int n) {
    java.util.Iterator<?> it = list.iterator();
    for (int i = 0; i < n; i++) {
      if (!it.hasNext()) {
        return false;
      }
      it.next();
    }
    return true;
  }

  static String fmt(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e9) {
      return Long.toString((long) value);
    }
    return new java.math.BigDecimal(value)
        .round(new java.math.MathContext(4))
        .stripTrailingZeros()
        .toPlainString();
  }

  static String ms(double seconds) {
    return String.format(Locale.ROOT, "%.0f ms", seconds * 1000);
  }
}
