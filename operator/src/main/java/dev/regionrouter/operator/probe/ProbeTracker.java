package dev.regionrouter.operator.probe;

import dev.regionrouter.api.probe.ProbeStateMachine;
import java.time.Instant;
import java.util.Objects;

/**
 * Turns raw probe results of one region into {@link ProbeObservation}s that change only
 * meaningfully. The verdict, the smoothed latency and the follow-up probe are the shared {@link
 * ProbeStateMachine}'s, the same as the router's; this class only decides what is worth a status
 * write. Pure and single-threaded (the prober calls it under the region's lock).
 *
 * <ul>
 *   <li>The reported latency moves only when the smoothed latency leaves a band of max(5 ms, 20 %)
 *       around it, so a steady region's status is not rewritten at every probe.
 *   <li>Nothing is reported while the first answer awaits its follow-up probe ({@link
 *       #warmingUp()}): that answer paid for the connection set-up and a cold JVM.
 *   <li>Healthy after one success ({@value #HEALTHY_THRESHOLD}, Kubernetes' default
 *       successThreshold), unhealthy after {@value #FAILURE_THRESHOLD} failures in a row
 *       (Kubernetes' default failureThreshold).
 *   <li>The failure count is reported at 1, 2, 3, then 4, 8, 16, ...: a dead region costs a status
 *       write at exponentially spaced probes, not at every probe.
 * </ul>
 */
public final class ProbeTracker {

  public static final int FAILURE_THRESHOLD =
      ProbeStateMachine.Settings.DEFAULT_UNHEALTHY_THRESHOLD;
  public static final int HEALTHY_THRESHOLD = 1;

  /** The operator's verdict and smoothing. */
  public static final ProbeStateMachine.Settings SETTINGS =
      new ProbeStateMachine.Settings(
          FAILURE_THRESHOLD, HEALTHY_THRESHOLD, ProbeStateMachine.Settings.DEFAULT_SMOOTHING);

  private static final long MIN_LATENCY_BAND_MS = 5;
  private static final double LATENCY_BAND_RATIO = 0.2;

  private final ProbeStateMachine probes;
  private ProbeObservation reported;

  public ProbeTracker() {
    this(SETTINGS);
  }

  public ProbeTracker(ProbeStateMachine.Settings settings) {
    this.probes = new ProbeStateMachine(settings);
  }

  /** The observation to report now; null until the first probe finished. */
  public ProbeObservation current() {
    return reported;
  }

  /** The shared state machine's smoothed latency (seconds, unbanded; NaN until measured). */
  public double latencySeconds() {
    return probes.latencySeconds();
  }

  /** Records a successful probe; returns true when the reported observation changed. */
  public boolean success(double latencyMs, Instant now) {
    probes.success(latencyMs / 1000);
    if (warmingUp()) {
      return false;
    }
    double smoothedMs = probes.latencySeconds() * 1000;
    Long latency = reported == null ? null : reported.latencyMs();
    if (latency == null
        || Math.abs(smoothedMs - latency)
            >= Math.max(MIN_LATENCY_BAND_MS, LATENCY_BAND_RATIO * latency)) {
      latency = Math.round(smoothedMs);
    }
    return report(new ProbeObservation(healthy(), latency, now, 0, null));
  }

  /**
   * True while the first answer awaits its follow-up probe and nothing was reported yet: probe
   * again after {@link ProbeStateMachine#FOLLOW_UP_DELAY_MILLIS}.
   */
  public boolean warmingUp() {
    return probes.followUpDue() && reported == null;
  }

  /**
   * Whether the next probe should come soon (the shared follow-up rule: the first answer of a fresh
   * measurement, also after the region was found down).
   */
  public boolean followUpDue() {
    return probes.followUpDue();
  }

  /** Records a failed probe; returns true when the reported observation changed. */
  public boolean failure(String error, Instant now) {
    probes.failure();
    int failures = probes.consecutiveFailures();
    int reportedFailures = reported == null ? 0 : reported.consecutiveFailures();
    if (failures <= FAILURE_THRESHOLD || Integer.bitCount(failures) == 1) {
      reportedFailures = failures;
    }
    Long latency = reported == null ? null : reported.latencyMs();
    return report(new ProbeObservation(healthy(), latency, now, reportedFailures, error));
  }

  private Boolean healthy() {
    return switch (probes.verdict()) {
      case UNKNOWN -> null;
      case HEALTHY -> true;
      case UNHEALTHY -> false;
    };
  }

  private boolean report(ProbeObservation next) {
    if (reported != null
        && Objects.equals(reported.healthy(), next.healthy())
        && Objects.equals(reported.latencyMs(), next.latencyMs())
        && reported.consecutiveFailures() == next.consecutiveFailures()
        && Objects.equals(reported.lastError(), next.lastError())) {
      return false;
    }
    reported = next;
    return true;
  }
}
