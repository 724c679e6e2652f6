package dev.regionrouter.router.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class HealthPropertiesTest {

  private static HealthProperties bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("router.health", HealthProperties.class);
  }

  @Test
  void theBoundDefaultsAreTheConvenienceConstructorsDefaults() {
    assertThat(bind(Map.of()))
        .isEqualTo(
            new HealthProperties(
                3,
                Duration.ofSeconds(30),
                Duration.ofSeconds(300),
                Duration.ofSeconds(60),
                Duration.ofSeconds(1),
                Duration.ofSeconds(300)));
  }

  @Test
  void theFormerConstantsAreDocumentedDefaults() {
    HealthProperties d = bind(Map.of());
    assertThat(d.stallHoldFactor()).isEqualTo(4);
    assertThat(d.stallTrialInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(d.stallTrialTimeoutFactor()).isEqualTo(2);
    assertThat(d.stallTrialTimeoutMin()).isEqualTo(Duration.ofMillis(250));
    assertThat(d.rerankLatencyChange()).isEqualTo(0.02);
    assertThat(d.rerankLatencyChangeMin()).isEqualTo(Duration.ofNanos(500_000));
  }

  @Test
  void eachBindsFromItsProperty() {
    HealthProperties p =
        bind(
            Map.of(
                "router.health.stall-hold-factor", "3",
                "router.health.stall-trial-interval", "2s",
                "router.health.stall-trial-timeout-factor", "1.5",
                "router.health.stall-trial-timeout-min", "100ms",
                "router.health.rerank-latency-change", "0.05",
                "router.health.rerank-latency-change-min", "2ms"));
    assertThat(p.stallHoldFactor()).isEqualTo(3);
    assertThat(p.stallTrialInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.stallTrialTimeoutFactor()).isEqualTo(1.5);
    assertThat(p.stallTrialTimeoutMin()).isEqualTo(Duration.ofMillis(100));
    assertThat(p.rerankLatencyChange()).isEqualTo(0.05);
    assertThat(p.rerankLatencyChangeMin()).isEqualTo(Duration.ofMillis(2));
  }
}
