package dev.regionrouter.router.observe;

import java.time.Instant;

/**
 * One data-plane request as it ended, for the access log and the status page.
 *
 * @param region the region whose answer the caller got, or null when none served it
 * @param attempts attempts made (0 when none was)
 * @param tokens tokens the region reported using, or -1 when not known (pass-through)
 * @param costUsd estimated cost (tokens x the region's price), or NaN when not known
 * @param traceId the caller's W3C trace id, or null
 * @param callerLeft the caller hung up before the answer was complete
 */
public record RequestRecord(
    Instant at,
    String method,
    String path,
    int status,
    String region,
    int attempts,
    long durationNanos,
    long tokens,
    double costUsd,
    String traceId,
    boolean callerLeft) {

  public double durationMs() {
    return durationNanos / 1e6;
  }
}
