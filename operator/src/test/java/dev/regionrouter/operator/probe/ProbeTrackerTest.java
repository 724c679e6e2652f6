package dev.regionrouter.operator.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeTrackerTest {

  private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void smallLatencyJitterDoesNotChangeTheReportedObservation() {
    ProbeTracker tracker = new ProbeTracker();
    assertThat(tracker.success(50, t0)).as("warm-up").isFalse();
    assertThat(tracker.success(50, t0)).isTrue();
    int changes = 0;
    for (int i = 0; i < 100; i++) {
      if (tracker.success(48 + (i % 5), t0.plusSeconds(i))) {
        changes++;
      }
    }
    assertThat(changes).isZero();
    assertThat(tracker.current().latencyMs()).isEqualTo(50L);
    assertThat(tracker.current().changedAt()).isEqualTo(t0);
  }

  @Test
  void theColdFirstSampleIsReplacedByTheSecondInsteadOfDominatingTheAverage() {
    ProbeTracker tracker = new ProbeTracker();
    assertThat(tracker.success(900, t0)).as("warm-up: connection set-up and a cold JVM").isFalse();
    assertThat(tracker.warmingUp()).isTrue();
    assertThat(tracker.current()).as("nothing reported yet").isNull();
    assertThat(tracker.success(55, t0.plusMillis(200))).isTrue();
    assertThat(tracker.warmingUp()).isFalse();
    assertThat(tracker.current().latencyMs()).isEqualTo(55L);
    tracker.success(65, t0.plusSeconds(20));
    assertThat(tracker.current().latencyMs())
        .as("then smoothed as usual, inside the band")
        .isEqualTo(55L);
  }

  @Test
  void aClearLatencyShiftIsReportedSmoothed() {
    ProbeTracker tracker = new ProbeTracker();
    tracker.success(50, t0);
    for (int i = 1; i <= 20; i++) {
      tracker.success(200, t0.plusSeconds(i));
    }
    assertThat(tracker.current().latencyMs()).isBetween(170L, 200L);
  }

  @Test
  void becomesUnhealthyAfterThreeFailuresAndReportsFailureCountsAtMilestonesOnly() {
    ProbeTracker tracker = new ProbeTracker();
    tracker.success(10, t0); // warm-up
    tracker.success(10, t0);
    List<Integer> reportedAt = new ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      if (tracker.failure("connection refused", t0.plusSeconds(i))) {
        reportedAt.add(i);
      }
      if (i == 2) {
        assertThat(tracker.current().healthy()).isTrue();
      }
    }
    assertThat(tracker.current().healthy()).isFalse();
    assertThat(reportedAt).containsExactly(1, 2, 3, 4, 8, 16, 32);
    assertThat(tracker.success(12, t0.plusSeconds(41))).isTrue();
    assertThat(tracker.current().healthy()).isTrue();
    assertThat(tracker.current().consecutiveFailures()).isZero();
    assertThat(tracker.current().lastError()).isNull();
  }

  @Test
  void staysUnknownUntilTheFirstVerdict() {
    ProbeTracker tracker = new ProbeTracker();
    tracker.failure("connection refused", t0);
    assertThat(tracker.current().healthy()).isNull();
  }
}
