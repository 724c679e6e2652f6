package dev.regionrouter.router.selection;

import dev.regionrouter.router.health.HealthView;

/**
 * One plan's live reads: each region's in-flight count and tokens are read once, when first needed.
 */
final class PlanWalk implements PlanCursor.Entries {
  private final Ranking ranking;
  final Ranking.Live live;
  final long estimatedTokens;
  final Ranking.Excluded excluded;
  private final int[] inFlightPlusOne;
  private long[] tokensPlusOne;

  PlanWalk(Ranking ranking, Ranking.Live live, long estimatedTokens, Ranking.Excluded excluded) {
    this.ranking = ranking;
    this.inFlightPlusOne = new int[ranking.size()];
    this.live = live;
    this.estimatedTokens = estimatedTokens;
    this.excluded = excluded;
  }

  int inFlight(int i) {
    int v = inFlightPlusOne[i];
    if (v == 0) {
      v = live.inFlight(i) + 1;
      inFlightPlusOne[i] = v;
    }
    return v - 1;
  }

  long tokens(int i) {
    if (tokensPlusOne == null) {
      tokensPlusOne = new long[ranking.size()];
    }
    long v = tokensPlusOne[i];
    if (v == 0) {
      v = Math.max(0, live.tokensInWindow(i)) + 1;
      tokensPlusOne[i] = v;
    }
    return v - 1;
  }

  @Override
  public boolean usable(int e) {
    int i = e >> 1;
    byte applies = ranking.when[e];
    if (applies == Ranking.IDLE && inFlight(i) != 0
        || applies == Ranking.BUSY && inFlight(i) == 0) {
      return false;
    }
    Candidate c = ranking.regions[i];
    Integer max = c.maxInFlight();
    if (max != null && inFlight(i) >= max) {
      return false;
    }
    Long perMinute = c.tokensPerMinute();
    if (perMinute != null) {
      long used = tokens(i);
      return !(used > 0 && used + estimatedTokens > perMinute);
    }
    return true;
  }

  Candidate candidate(int i) {
    Candidate c = ranking.regions[i];
    int inFlight = inFlight(i);
    HealthView v = c.health().withInFlight(inFlight);
    return new Candidate(c.entry(), v, tokens(i), c.budgetLatencySeconds());
  }

  @Override
  public AttemptPlan.Scored scored(int e) {
    return new AttemptPlan.Scored(candidate(e >> 1), ranking.score[e]);
  }
}
