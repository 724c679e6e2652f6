package dev.regionrouter.router.selection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The rules every plan follows, shared by {@link Ranking} (the router's planner) and the plain
 * planner the tests hold it against: room (capacity and tokens per minute), the ranking key, load
 * sharing among equals (power of two choices), priority tiers (Envoy's priority load), the panic
 * guard's wording, and the explain output.
 */
final class PlanRules {

  private PlanRules() {}

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

  static double latency(AttemptPlan.Scored s, RoutingPolicy policy) {
    return s.candidate().latencySeconds(policy.kind(), policy.unknownLatencySeconds());
  }
}
