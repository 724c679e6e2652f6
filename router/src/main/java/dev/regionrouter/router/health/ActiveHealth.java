package dev.regionrouter.router.health;

import dev.regionrouter.api.probe.ProbeStateMachine;
import java.time.Duration;
import java.time.Instant;

/**
 * The background probes' verdict on one region and the latency they measure, through the state
 * machine the operator uses too (so both report the same latency for the same samples), plus when
 * the probes last saw the region come back: attempts that hung on the outage before that are stale.
 *
 * <p>Not thread-safe: {@link RegionHealth} calls it under its monitor.
 */
final class ActiveHealth {

  private final ProbeStateMachine probes;

  /** When probes last confirmed the region back from down; null before. */
  private Instant recoveredAt;

  ActiveHealth(ProbeStateMachine.Settings settings) {
    this.probes = new ProbeStateMachine(settings);
  }

  /** The probes' verdict: healthy until probes say otherwise (an unknown region gets traffic). */
  boolean healthy() {
    return probes.verdict() != ProbeStateMachine.Verdict.UNHEALTHY;
  }

  /** A good probe after this round trip. */
  void success(Duration latency) {
    probes.success(seconds(latency));
  }

  /** A failed probe. */
  void failure() {
    probes.failure();
  }

  /** Whether the good probes in a row are enough to bring an unhealthy region back. */
  boolean upConfirmed() {
    return probes.consecutiveSuccesses() >= probes.settings().healthyThreshold();
  }

  /** The probes confirmed the region back from down now. */
  void recovered(Instant now) {
    recoveredAt = now;
  }

  /** Whether an attempt that started then hung on an outage that probes have since seen end. */
  boolean startedBeforeRecovery(Instant started) {
    return recoveredAt != null && started.isBefore(recoveredAt);
  }

  /** A real request's sample of the same round trip (see {@link ProbeStateMachine#blend}). */
  void blend(Duration sample) {
    probes.blend(seconds(sample));
  }

  /** The smoothed latency the default policy scores, in seconds; NaN until measured. */
  double latencySeconds() {
    return probes.latencySeconds();
  }

  boolean followUpDue() {
    return probes.followUpDue();
  }

  static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
