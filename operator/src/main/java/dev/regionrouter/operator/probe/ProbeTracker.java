package dev.regionrouter.operator.probe;

import java.time.Instant;

/**
 * Turns raw probe results of one region into {@link ProbeObservation}s that change only
 * meaningfully. Pure and single-threaded (the prober calls it under the region's lock).
 *
 * <ul>
 *   <li>Latency is an EWMA (alpha 0.3) of successful probes; the reported figure moves only when
 *       the average leaves a band of max(5 ms, 20 %) around it. The very first success is a
 *       warm-up: it pays for the connection set-up and a cold JVM (often ten times the region's
 *       latency), so it is not reported; the prober probes again at once ({@link #warmingUp()}) and
 *       that second sample is the first one reported.
 *   <li>Healthy after one success, unhealthy after {@value #FAILURE_THRESHOLD} failures in a row
 *       (Kubernetes' default failureThreshold).
 *   <li>The failure count is reported at 1, 2, 3, then 4, 8, 16, ...: a dead region costs a status
 *       write at exponentially spaced probes, not at every probe.
 * </ul>
 */
public final class ProbeTracker {

  public static final int FAILURE_THRESHOLD = 3;
  private static final double ALPHA = 0.3;
  private static final long MIN_LATENCY_BAND_MS = 5;
  private static final double LATENCY_BAND_RATIO = 0.2;

  private double ewmaMs = Double.NaN;
  private int successes;
  private int failures;
  private ProbeObservation reported;

  /** The observation to report now; null until the first probe finished. */
  public ProbeObservation current() {
    return reported;
  }

  /** Records a successful probe; returns true when the reported observation changed. */
  public boolean success(double latencyMs, Instant now) {
    successes++;
    failures = 0;
    if (warmingUp()) {
      return false;
    }
    ewmaMs = successes <= 2 ? latencyMs : ALPHA * latencyMs + (1 - ALPHA) * ewmaMs;
    Long latency = reported == null ? null : reported.latencyMs();
    if (latency == null
        || Math.abs(ewmaMs - latency)
            >= Math.max(MIN_LATENCY_BAND_MS, LATENCY_BAND_RATIO * latency)) {
      latency = Math.round(ewmaMs);
    }
    return report(new ProbeObservation(true, latency, now, 0, null));
  }

  /** True after the warm-up probe: nothing reported yet, one success seen; probe again soon. */
  public boolean warmingUp() {
    return successes == 1 && reported == null;
  }

  /** Records a failed probe; returns true when the reported observation changed. */
  public boolean failure(String error, Instant now) {
    failures++;
    Boolean healthy = reported == null ? null : reported.healthy();
    if (failures >= FAILURE_THRESHOLD) {
      healthy = false;
    }
    int reportedFailures = reported == null ? 0 : reported.consecutiveFailures();
    if (failures <= FAILURE_THRESHOLD || Integer.bitCount(failures) == 1) {
      reportedFailures = failures;
    }
    Long latency = reported == null ? null : reported.latencyMs();
    return report(new ProbeObservation(healthy, latency, now, reportedFailures, error));
  }

  private boolean report(ProbeObservation next) {
    if (reported != null
        && java.util.Objects.equals(reported.healthy(), next.healthy())
        && java.util.Objects.equals(reported.latencyMs(), next.latencyMs())
        && reported.consecutiveFailures() == next.consecutiveFailures()
        && java.util.Objects.equals(reported.lastError(), next.lastError())) {
      return false;
    }
    reported = next;
    return true;
  }
}
