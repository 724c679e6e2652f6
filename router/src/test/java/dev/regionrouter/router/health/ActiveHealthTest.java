package dev.regionrouter.router.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.api.probe.ProbeStateMachine;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ActiveHealthTest {

  private final ActiveHealth probes = new ActiveHealth(new ProbeStateMachine.Settings(3, 2, 0.3));
  private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void healthyUntilProbesSayOtherwiseAndBackAfterTheHealthyThreshold() {
    assertThat(probes.healthy()).as("an unprobed region gets traffic").isTrue();
    probes.failure();
    probes.failure();
    assertThat(probes.healthy()).isTrue();
    probes.failure();
    assertThat(probes.healthy()).isFalse();
    probes.success(Duration.ofMillis(50));
    assertThat(probes.upConfirmed()).isFalse();
    assertThat(probes.healthy()).isFalse();
    probes.success(Duration.ofMillis(50));
    assertThat(probes.upConfirmed()).isTrue();
    assertThat(probes.healthy()).isTrue();
  }

  @Test
  void attemptsThatStartedBeforeAConfirmedRecoveryAreStale() {
    assertThat(probes.startedBeforeRecovery(t0)).as("never down").isFalse();
    probes.recovered(t0.plusSeconds(10));
    assertThat(probes.startedBeforeRecovery(t0.plusSeconds(9))).isTrue();
    assertThat(probes.startedBeforeRecovery(t0.plusSeconds(10))).isFalse();
  }

  @Test
  void probesAndStreamHeadsFeedOneLatencyInSeconds() {
    assertThat(probes.latencySeconds()).isNaN();
    probes.success(Duration.ofMillis(40));
    assertThat(probes.latencySeconds()).isEqualTo(0.04);
    assertThat(probes.followUpDue()).isTrue();
    probes.blend(Duration.ofMillis(140));
    assertThat(probes.latencySeconds()).isCloseTo(0.07, org.assertj.core.data.Offset.offset(1e-12));
  }
}
