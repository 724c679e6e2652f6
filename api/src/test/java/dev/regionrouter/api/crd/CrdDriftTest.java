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
  void printerColumnsAreInReadingOrder() {
    List<String> names = new ArrayList<>();
    CrdFiles.committedTree()
        .path("spec")
        .path("versions")
        .get(0)
        .path("additionalPrinterColumns")
        .forEach(c -> names.add(c.path("name").asText()));
    assertThat(names)
        .containsExactly("Provider", "Endpoint", "Cost", "Priority", "Ready", "Latency", "Age");
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
