package dev.regionrouter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlNamesTest {

  @Test
  void findsTheMetricsOfAnExpressionAndNothingElse() {
    assertThat(
            PromQlNames.of(
                "histogram_quantile(0.99, sum by (le, region) (rate(a_bucket{outcome=~\"x|y\"}[$__rate_interval])))"
                    + " / on (region) group_left sum without (pod) (b_total offset 5m) * 3600"
                    + " or vector(0) > bool 1e3"))
        .containsExactly("a_bucket", "b_total");
    assertThat(PromQlNames.of("max by (namespace, region) (c) == 1")).containsExactly("c");
  }
}
