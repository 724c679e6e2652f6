package dev.regionrouter.router.observe;

import java.time.Instant;
import java.util.List;

/**
 * What the status page shows, gathered by the HTTP edge from the router's state and rendered by
 * {@link StatusPage}.
 *
 * @param refreshSeconds the page reloads itself this often (0: never)
 */
public record StatusPageModel(
    Instant now,
    Table table,
    List<Region> regions,
    Decision lastDecision,
    List<RequestRecord> recentRequests,
    int inFlight,
    int refreshSeconds) {

  /** The routing table in use. */
  public record Table(
      String source,
      boolean loaded,
      long generation,
      Instant loadedAt,
      boolean stale,
      String lastError) {}

  /**
   * One region's row.
   *
   * @param state up, down (probes fail), ejected, half-open, cooling (after a 429) or stalled
   * @param latencyMs the smoothed probe latency the default policy scores, or null before a probe
   * @param scoreParts the score's parts under the default policy (name to value)
   * @param decision its part in the last decision (chosen, fallback, skipped, ...), or null
   */
  public record Region(
      String name,
      String provider,
      String endpoint,
      int priority,
      double costPer1kTokens,
      String state,
      boolean available,
      Double latencyMs,
      Double trafficLatencyMs,
      int failures,
      int ejections,
      String ejectedUntil,
      int inFlight,
      Double score,
      List<ScorePart> scoreParts,
      String decision,
      String decisionReason,
      List<RecentActivity.Point> upstream,
      List<RecentActivity.Point> probes,
      double costUsdRecent) {}

  /** One named part of a score. */
  public record ScorePart(String name, String value) {}

  /** The last routing decision: when, under which policy, which region, why. */
  public record Decision(Instant at, String policy, String chosen, String why) {}
}
