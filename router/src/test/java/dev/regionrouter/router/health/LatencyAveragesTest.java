package dev.regionrouter.router.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.router.support.RouterSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LatencyAveragesTest {

  @Test
  void trafficLatencyIsAnEwmaAndScalesToTheUsualAnswerTime() {
    LatencyAverages latency = new LatencyAverages(0.5, RouterSettings.HEALTH);
    assertThat(latency.trafficSeconds()).isNaN();
    assertThat(latency.usualTimes(4)).as("unknown").isNull();
    latency.traffic(Duration.ofMillis(100));
    assertThat(latency.trafficSeconds()).isEqualTo(0.1);
    latency.traffic(Duration.ofMillis(300));
    assertThat(latency.trafficSeconds()).isEqualTo(0.2);
    assertThat(latency.usualTimes(4)).isEqualTo(Duration.ofMillis(800));
  }

  @Test
  void plansHearOfALatencyOnlyWhenItMovedByMoreThanTheRerankChange() {
    LatencyAverages latency = new LatencyAverages(0.3, RouterSettings.HEALTH); // 2 %, 0.5 ms
    assertThat(latency.movedForPlans(Double.NaN)).as("still unknown").isFalse();
    assertThat(latency.movedForPlans(0.1)).as("became known").isTrue();
    latency.seenByPlans(0.1);
    assertThat(latency.movedForPlans(0.1019)).isFalse();
    assertThat(latency.movedForPlans(0.1021)).isTrue();
    latency.seenByPlans(0.001);
    assertThat(latency.movedForPlans(0.0014)).as("under the 0.5 ms floor").isFalse();
    assertThat(latency.movedForPlans(0.0016)).isTrue();
  }

  @Test
  void theRerankThresholdsAreSettings() {
    LatencyAverages latency =
        new LatencyAverages(
            0.3,
            RouterSettings.healthWithStall(
                4, Duration.ofSeconds(1), 2, Duration.ofMillis(250), 0.1, Duration.ofMillis(5)));
    latency.seenByPlans(0.1);
    assertThat(latency.movedForPlans(0.109)).as("within 10 %").isFalse();
    assertThat(latency.movedForPlans(0.111)).isTrue();
    latency.seenByPlans(0.01);
    assertThat(latency.movedForPlans(0.0149)).as("within 5 ms").isFalse();
    assertThat(latency.movedForPlans(0.0151)).isTrue();
  }
}
