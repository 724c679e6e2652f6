package dev.regionrouter.helm.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regionrouter.helm.chart.Charts;
import dev.regionrouter.helm.chart.RenderedChart;
import dev.regionrouter.helm.chart.Tree;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The images Jib builds (no Docker daemon): every build writes each one over an empty base to
 * {@code <module>/target/image-check.tar} (the released image is the same on a JRE base). This
 * checks their configuration and contents against what the chart runs.
 */
class ImagesTest {

  private static final Path ROOT = Charts.repositoryRoot();

  static RenderedChart chart;

  @BeforeAll
  static void render() {
    chart = Charts.template(Charts.values("all-options.yaml"));
  }

  private static OciImage image(String module) throws IOException {
    return OciImage.read(ROOT.resolve(module + "/target/image-check.tar"));
  }

  private static Map<String, Object> container(String deployment) {
    return Tree.list(chart.get("Deployment", deployment), "spec.template.spec.containers")
        .getFirst();
  }

  private static String env(JsonNode config, String name) {
    for (JsonNode entry : config.path("Env")) {
      if (entry.asText().startsWith(name + "=")) {
        return entry.asText().substring(name.length() + 1);
      }
    }
    return null;
  }

  @ParameterizedTest
  @ValueSource(strings = {"operator", "router", "mock-region"})
  void runsAsTheNumericNonRootUserOfTheChart(String module) throws IOException {
    assertThat(image(module).config().path("User").asText()).isEqualTo("10001:10001");
    Map<String, Object> defaults =
        Tree.map(
            Charts.template().get("Deployment", "rr-router"), "spec.template.spec.securityContext");
    assertThat(defaults).containsEntry("runAsUser", 10001).containsEntry("runAsGroup", 10001);
  }

  @ParameterizedTest
  @CsvSource({
    "operator, dev.regionrouter.operator.Main",
    "router, dev.regionrouter.router.RouterApplication",
    "mock-region, dev.regionrouter.mockregion.Main"
  })
  void startsItsMainClassOnTheClasspathJibLaysOut(String module, String mainClass)
      throws IOException {
    OciImage image = image(module);
    List<String> entrypoint = new ArrayList<>();
    image.config().path("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
    assertThat(entrypoint).first().isEqualTo("java");
    assertThat(entrypoint).last().isEqualTo(mainClass);
    assertThat(entrypoint).containsSequence("-cp", "@/app/jib-classpath-file");
    assertThat(image.files())
        .contains(
            "app/classes/" + mainClass.replace('.', '/') + ".class", "app/jib-classpath-file");
    assertThat(image.files()).anyMatch(f -> f.startsWith("app/libs/") && f.endsWith(".jar"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"operator", "router"})
  void jvmOptionsAreTheChartDefaults(String component) throws IOException {
    RenderedChart defaults = Charts.template();
    String chartOpts =
        Tree.list(
                Tree.list(
                        defaults.get("Deployment", "rr-" + component),
                        "spec.template.spec.containers")
                    .getFirst(),
                "env")
            .stream()
            .filter(e -> "JAVA_TOOL_OPTIONS".equals(e.get("name")))
            .map(e -> (String) e.get("value"))
            .findFirst()
            .orElseThrow();
    assertThat(env(image(component).config(), "JAVA_TOOL_OPTIONS")).isEqualTo(chartOpts);
  }

  @Test
  void exposesThePortsTheChartUses() throws IOException {
    assertThat(fieldNames(image("router").config().path("ExposedPorts")))
        .containsExactlyInAnyOrder("8000/tcp", "9090/tcp");
    assertThat(fieldNames(image("operator").config().path("ExposedPorts")))
        .containsExactly("8080/tcp");
    RenderedChart defaults = Charts.template();
    assertThat(
            Tree.list(
                    Tree.list(
                            defaults.get("Deployment", "rr-router"),
                            "spec.template.spec.containers")
                        .getFirst(),
                    "ports")
                .stream()
                .map(p -> p.get("containerPort") + "/tcp"))
        .containsExactlyInAnyOrder("8000/tcp", "9090/tcp");
  }

  @Test
  void routerImageCarriesItsSpringConfiguration() throws IOException {
    assertThat(image("router").files())
        .contains(
            "app/resources/application.properties",
            "app/resources/META-INF/spring/org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration.imports");
  }

  @Test
  void demoRegionsRunTheMockRegionImageWithArgumentsItsMainTakes() throws IOException {
    List<String> entrypoint = new ArrayList<>();
    image("mock-region").config().path("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
    assertThat(entrypoint).contains("--enable-native-access=ALL-UNNAMED");
    assertThat(Tree.<List<String>>at(container("edge-demo-us-east-1"), "args"))
        .containsExactly("us-east-1", "8001", "100", "--host=0.0.0.0");
    assertThat(Tree.<String>at(container("edge-demo-us-east-1"), "image"))
        .endsWith("region-router/mock-region:0.1.0-rc1");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
