package dev.regionrouter.router.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LabelSelectorTest {

  private static final Map<String, String> EU_GPU =
      Map.of("geo", "eu", "tier", "interactive", "gpu", "h100");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "geo=eu | true",
        "geo==eu | true",
        "geo=us | false",
        "geo!=us | true",
        "geo=eu,tier!=batch | true",
        "geo=eu, tier=batch | false",
        "geo in (eu, ch) | true",
        "geo in (us,ca) | false",
        "geo notin (us, ca) | true",
        "gpu | true",
        "!gpu | false",
        "!preview | true",
        "preview!=yes | true",
        "geo in (eu),gpu,!preview | true"
      })
  void matchesLikeKubernetesSelectors(String selector, boolean expected) {
    assertThat(LabelSelector.parse(selector).matches(EU_GPU)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "geo=", "=eu", "geo in eu", "geo in (eu", "geo=e u", "geo~eu", "geo in (e$u)"})
  void rejectsMalformedSelectors(String selector) {
    if (selector.equals("geo=")) {
      // an empty value is valid Kubernetes syntax: matches regions whose label is empty
      assertThat(LabelSelector.parse(selector).matches(Map.of("geo", ""))).isTrue();
      return;
    }
    assertThatThrownBy(() -> LabelSelector.parse(selector))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"geo=eu", "!gpu"})
  void regionsWithoutLabelsOnlyMatchNegativeRequirements(String selector) {
    assertThat(LabelSelector.parse(selector).matches(null)).isEqualTo(selector.startsWith("!"));
  }
}
