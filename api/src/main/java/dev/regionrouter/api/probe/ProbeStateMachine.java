package dev.regionrouter.api.probe;

/**
 * What the probes of one region say, shared by the operator (the InferenceRegion's status) and the
 * router (the region's health and score), so that both turn the same probe samples into the same
 * verdict and the same latency. Pure: no clock, no I/O; not thread-safe (its owner serializes the
 * calls).
 *
 * <ul>
 *   <li>Verdict: {@link Verdict#UNKNOWN} until the first answer; the first successful probe makes a
 *       region {@link Verdict#HEALTHY}; {@code unhealthyThreshold} failed probes in a row make it
 *       {@link Verdict#UNHEALTHY}; {@code healthyThreshold} good probes in a row bring it back.
 *   <li>Latency: {@link ProbeLatency} (the minimum of the last few probes into an EWMA). Each run
 *       of {@code unhealthyThreshold} failed probes means the region was down: it is measured
 *       afresh when it answers again, whatever the verdict was, so the latency depends on the
 *       samples, the unhealthy threshold and the smoothing only. One failed probe alone (a timeout
 *       on a busy machine) keeps the measurement.
 *   <li>Follow-up: the first answer after a fresh start pays for the connection set-up (and, in a
 *       new process, a cold JVM), often many times the region's latency; {@link #followUpDue()}
 *       asks for another probe after {@link #FOLLOW_UP_DELAY_MILLIS} instead of a whole interval,
 *       so the latency rests on a real sample soon.
 * </ul>
 */
public final class ProbeStateMachine {

  /** The delay of the follow-up probe (see {@link #followUpDue()}). */
  public static final long FOLLOW_UP_DELAY_MILLIS = 200;

  /** A region's probe verdict. */
  public enum Verdict {
    /** No probe answered yet. */
    UNKNOWN,
    HEALTHY,
    UNHEALTHY
  }

  /**
   * How a verdict is reached and how latency is smoothed.
   *
   * @param unhealthyThreshold failed probes in a row that make a region unhealthy (and measure it
   *     afresh)
   * @param healthyThreshold good probes in a row that bring an unhealthy region back
   * @param smoothing the EWMA weight of a new latency sample, in (0, 1]
   */
  public record Settings(int unhealthyThreshold, int healthyThreshold, double smoothing) {

    /** Failed probes to mark a region down: Kubernetes' default failureThreshold. */
    public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;

    /** The EWMA weight of a new sample. */
    public static final double DEFAULT_SMOOTHING = 0.3;

    public Settings {
      if (unhealthyThreshold < 1 || healthyThreshold < 1) {
        throw new IllegalArgumentException(
            "thresholds must be at least 1: " + unhealthyThreshold + ", " + healthyThreshold);
      }
    }
  }

  private final Settings settings;
  private final ProbeLatency latency;
  private Verdict verdict = Verdict.UNKNOWN;
  private int successes;
  private int failures;
  private boolean followUpDue;

  public ProbeStateMachine(Settings settings) {
    this.settings = settings;
    this.latency = new ProbeLatency(settings.smoothing());
  }

  public Settings settings() {
    return settings;
  }

  /** A probe answered well after the given round trip; returns true when the verdict changed. */
  public boolean success(double latencySeconds) {
    failures = 0;
    successes++;
    latency.probe(latencySeconds);
    followUpDue = latency.samples() == 1;
    if (verdict == Verdict.UNKNOWN
        || verdict == Verdict.UNHEALTHY && successes >= settings.healthyThreshold()) {
      verdict = Verdict.HEALTHY;
      return true;
    }
    return false;
  }

  /** A probe failed (no answer, or not a good one); returns true when the verdict changed. */
  public boolean failure() {
    successes = 0;
    failures++;
    followUpDue = false;
    if (failures == settings.unhealthyThreshold()) {
      latency.restart();
    }
    if (verdict != Verdict.UNHEALTHY && failures >= settings.unhealthyThreshold()) {
      verdict = Verdict.UNHEALTHY;
      return true;
    }
    return false;
  }

  /** A latency sample measured otherwise (see {@link ProbeLatency#blend}). */
  public void blend(double latencySeconds) {
    latency.blend(latencySeconds);
  }

  public Verdict verdict() {
    return verdict;
  }

  /** The smoothed latency in seconds; NaN until a probe answered. */
  public double latencySeconds() {
    return latency.seconds();
  }

  /** Good probes in a row (0 after a failed one). */
  public int consecutiveSuccesses() {
    return successes;
  }

  /** Failed probes in a row (0 after a good one). */
  public int consecutiveFailures() {
    return failures;
  }

  /**
   * Whether the next probe should come after {@link #FOLLOW_UP_DELAY_MILLIS} rather than the
   * interval: true right after the first answer of a fresh measurement (a new region, or one found
   * down), until the next probe's result.
   */
  public boolean followUpDue() {
    return followUpDue;
  }
}
