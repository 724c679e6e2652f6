package dev.regionrouter.router.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.router.support.RouterSettings;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CoolingTest {

  private final Cooling cooling = new Cooling(RouterSettings.HEALTH);
  private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void coolsForRetryAfterAndOnlyALongerOneExtendsIt() {
    assertThat(cooling.throttled(Duration.ofSeconds(5), t0)).isTrue();
    assertThat(cooling.until()).isEqualTo(t0.plusSeconds(5));
    assertThat(cooling.throttled(Duration.ofSeconds(2), t0.plusSeconds(1))).isFalse();
    assertThat(cooling.until()).isEqualTo(t0.plusSeconds(5));
    assertThat(cooling.throttled(Duration.ofSeconds(10), t0.plusSeconds(1))).isTrue();
    assertThat(cooling.until()).isEqualTo(t0.plusSeconds(11));
  }

  @Test
  void withoutRetryAfterTheDefaultAndAHugeOneCapped() {
    cooling.throttled(null, t0);
    assertThat(cooling.until()).isEqualTo(t0.plusSeconds(1));
    cooling.throttled(Duration.ofDays(1), t0);
    assertThat(cooling.until()).isEqualTo(t0.plusSeconds(300));
  }

  @Test
  void endsWhenItsTimeHasPassed() {
    cooling.throttled(Duration.ofSeconds(5), t0);
    assertThat(cooling.expire(t0.plusMillis(4_999))).isFalse();
    assertThat(cooling.expire(t0.plusSeconds(5))).isTrue();
    assertThat(cooling.until()).isNull();
    assertThat(cooling.expire(t0.plusSeconds(6))).as("nothing left to end").isFalse();
  }
}
