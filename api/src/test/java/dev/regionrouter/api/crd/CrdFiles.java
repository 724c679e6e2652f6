package dev.regionrouter.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.regionrouter.api.v1alpha1.Condition;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The committed CRD is the crd-generator's output, finished in code for what the generator cannot
 * express: printer columns in reading order (it sorts them by name), conditions as a list-map keyed
 * by type with metav1.Condition's status enum and date-time format, and a description of the kind
 * itself.
 */
public final class CrdFiles {

  public static final String FILE_NAME = InferenceRegion.CRD_NAME + ".yaml";

  /**
   * Printer columns in the order kubectl should show them; Reason (Ready's) only with {@code -o
   * wide}, beside the condition it explains.
   */
  public static final List<String> COLUMN_ORDER =
      List.of(
          "Provider",
          "Endpoint",
          "Cost",
          "Priority",
          "Ready",
          "Reason",
          "Healthy",
          "Latency",
          "Age");

  public static final String KIND_DESCRIPTION =
      "InferenceRegion declares a regional AI-inference endpoint the "
          + "region-router may send traffic to: its URL, price per 1,000 tokens, priority and provider. The operator "
          + "publishes usable regions in the namespace's inference-regions ConfigMap and reports each region's state "
          + "here.";

  private static final YAMLMapper YAML =
      YAMLMapper.builder(new YAMLFactory())
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
          .build();

  private CrdFiles() {}

  /** The module's base directory, whether tests run from the reactor root or the module. */
  public static Path apiModule() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("api/src")) ? here.resolve("api") : here;
  }

  public static Path generated() {
    return apiModule()
        .resolve("target/classes/META-INF/fabric8/" + InferenceRegion.CRD_NAME + "-v1.yml");
  }

  public static Path committed() {
    return apiModule().getParent().resolve("crds").resolve(FILE_NAME);
  }

  /** The CRD as it should be committed: the generator's output, finished. */
  public static String finishedYaml() {
    try {
      JsonNode crd = YAML.readTree(Files.readString(generated(), StandardCharsets.UTF_8));
      ObjectNode version = (ObjectNode) crd.path("spec").path("versions").get(0);
      ArrayNode columns = (ArrayNode) version.path("additionalPrinterColumns");
      List<JsonNode> ordered = new ArrayList<>();
      COLUMN_ORDER.forEach(
          name ->
              columns.forEach(
                  c -> {
                    if (name.equals(c.path("name").asText())) {
                      ordered.add(c);
                    }
                  }));
      if (ordered.size() != columns.size()) {
        throw new IllegalStateException("printer columns changed: update CrdFiles.COLUMN_ORDER");
      }
      columns.removeAll();
      columns.addAll(ordered);
      ObjectNode schema = (ObjectNode) version.path("schema").path("openAPIV3Schema");
      schema.put("description", KIND_DESCRIPTION);
      ObjectNode conditions =
          (ObjectNode)
              schema.path("properties").path("status").path("properties").path("conditions");
      conditions.put("x-kubernetes-list-type", "map");
      conditions.putArray("x-kubernetes-list-map-keys").add("type");
      ObjectNode condition = (ObjectNode) conditions.path("items").path("properties");
      ((ObjectNode) condition.path("status"))
          .putArray("enum")
          .add(Condition.TRUE)
          .add(Condition.FALSE)
          .add(Condition.UNKNOWN);
      ((ObjectNode) condition.path("lastTransitionTime")).put("format", "date-time");
      return "# Generated from dev.regionrouter.api.v1alpha1.InferenceRegion by the crd-generator and CrdFiles.\n"
          + "# Do not edit: run ./mvnw -pl api verify -Dcrd.update=true\n"
          + YAML.writeValueAsString(crd);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The committed CRD, parsed. */
  public static JsonNode committedTree() {
    try {
      return YAML.readTree(committed().toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The committed CRD's openAPIV3Schema. */
  public static JsonNode committedSchema() {
    return committedTree()
        .path("spec")
        .path("versions")
        .get(0)
        .path("schema")
        .path("openAPIV3Schema");
  }
}
