package dev.regionrouter.helm.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import dev.regionrouter.api.crd.CrdSchemaValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kind quickstart's in-cluster demo regions (demoRegions.enabled): one mock-region per region,
 * and examples/kind/inferenceregions.yaml pointing at exactly their Services.
 */
class DemoRegionsRenderingTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void demoRegionsAreOffByDefault() {
    assertThat(Charts.template().kindsAndNames()).noneMatch(n -> n.contains("-demo-"));
  }

  @Test
  void eachDemoRegionIsAMockRegionListeningOnAllAddressesBehindItsService() {
    RenderedChart chart = Charts.template(Charts.values("all-options.yaml"));
    Map<String, Object> deployment = chart.get("Deployment", "edge-demo-ap-south-1");
    Map<String, Object> container =
        Tree.list(deployment, "spec.template.spec.containers").getFirst();
    assertThat(Tree.<List<String>>at(container, "args"))
        .containsExactly("ap-south-1", "8003", "20", "--host=0.0.0.0");
    assertThat(Tree.<String>at(container, "image"))
        .isEqualTo("registry.example.com/region-router/mock-region:0.1.0-rc1");
    assertThat(Tree.<String>at(container, "imagePullPolicy")).isEqualTo("Never");
    assertThat(Tree.map(container, "securityContext"))
        .containsEntry("readOnlyRootFilesystem", true);
    Map<String, Object> service = chart.get("Service", "edge-demo-ap-south-1");
    assertThat(Tree.list(service, "spec.ports"))
        .containsExactly(
            Map.of("name", "http", "port", 8003, "targetPort", "http", "protocol", "TCP"));
    assertThat(Tree.map(service, "spec.selector"))
        .isEqualTo(Tree.map(deployment, "spec.selector.matchLabels"));
  }

  @Test
  void theKindExampleRegionsAreValidAndPointAtTheDemoServicesOfTheQuickstartRelease(
      @TempDir Path dir) throws IOException {
    Path values = Charts.writeValues(dir, Values.of("demoRegions.enabled", true).yaml());
    RenderedChart chart =
        RenderedChart.parse(
            new Helm(Charts.chartDir())
                .template()
                .withName("region-router")
                .withNamespace("inference")
                .withKubeVersion(Charts.KUBE_VERSION)
                .withValuesFile(values)
                .call());
    List<String> services = new ArrayList<>();
    for (Map<String, Object> service : chart.ofKind("Service")) {
      String name = Tree.at(service, "metadata.name");
      if (name.contains("-demo-")) {
        services.add("http://" + name + ":" + Tree.at(service, "spec.ports.0.port"));
      }
    }
    JsonNode crd =
        YAML.readTree(
            Charts.chartDir()
                .resolve("crds/inferenceregions.inference.regionrouter.dev.yaml")
                .toFile());
    CrdSchemaValidator validator =
        new CrdSchemaValidator(
            crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema"));
    List<String> endpoints = new ArrayList<>();
    String examples =
        Files.readString(Charts.repositoryRoot().resolve("examples/kind/inferenceregions.yaml"));
    try (var docs = YAML.readerFor(Map.class).<Map<String, Object>>readValues(examples)) {
      while (docs.hasNext()) {
        Map<String, Object> region = docs.next();
        assertThat(validator.validate(region)).as(RenderedChart.json(region)).isEmpty();
        endpoints.add(Tree.at(region, "spec.endpoint"));
      }
    }
    assertThat(endpoints).hasSize(4).containsExactlyInAnyOrderElementsOf(services);
  }
}
