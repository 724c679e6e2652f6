package dev.regionrouter.helm.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

class ChartLintTest {

  @Test
  void lintsCleanInStrictMode() {
    LintResult result = new Helm(Charts.chartDir()).lint().strict().call();

    // strict mode turns warnings (and the INFO about a missing icon) into failures
    assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .as("helm lint --strict messages")
        .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }
}
