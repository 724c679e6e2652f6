package dev.regionrouter.router.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** router.proxy.* as Spring binds and checks it at start. */
class ProxyPropertiesTest {

  @Configuration
  @EnableConfigurationProperties(ProxyProperties.class)
  static class Bound {}

  private final ApplicationContextRunner context =
      new ApplicationContextRunner().withUserConfiguration(Bound.class);

  @Test
  void idlePooledConnectionsAreClosedAfterAMinuteByDefault() {
    context.run(
        started ->
            assertThat(started.getBean(ProxyProperties.class).upstreamIdleTimeout())
                .isEqualTo(Duration.ofSeconds(60)));
  }

  @Test
  void theUpstreamIdleTimeoutIsSet() {
    context
        .withPropertyValues("router.proxy.upstream-idle-timeout=5m")
        .run(
            started ->
                assertThat(started.getBean(ProxyProperties.class).upstreamIdleTimeout())
                    .isEqualTo(Duration.ofMinutes(5)));
  }

  @Test
  void anUpstreamIdleTimeoutOfZeroStopsTheStartNamingTheProperty() {
    context
        .withPropertyValues("router.proxy.upstream-idle-timeout=0s")
        .run(
            started -> {
              assertThat(started).hasFailed();
              assertThat(started.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("upstreamIdleTimeout");
            });
  }

  @Test
  void theRetryConductDefaultsToOneSameRegionRetryAndContextLengthAsRegionSpecific() {
    context.run(
        started -> {
          ProxyProperties proxy = started.getBean(ProxyProperties.class);
          assertThat(proxy.sameRegionRetries()).isEqualTo(1);
          assertThat(proxy.retryBackoff()).isEqualTo(Duration.ofMillis(100));
          assertThat(proxy.maxRetryAfterWait()).isEqualTo(Duration.ofSeconds(5));
          assertThat(proxy.firstByteTimeout()).isEqualTo(Duration.ofSeconds(15));
          assertThat(proxy.regionSpecificErrorCodes()).containsExactly("context_length_exceeded");
        });
  }

  @Test
  void aContentPolicyCodeAsRegionSpecificStopsTheStartSayingWhy() {
    context
        .withPropertyValues(
            "router.proxy.region-specific-error-codes=context_length_exceeded,content_policy_violation")
        .run(
            started -> {
              assertThat(started).hasFailed();
              assertThat(started.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("content_policy_violation")
                  .hasMessageContaining("same on every region");
            });
  }
}
