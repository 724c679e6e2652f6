package dev.regionrouter.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CrdDriftTest {

  @Test
  void committedCrdMatchesWhatTheClassesGenerate() throws IOException {
    String expected = CrdFiles.finishedYaml();
    if (Boolean.getBoolean("crd.update")) {
      Files.writeString(CrdFiles.committed(), expected, StandardCharsets.UTF_8);
    }
    assertThat(CrdFiles.committed())
        .as(
            "crds/%s is stale: run ./mvnw -pl api verify -Dcrd.update=true and commit it",
            CrdFiles.FILE_NAME)
        .exists();
    assertThat(Files.readString(CrdFiles.committed(), StandardCharsets.UTF_8))
        .as(
            "crds/%s is stale: run ./mvnw -pl api verify -Dcrd.update=true and commit it",
            CrdFiles.FILE_NAME)
        .isEqualTo(expected);
  }

  @Test
  void printerColumnsAreInReadingOrderWithReasonOnlyInWideOutput() {
    List<String> names = new ArrayList<>();
    List<String> wide = new ArrayList<>();
    CrdFiles.committedTree()
        .path("spec")
        .path("versions")
        .get(0)
        .path("additionalPrinterColumns")
        .forEach(
            c -> (c.path("priority").asInt() == 0 ? names : wide).add(c.path("name").asText()));
    assertThat(names)
        .containsExactly(
            "Provider", "Endpoint", "Cost", "Priority", "Ready", "Healthy", "Latency", "Age");
    assertThat(wide).containsExactly("Reason");
  }

  @Test
  void printerColumnsReadTheReadyAndHealthyConditions() {
    java.util.Map<String, String> paths = new java.util.HashMap<>();
    CrdFiles.committedTree()
        .path("spec")
        .path("versions")
        .get(0)
        .path("additionalPrinterColumns")
        .forEach(c -> paths.put(c.path("name").asText(), c.path("jsonPath").asText()));
    assertThat(paths)
        .containsEntry("Ready", ".status.conditions[?(@.type==\"Ready\")].status")
        .containsEntry("Healthy", ".status.conditions[?(@.type==\"Healthy\")].status")
        .containsEntry("Reason", ".status.conditions[?(@.type==\"Ready\")].reason");
  }

  @Test
  void conditionsHaveMetav1ConditionsSchema() {
    JsonNode conditions =
        CrdFiles.committedSchema().path("properties").path("status").path("properties");
    JsonNode list = conditions.path("conditions");
    assertThat(list.path("x-kubernetes-list-type").asText()).isEqualTo("map");
    JsonNode item = list.path("items");
    List<String> required = new ArrayList<>();
    item.path("required").forEach(r -> required.add(r.asText()));
    assertThat(required)
        .containsExactlyInAnyOrder("type", "status", "reason", "message", "lastTransitionTime");
    JsonNode p = item.path("properties");
    assertThat(p.path("lastTransitionTime").path("format").asText()).isEqualTo("date-time");
    assertThat(p.path("status").path("enum").toString())
        .isEqualTo("[\"True\",\"False\",\"Unknown\"]");
    assertThat(p.path("reason").path("pattern").asText())
        .isEqualTo("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$");
    assertThat(p.path("reason").path("minLength").asInt()).isEqualTo(1);
    assertThat(p.path("reason").path("maxLength").asInt()).isEqualTo(1024);
    assertThat(p.path("message").path("maxLength").asInt()).isEqualTo(32768);
    assertThat(p.path("type").path("maxLength").asInt()).isEqualTo(316);
    assertThat(p.path("type").path("pattern").asText()).startsWith("^([a-z0-9]");
    assertThat(p.path("observedGeneration").path("minimum").asDouble()).isZero();
  }

  @Test
  void everySchemaFieldHasADescription() {
    List<String> missing = new ArrayList<>();
    JsonNode schema = CrdFiles.committedSchema();
    collectUndescribed("", schema, missing);
    assertThat(missing)
        .as("fields without description (kubectl explain must teach them)")
        .isEmpty();
  }

  private static void collectUndescribed(String path, JsonNode node, List<String> missing) {
    JsonNode properties = node.path("properties");
    properties
        .fieldNames()
        .forEachRemaining(
            name -> {
              JsonNode field = properties.get(name);
              String fieldPath = path.isEmpty() ? name : path + "." + name;
              if (!field.hasNonNull("description")) {
                missing.add(fieldPath);
              }
              collectUndescribed(fieldPath, field, missing);
              if (field.has("items")) {
                collectUndescribed(fieldPath + "[]", field.get("items"), missing);
              }
            });
  }
}
