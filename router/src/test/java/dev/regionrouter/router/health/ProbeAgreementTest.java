package dev.regionrouter.router.health;

import static dev.regionrouter.router.support.RouterSettings.HEALTH;
import static dev.regionrouter.router.support.RouterSettings.PROBE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.regionrouter.api.probe.ProbeStateMachine.Settings;
import dev.regionrouter.api.probe.ProbeStateMachine.Verdict;
import dev.regionrouter.api.probe.ProbeTrace;
import dev.regionrouter.api.probe.ProbeTrace.Sample;
import dev.regionrouter.api.probe.ProbeTrace.Step;
import dev.regionrouter.router.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The router's probe path turns the shared trace into what the shared state machine says, as the
 * operator's does (its own ProbeAgreementTest): so /regions/status and `kubectl get ireg` agree on
 * the same samples.
 */
class ProbeAgreementTest {

  /** router.routing.latency-smoothing's default. */
  private static final double SMOOTHING = 0.3;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @Test
  void theRoutersDefaultsGiveTheSharedVerdictAndLatency() {
    agrees(PROBE.unhealthyThreshold(), PROBE.healthyThreshold());
  }

  @Test
  void withTheOperatorsThresholdsTheVerdictIsTheOperatorsToo() {
    agrees(3, 1);
  }

  private void agrees(int unhealthyThreshold, int healthyThreshold) {
    RegionHealth health =
        new RegionHealth(
            "http://r", HEALTH, unhealthyThreshold, healthyThreshold, SMOOTHING, clock);
    List<Sample> samples = ProbeTrace.samples();
    List<Step> expected =
        ProbeTrace.expected(new Settings(unhealthyThreshold, healthyThreshold, SMOOTHING));
    for (int i = 0; i < samples.size(); i++) {
      Sample sample = samples.get(i);
      health.recordProbe(sample.ok(), Duration.ofNanos(sample.micros() * 1000));
      clock.advance(Duration.ofSeconds(2));
      Step step = expected.get(i);
      HealthView view = health.view();
      assertThat(view.latencySeconds())
          .as("step %d", i)
          .isCloseTo(step.latencySeconds(), offset(1e-12));
      assertThat(view.activeHealthy())
          .as("step %d: healthy until probes say otherwise", i)
          .isEqualTo(step.verdict() != Verdict.UNHEALTHY);
      assertThat(health.probeFollowUpDue()).as("step %d", i).isEqualTo(step.followUpDue());
    }
  }
}
