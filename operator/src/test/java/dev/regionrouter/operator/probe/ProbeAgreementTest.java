package dev.regionrouter.operator.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.regionrouter.api.probe.ProbeStateMachine.Settings;
import dev.regionrouter.api.probe.ProbeStateMachine.Verdict;
import dev.regionrouter.api.probe.ProbeTrace;
import dev.regionrouter.api.probe.ProbeTrace.Sample;
import dev.regionrouter.api.probe.ProbeTrace.Step;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operator's probe path turns the shared trace into what the shared state machine says, as the
 * router's does (its own ProbeAgreementTest): so `kubectl get ireg` and the router's
 * /regions/status agree on the same samples.
 */
class ProbeAgreementTest {

  private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void theOperatorsDefaultsGiveTheSharedVerdictAndLatency() {
    agrees(new ProbeTracker(), ProbeTracker.SETTINGS);
  }

  @Test
  void withTheRoutersThresholdsTheVerdictIsTheRoutersToo() {
    Settings router = new Settings(3, 2, 0.3);
    agrees(new ProbeTracker(router), router);
  }

  private void agrees(ProbeTracker tracker, Settings settings) {
    List<Sample> samples = ProbeTrace.samples();
    List<Step> expected = ProbeTrace.expected(settings);
    Long reportedMs = null;
    for (int i = 0; i < samples.size(); i++) {
      Sample sample = samples.get(i);
      Instant now = t0.plusSeconds(10L * i);
      if (sample.ok()) {
        tracker.success(sample.millis(), now);
      } else {
        tracker.failure("HTTP 503", now);
      }
      Step step = expected.get(i);
      assertThat(tracker.latencySeconds())
          .as("step %d", i)
          .isCloseTo(step.latencySeconds(), offset(1e-12));
      assertThat(tracker.followUpDue()).as("step %d", i).isEqualTo(step.followUpDue());
      ProbeObservation reported = tracker.current();
      if (tracker.warmingUp()) {
        assertThat(reported).as("nothing reported before the follow-up").isNull();
        continue;
      }
      assertThat(reported.healthy())
          .as("step %d", i)
          .isEqualTo(step.verdict() == Verdict.UNKNOWN ? null : step.verdict() == Verdict.HEALTHY);
      double sharedMs = step.latencySeconds() * 1000;
      if (!java.util.Objects.equals(reported.latencyMs(), reportedMs)) {
        // a new latency in the status is the shared latency of that moment, rounded
        assertThat(reported.latencyMs()).as("step %d", i).isEqualTo(Math.round(sharedMs));
        reportedMs = reported.latencyMs();
      }
      if (reportedMs != null) {
        // between writes, the status stays within its band of the shared latency
        assertThat(Math.abs(sharedMs - reportedMs))
            .as("step %d", i)
            .isLessThan(Math.max(5, 0.2 * reportedMs));
      }
    }
  }
}
