package dev.regionrouter.router.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.router.support.MutableClock;
import dev.regionrouter.router.support.RouterSettings;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A model's rate limit and failures are the model's: its region's other models serve on. */
class ModelHealthTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final ModelHealth models = new ModelHealth(RouterSettings.HEALTH, clock);

  @Test
  void a429CoolsOnlyThatModelForItsRetryAfter() {
    models.recordThrottled("gpt-4o", Duration.ofSeconds(2));
    assertThat(models.available("gpt-4o")).isFalse();
    assertThat(models.available("gpt-4o-mini")).isTrue();
    assertThat(models.unavailable()).containsOnlyKeys("gpt-4o");
    clock.advance(Duration.ofSeconds(2));
    assertThat(models.available("gpt-4o")).isTrue();
    assertThat(models.unavailable()).isEmpty();
  }

  @Test
  void consecutiveFailuresEjectTheModelForTheHalfOpenIntervalThenOneFailureEjectsItAgain() {
    assertThat(models.recordFailure("gpt-4o")).isFalse();
    assertThat(models.recordFailure("gpt-4o")).isFalse();
    assertThat(models.recordFailure("gpt-4o")).isTrue();
    assertThat(models.available("gpt-4o")).isFalse();
    assertThat(models.available("o1")).isTrue();
    clock.advance(Duration.ofSeconds(5));
    assertThat(models.available("gpt-4o")).as("half-open after 5 s").isTrue();
    assertThat(models.recordFailure("gpt-4o")).as("one failure in half-open ejects again").isTrue();
    clock.advance(Duration.ofSeconds(5));
    models.recordSuccess("gpt-4o");
    assertThat(models.recordFailure("gpt-4o")).as("a success starts the count over").isFalse();
  }
}
