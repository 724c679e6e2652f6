package dev.regionrouter.router.select;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Orders the regions to try for one request. Pure: the result depends only on its arguments (the
 * candidates' health views, the policy and the random source), so it is tested table-driven.
 *
 * <ol>
 *   <li>Candidates at capacity (capacity.maxInFlight reached) are left out: their excess spills to
 *       the next region.
 *   <li>Available regions (healthy, not ejected, not cooling after a 429) are ordered by score,
 *       then cost, then name.
 *   <li>Scores within shareEpsilon of the best count as tied and go to the lower cost (the
 *       reference's tie rule). Among the tied ones of that lowest cost, two are picked at random
 *       and the one with fewer requests in flight goes first (power of two choices; a coin on a
 *       tie), so equal regions share load instead of one taking everything.
 *   <li>Panic guard: when none is available, all regions under capacity are planned by score
 *       (those cooling after a 429 last), so the request still tries the best before a 503.
 * </ol>
 */
public final class Selector {

  private Selector() {}

  public static AttemptPlan plan(List<Candidate> candidates, RoutingPolicy policy, RandomGenerator random) {
    List<AttemptPlan.Scored> available = new ArrayList<>();
    List<AttemptPlan.Scored> unavailable = new ArrayList<>();
    for (Candidate candidate : candidates) {
      if (candidate.atCapacity()) {
        continue;
      }
      AttemptPlan.Scored scored = new AttemptPlan.Scored(candidate, candidate.score(policy));
      (candidate.health().available() ? available : unavailable).add(scored);
    }
    Comparator<AttemptPlan.Scored> byScore = Comparator.comparingDouble(AttemptPlan.Scored::score)
        .thenComparingDouble(s -> s.candidate().cost())
        .thenComparing(s -> s.candidate().name());
    if (available.isEmpty()) {
      unavailable.sort(Comparator.<AttemptPlan.Scored, Boolean>comparing(s -> s.candidate().health().cooling())
          .thenComparing(byScore));
      return new AttemptPlan(unavailable, !unavailable.isEmpty());
    }
    available.sort(byScore);
    shareAmongNearEqual(available, policy.shareEpsilon(), random);
    return new AttemptPlan(available, false);
  }

  /**
   * Scores within epsilon of the best count as tied: the tied group is ordered by cost (the
   * reference's tie rule), and the cheapest of it share load by power of two choices.
   */
  private static void shareAmongNearEqual(List<AttemptPlan.Scored> sorted, double epsilon, RandomGenerator random) {
    double best = sorted.get(0).score();
    int tied = 1;
    while (tied < sorted.size() && sorted.get(tied).score() - best <= epsilon) {
      tied++;
    }
    if (tied < 2) {
      return;
    }
    sorted.subList(0, tied).sort(Comparator.comparingDouble((AttemptPlan.Scored s) -> s.candidate().cost())
        .thenComparingDouble(AttemptPlan.Scored::score)
        .thenComparing(s -> s.candidate().name()));
    double cheapest = sorted.get(0).candidate().cost();
    int group = 1;
    while (group < tied && sorted.get(group).candidate().cost() == cheapest) {
      group++;
    }
    if (group < 2) {
      return;
    }
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
    int winner = inFlightFirst == inFlightSecond ? (random.nextBoolean() ? first : second)
        : inFlightSecond < inFlightFirst ? second : first;
    if (winner != 0) {
      sorted.add(0, sorted.remove(winner));
    }
  }
}
