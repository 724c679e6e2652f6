package dev.regionrouter.router.selection;

import java.time.Instant;

/** The last decision the router made, for /regions/status. One volatile write per request. */
public class DecisionLog {

  /** A decision and when it was made. */
  public record Decision(AttemptPlan plan, Instant at, String caller) {}

  private volatile Decision last;

  public void record(AttemptPlan plan, Instant at, String caller) {
    last = new Decision(plan, at, caller);
  }

  /** The last decision, or null before the first request. */
  public Decision last() {
    return last;
  }
}
