package dev.regionrouter.helm.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.regionrouter.api.crd.CrdSchemaValidator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The InferenceRegions the `regions` value renders pass the schema and CEL rules of the CRD the
 * chart installs (its crds/ copy), as the API server would check them.
 */
class RegionsMatchCrdSchemaTest {

  static CrdSchemaValidator validator;

  @BeforeAll
  static void loadTheChartsCrd() throws IOException {
    JsonNode crd =
        new ObjectMapper(new YAMLFactory())
            .readTree(
                Charts.chartDir()
                    .resolve("crds/inferenceregions.inference.regionrouter.dev.yaml")
                    .toFile());
    validator =
        new CrdSchemaValidator(
            crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema"));
  }

  @Test
  void everyRenderedRegionPassesTheCrdSchema() {
    List<Map<String, Object>> regions =
        Charts.template(Charts.values("all-options.yaml")).ofKind("InferenceRegion");

    assertThat(regions).hasSize(3);
    for (Map<String, Object> region : regions) {
      assertThat(validator.validate(region)).as(RenderedChart.json(region)).isEmpty();
    }
  }

  /**
   * The values schema cannot express rules across fields; the CRD's CEL rules still catch them at
   * apply time. This pins that the check above really evaluates them.
   */
  @Test
  void aRegionThatOnlyTheCelRulesRejectIsCaught(@TempDir Path dir) {
    Values values =
        Values.of(
            "regions.slow",
            Map.of(
                "endpoint",
                "https://slow.example.com",
                "costPer1kTokens",
                1,
                "priority",
                0,
                "provider",
                "onprem",
                "probe",
                Map.of("intervalSeconds", 5, "timeoutSeconds", 10)));
    Map<String, Object> region =
        Charts.template(Charts.writeValues(dir, values.yaml())).get("InferenceRegion", "slow");

    assertThat(validator.validate(region))
        .anyMatch(
            problem ->
                problem.contains(
                    "probe.timeoutSeconds must not be greater than probe.intervalSeconds"));
  }
}
