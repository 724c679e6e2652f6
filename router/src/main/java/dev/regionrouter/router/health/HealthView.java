package dev.regionrouter.router.health;

import java.time.Instant;

/**
 * An immutable view of one region's health at one instant, for the selector and the status page.
 *
 * @param activeHealthy the background probes' verdict (true until probes say otherwise)
 * @param ejectedUntil end of the current passive ejection, or null when not ejected
 * @param coolingUntil end of the 429 cool-down, or null when not cooling
 * @param latencySeconds smoothed latency used for scoring (probes, and the heads of streamed
 *     answers), NaN until measured
 * @param trafficLatencySeconds smoothed latency of real requests (time to first byte for streams),
 *     NaN until measured
 * @param failureCount consecutive failed attempts that have not expired
 * @param ejections how many times the region was ejected recently (the backoff multiplier)
 * @param inFlight requests in progress on the region through this router
 * @param halfOpen an ejection ended and no attempt succeeded since: one failure ejects again
 */
public record HealthView(
    boolean activeHealthy,
    Instant ejectedUntil,
    Instant coolingUntil,
    double latencySeconds,
    double trafficLatencySeconds,
    int failureCount,
    int ejections,
    int inFlight,
    boolean halfOpen) {

  public boolean ejected() {
    return ejectedUntil != null;
  }

  public boolean cooling() {
    return coolingUntil != null;
  }

  /** Whether the selector may choose the region outside the panic guard. */
  public boolean available() {
    return activeHealthy && !ejected() && !cooling();
  }

  /** This view with another count of requests in flight (itself when the count is the same). */
  public HealthView withInFlight(int count) {
    return count == inFlight
        ? this
        : new HealthView(
            activeHealthy,
            ejectedUntil,
            coolingUntil,
            latencySeconds,
            trafficLatencySeconds,
            failureCount,
            ejections,
            count,
            halfOpen);
  }

  /** A healthy, idle region with the given latency (tests and defaults). */
  public static HealthView healthy(double latencySeconds) {
    return new HealthView(true, null, null, latencySeconds, Double.NaN, 0, 0, 0, false);
  }
}
