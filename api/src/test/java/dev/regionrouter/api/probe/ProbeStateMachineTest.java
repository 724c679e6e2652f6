package dev.regionrouter.api.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.regionrouter.api.probe.ProbeStateMachine.Settings;
import dev.regionrouter.api.probe.ProbeStateMachine.Verdict;
import org.junit.jupiter.api.Test;

class ProbeStateMachineTest {

  private final ProbeStateMachine probes = new ProbeStateMachine(new Settings(3, 2, 0.3));

  @Test
  void unknownUntilTheFirstAnswerThenHealthyAtOnce() {
    assertThat(probes.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(probes.latencySeconds()).isNaN();
    assertThat(probes.failure()).isFalse();
    assertThat(probes.verdict()).as("one failure is no verdict").isEqualTo(Verdict.UNKNOWN);
    assertThat(probes.success(0.05)).isTrue();
    assertThat(probes.verdict()).isEqualTo(Verdict.HEALTHY);
  }

  @Test
  void unhealthyAfterTheUnhealthyThresholdAndBackAfterTheHealthyThreshold() {
    probes.success(0.05);
    assertThat(probes.failure()).isFalse();
    assertThat(probes.failure()).isFalse();
    assertThat(probes.failure()).as("third failure in a row").isTrue();
    assertThat(probes.verdict()).isEqualTo(Verdict.UNHEALTHY);
    assertThat(probes.failure()).as("already unhealthy").isFalse();
    assertThat(probes.consecutiveFailures()).isEqualTo(4);
    assertThat(probes.success(0.05)).isFalse();
    assertThat(probes.verdict()).isEqualTo(Verdict.UNHEALTHY);
    assertThat(probes.success(0.05)).as("second good probe in a row").isTrue();
    assertThat(probes.verdict()).isEqualTo(Verdict.HEALTHY);
    assertThat(probes.consecutiveFailures()).isZero();
  }

  @Test
  void aGoodProbeBetweenFailuresStartsTheCountOver() {
    probes.success(0.05);
    probes.failure();
    probes.failure();
    probes.success(0.05);
    probes.failure();
    probes.failure();
    assertThat(probes.verdict()).isEqualTo(Verdict.HEALTHY);
    probes.failure();
    assertThat(probes.verdict()).isEqualTo(Verdict.UNHEALTHY);
  }

  @Test
  void theLatencyIsTheWindowsMinimumUntilItFilledThenAnAverageOfMinimums() {
    probes.success(0.5); // a cold connection
    assertThat(probes.latencySeconds()).isEqualTo(0.5);
    probes.success(0.05);
    assertThat(probes.latencySeconds()).isEqualTo(0.05);
    probes.success(0.07);
    assertThat(probes.latencySeconds()).as("window full: its minimum").isEqualTo(0.05);
    probes.success(0.15);
    assertThat(probes.latencySeconds())
        .as("min(0.05, 0.07, 0.15) averaged in")
        .isCloseTo(0.05, offset(1e-12));
    probes.success(0.15);
    // min(0.07, 0.15, 0.15) = 0.07 at weight 0.3
    assertThat(probes.latencySeconds()).isCloseTo(0.056, offset(1e-12));
  }

  @Test
  void oneOrTwoDelayedProbesDoNotMoveTheLatencyButALastingChangeDoes() {
    for (int i = 0; i < 5; i++) {
      probes.success(0.05);
    }
    probes.success(0.4);
    probes.success(0.4);
    assertThat(probes.latencySeconds()).isCloseTo(0.05, offset(1e-12));
    probes.success(0.4);
    assertThat(probes.latencySeconds()).isGreaterThan(0.1);
  }

  @Test
  void aRegionFoundDownIsMeasuredAfreshButOneFailedProbeKeepsTheMeasurement() {
    for (int i = 0; i < 5; i++) {
      probes.success(0.05);
    }
    probes.failure(); // a timeout on a busy machine
    probes.success(0.09);
    assertThat(probes.latencySeconds()).isCloseTo(0.05, offset(1e-12));
    probes.failure();
    probes.failure();
    probes.failure();
    assertThat(probes.latencySeconds()).as("kept until it answers").isCloseTo(0.05, offset(1e-12));
    probes.success(0.12); // back, somewhere farther
    assertThat(probes.latencySeconds()).isEqualTo(0.12);
  }

  @Test
  void aRunOfFailuresRestartsTheMeasurementWhateverTheVerdict() {
    probes.success(0.05);
    for (int i = 0; i < 3; i++) {
      probes.failure();
    }
    probes.success(0.05); // one good probe: still unhealthy (threshold 2)
    for (int i = 0; i < 3; i++) {
      probes.failure();
    }
    assertThat(probes.verdict()).isEqualTo(Verdict.UNHEALTHY);
    probes.success(0.2);
    assertThat(probes.latencySeconds())
        .as("down again: measured afresh, the verdict's threshold plays no part")
        .isEqualTo(0.2);
  }

  @Test
  void blendedSamplesAreAveragedInUnfiltered() {
    probes.blend(0.1);
    assertThat(probes.latencySeconds()).as("the first sample outright").isEqualTo(0.1);
    for (int i = 0; i < 3; i++) {
      probes.success(0.05);
    }
    probes.blend(0.15);
    assertThat(probes.latencySeconds()).isCloseTo(0.08, offset(1e-12));
  }

  @Test
  void aFollowUpProbeIsDueAfterTheFirstAnswerOfAFreshMeasurementOnly() {
    assertThat(probes.followUpDue()).isFalse();
    probes.failure();
    assertThat(probes.followUpDue()).as("a failure measured nothing").isFalse();
    probes.success(0.9);
    assertThat(probes.followUpDue()).as("the first answer paid for the set-up").isTrue();
    probes.success(0.05);
    assertThat(probes.followUpDue()).isFalse();
    probes.success(0.05);
    probes.success(0.05);
    assertThat(probes.followUpDue()).isFalse();
    for (int i = 0; i < 3; i++) {
      probes.failure();
    }
    probes.success(0.06);
    assertThat(probes.followUpDue()).as("found down, then back: a fresh measurement").isTrue();
    probes.failure();
    assertThat(probes.followUpDue()).as("until the next probe's result").isFalse();
  }

  @Test
  void refusesThresholdsBelowOneAndSmoothingOutsideZeroToOne() {
    assertThatThrownBy(() -> new Settings(0, 1, 0.3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Settings(1, 0, 0.3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ProbeLatency(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ProbeLatency(1.5)).isInstanceOf(IllegalArgumentException.class);
  }
}
