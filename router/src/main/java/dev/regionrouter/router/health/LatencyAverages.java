package dev.regionrouter.router.health;

import dev.regionrouter.router.config.HealthProperties;
import java.time.Duration;

/**
 * A region's latency as real traffic meets it (an EWMA of its answers' times, time to first byte
 * for streams), what follows from it (the usual answer time, scaled), and when the scored latency
 * moved enough since plans last saw it to rebuild cached rankings.
 *
 * <p>Not thread-safe: {@link RegionHealth} calls it under its monitor.
 */
final class LatencyAverages {

  private final double smoothing;
  private final double rerankChange;
  private final double rerankChangeMinSeconds;
  private double trafficSeconds = Double.NaN;

  /** The scored latency when plans were last told of a change. */
  private double seenByPlans = Double.NaN;

  LatencyAverages(double smoothing, HealthProperties settings) {
    this.smoothing = smoothing;
    this.rerankChange = settings.rerankLatencyChange();
    this.rerankChangeMinSeconds = ActiveHealth.seconds(settings.rerankLatencyChangeMin());
  }

  /** A real request's answer after this long. */
  void traffic(Duration latency) {
    double sample = ActiveHealth.seconds(latency);
    trafficSeconds =
        Double.isNaN(trafficSeconds)
            ? sample
            : smoothing * sample + (1 - smoothing) * trafficSeconds;
  }

  /** The traffic latency in seconds; NaN until a request was answered. */
  double trafficSeconds() {
    return trafficSeconds;
  }

  /** factor x the usual answer time; null while it is unknown. */
  Duration usualTimes(double factor) {
    return Double.isNaN(trafficSeconds)
        ? null
        : Duration.ofNanos((long) (factor * trafficSeconds * 1e9));
  }

  /**
   * Whether the scored latency moved by more than rerank-latency-change (and
   * rerank-latency-change-min) since plans last saw it, or became known.
   */
  boolean movedForPlans(double scoredSeconds) {
    double moved = Math.abs(scoredSeconds - seenByPlans);
    return Double.isNaN(moved)
        ? !Double.isNaN(scoredSeconds)
        : moved > Math.max(rerankChangeMinSeconds, rerankChange * seenByPlans);
  }

  /** Plans were told of a change with this scored latency. */
  void seenByPlans(double scoredSeconds) {
    seenByPlans = scoredSeconds;
  }
}
