package dev.regionrouter.router.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regionrouter.router.error.RouterException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HintHeadersTest {

  private static RouteHints parse(Map<String, String> headers) {
    return HintHeaders.parse(headers::get);
  }

  @Test
  void readsEveryHint() {
    RouteHints hints =
        parse(
            Map.of(
                HintHeaders.POLICY, "cost-within-latency-budget",
                HintHeaders.LATENCY_BUDGET_MS, "250",
                HintHeaders.MAX_COST_PER_1K, "0.4",
                HintHeaders.ALLOWED_REGIONS, "eu-west-1, eu-central-1",
                HintHeaders.ALLOWED_PROVIDERS, "aws,gcp",
                HintHeaders.REGION_SELECTOR, "geo=eu,tier!=batch",
                HintHeaders.HEDGE, "1",
                HintHeaders.DEBUG, "true"));
    assertThat(hints.policy()).isEqualTo(PolicyKind.COST_WITHIN_LATENCY_BUDGET);
    assertThat(hints.latencyBudget()).isEqualTo(Duration.ofMillis(250));
    assertThat(hints.maxCostPer1k()).isEqualTo(0.4);
    assertThat(hints.allowedRegions()).containsExactly("eu-west-1", "eu-central-1");
    assertThat(hints.allowedProviders()).containsExactly("aws", "gcp");
    assertThat(hints.regionSelector()).hasToString("geo=eu,tier!=batch");
    assertThat(hints.hedging()).isTrue();
    assertThat(hints.debugging()).isTrue();
  }

  @Test
  void noHeadersMeansNoHints() {
    assertThat(parse(Map.of())).isSameAs(RouteHints.NONE);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "X-Region-Router-Policy | fastest",
        "X-Region-Router-Latency-Budget-Ms | soon",
        "X-Region-Router-Latency-Budget-Ms | 0",
        "X-Region-Router-Max-Cost-Per-1k | -1",
        "X-Region-Router-Max-Cost-Per-1k | NaN",
        "X-Region-Router-Allowed-Regions | ' , '",
        "X-Region-Router-Allowed-Providers | a b",
        "X-Region-Router-Region-Selector | geo in (eu",
        "X-Region-Router-Hedge | maybe",
        "X-Region-Router-Debug | 2"
      })
  void malformedHintsAre400NamingTheHeader(String header, String value) {
    assertThatThrownBy(() -> parse(Map.of(header, value)))
        .isInstanceOfSatisfying(
            RouterException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo("invalid_hint");
              assertThat(e.getMessage()).startsWith(header + ":");
            });
  }

  @Test
  void requestHintsOverrideTheCallersDefaultsFieldByField() {
    RouteHints defaults =
        RouteHints.of(
            new RoutingProperties.CallerDefaults(
                "cost-within-latency-budget",
                Duration.ofMillis(400),
                0.5,
                null,
                List.of("aws"),
                "geo=eu",
                true));
    RouteHints merged = parse(Map.of(HintHeaders.LATENCY_BUDGET_MS, "200")).over(defaults);
    assertThat(merged.policy()).isEqualTo(PolicyKind.COST_WITHIN_LATENCY_BUDGET);
    assertThat(merged.latencyBudget()).isEqualTo(Duration.ofMillis(200));
    assertThat(merged.maxCostPer1k()).isEqualTo(0.5);
    assertThat(merged.allowedProviders()).containsExactly("aws");
    assertThat(merged.regionSelector()).hasToString("geo=eu");
    assertThat(merged.hedging()).isTrue();
    assertThat(parse(Map.of(HintHeaders.HEDGE, "0")).over(defaults).hedging()).isFalse();
  }

  @Test
  void badCallerDefaultsFailAtStartup() {
    assertThatThrownBy(
            () ->
                new RoutingProperties(
                    10,
                    0,
                    0.02,
                    Duration.ofSeconds(1),
                    0.3,
                    "priority-latency",
                    Duration.ofMillis(500),
                    true,
                    1.4,
                    0.9,
                    256,
                    8,
                    Duration.ofMinutes(5),
                    "X-Caller",
                    Map.of(
                        "team-a",
                        new RoutingProperties.CallerDefaults(
                            "fastest", null, null, null, null, null, null)),
                    RoutingProperties.Hedging.DEFAULTS))
        .hasMessageContaining("router.routing.callers.team-a")
        .hasMessageContaining("unknown policy");
    assertThatThrownBy(
            () ->
                new RoutingProperties(
                    10,
                    0,
                    0.02,
                    Duration.ofSeconds(1),
                    0.3,
                    "cheapest",
                    Duration.ofMillis(500),
                    true,
                    1.4,
                    0.9,
                    256,
                    8,
                    Duration.ofMinutes(5),
                    "X-Caller",
                    Map.of(),
                    null))
        .hasMessageContaining("unknown policy 'cheapest'");
  }
}
