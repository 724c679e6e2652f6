package dev.regionrouter.router.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.router.support.RouterSettings;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StallWatchTest {

  private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
  private final StallWatch stall = new StallWatch(RouterSettings.HEALTH);
  private final LatencyAverages latency = new LatencyAverages(0.3, RouterSettings.HEALTH);

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  @Test
  void stalledWhenBusyAndQuietPastStallAfterWhileTheUsualTimeIsUnknown() {
    assertThat(stall.holdLimit(latency)).isNull();
    assertThat(stall.stalled(0, null, null, t0)).as("holds nothing").isFalse();
    assertThat(stall.stalled(1, t0, null, t0.plusMillis(1_000))).isFalse();
    assertThat(stall.stalled(1, t0, null, t0.plusMillis(1_001))).isTrue();
    stall.answered(ms(10), t0.plusMillis(900));
    assertThat(stall.stalled(1, t0, null, t0.plusMillis(1_500)))
        .as("quiet counts from its last answer")
        .isFalse();
  }

  @Test
  void theHoldLimitAndTrialTimeoutScaleWithTheUsualAnswerTime() {
    latency.traffic(ms(100));
    assertThat(stall.holdLimit(latency))
        .as("stallAfter: longer than 4 x 100 ms")
        .isEqualTo(ms(1_000));
    assertThat(stall.trialTimeout(latency)).as("at least 250 ms").isEqualTo(ms(250));
    LatencyAverages slow = new LatencyAverages(0.3, RouterSettings.HEALTH);
    slow.traffic(ms(3_000));
    assertThat(stall.holdLimit(slow)).isEqualTo(ms(12_000));
    assertThat(stall.trialTimeout(slow)).isEqualTo(ms(6_000));
    assertThat(stall.trialTimeout(new LatencyAverages(0.3, RouterSettings.HEALTH)))
        .as("unknown: stallAfter")
        .isEqualTo(ms(1_000));
  }

  @Test
  void theStallFactorsAndTrialIntervalAreSettings() {
    StallWatch custom =
        new StallWatch(
            RouterSettings.healthWithStall(
                3, ms(500), 1.5, ms(100), 0.02, Duration.ofNanos(500_000)));
    LatencyAverages slow = new LatencyAverages(0.3, RouterSettings.HEALTH);
    slow.traffic(ms(2_000));
    assertThat(custom.holdLimit(slow)).isEqualTo(ms(6_000));
    assertThat(custom.trialTimeout(slow)).isEqualTo(ms(3_000));
    LatencyAverages fast = new LatencyAverages(0.3, RouterSettings.HEALTH);
    fast.traffic(ms(10));
    assertThat(custom.trialTimeout(fast)).isEqualTo(ms(100));
    assertThat(custom.tryTrial(t0)).isTrue();
    assertThat(custom.tryTrial(t0.plusMillis(499))).isFalse();
    assertThat(custom.tryTrial(t0.plusMillis(500))).isTrue();
  }

  @Test
  void aRegionARequestMovedOnFromStaysStalledUntilItAnswers() {
    stall.heldOut();
    assertThat(stall.stalled(0, null, null, t0)).isTrue();
    assertThat(stall.firstNotice()).isTrue();
    assertThat(stall.firstNotice()).as("one log line per stall").isFalse();
    stall.answered(ms(10), t0);
    assertThat(stall.stalled(0, null, null, t0)).isFalse();
    assertThat(stall.firstNotice()).as("a new stall").isTrue();
  }

  @Test
  void knowsWhetherARequestSentLaterWasAnswered() {
    assertThat(stall.answeredOneSentAfter(t0)).isFalse();
    stall.answered(ms(100), t0.plusSeconds(1)); // sent at t0 + 900 ms
    assertThat(stall.answeredOneSentAfter(t0.plusMillis(899))).isTrue();
    assertThat(stall.answeredOneSentAfter(t0.plusMillis(900))).isFalse();
    assertThat(stall.quietSince(t0, t0.plusSeconds(3))).isEqualTo(ms(2_000));
  }
}
