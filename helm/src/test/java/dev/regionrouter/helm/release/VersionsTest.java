package dev.regionrouter.helm.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.regionrouter.helm.chart.Charts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * One version for every artifact: the Maven modules, the chart's version and appVersion (the
 * images' default tag), the Terraform module's default chart_version and the CHANGELOG; and one
 * image registry for the build and the chart.
 */
class VersionsTest {

  private static final Path ROOT = Charts.repositoryRoot();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static Element pom(String module) throws Exception {
    Path file = module.isEmpty() ? ROOT.resolve("pom.xml") : ROOT.resolve(module + "/pom.xml");
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    return doc.getDocumentElement();
  }

  private static String child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e.getTextContent().trim();
      }
    }
    return null;
  }

  private static Element childElement(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  static String projectVersion() throws Exception {
    return child(pom(""), "version");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> chart() throws Exception {
    return YAML.readValue(Charts.chartDir().resolve("Chart.yaml").toFile(), Map.class);
  }

  @Test
  void theProjectVersionIsARelease() throws Exception {
    assertThat(projectVersion()).matches("\\d+\\.\\d+\\.\\d+");
  }

  @ParameterizedTest
  @ValueSource(strings = {"api", "operator", "router", "mock-region", "helm", "e2e"})
  void everyModuleHasTheProjectVersion(String module) throws Exception {
    Element pom = pom(module);
    assertThat(child(childElement(pom, "parent"), "version")).isEqualTo(projectVersion());
    assertThat(child(pom, "version")).as("%s sets no version of its own", module).isNull();
  }

  @Test
  void chartVersionAndAppVersionAreTheProjectVersion() throws Exception {
    assertThat(chart()).containsEntry("version", projectVersion());
    assertThat(chart()).containsEntry("appVersion", projectVersion());
  }

  @Test
  void terraformInstallsThisChartVersionByDefault() throws Exception {
    String variables =
        Files.readString(ROOT.resolve("terraform/modules/region-router/variables.tf"));
    Matcher m =
        Pattern.compile("variable \"chart_version\" \\{[^}]*?default\\s*=\\s*\"([^\"]+)\"")
            .matcher(variables);
    assertThat(m.find()).as("chart_version has a default").isTrue();
    assertThat(m.group(1)).isEqualTo(projectVersion());
  }

  @Test
  void changelogHasASectionForTheVersionAndLinksIt() throws Exception {
    String changelog = Files.readString(ROOT.resolve("CHANGELOG.md"));
    assertThat(changelog)
        .contains("## [Unreleased]")
        .containsPattern("(?m)^## \\[" + Pattern.quote(projectVersion()) + "\\] - ")
        .containsPattern("(?m)^\\[" + Pattern.quote(projectVersion()) + "\\]: https://");
  }

  @Test
  void theChartDeploysTheImagesTheBuildNamesByDefault() throws Exception {
    String registry = child(childElement(pom(""), "properties"), "image.registry");
    @SuppressWarnings("unchecked")
    Map<String, Object> values =
        YAML.readValue(Charts.chartDir().resolve("values.yaml").toFile(), Map.class);
    assertThat(values).containsEntry("imageRegistry", registry);
    for (String module : List.of("operator", "router", "mock-region")) {
      String name = child(childElement(pom(module), "properties"), "image.name");
      assertThat(name).isEqualTo(module);
    }
    // the build's image: <image.registry>/region-router/<image.name>:<version>, the chart's:
    // <imageRegistry>/<repository>:<appVersion>
    String pluginImage = Files.readString(ROOT.resolve("pom.xml"));
    assertThat(pluginImage)
        .contains(
            "<image>${image.registry}/region-router/${image.name}:${project.version}</image>");
    assertThat(values.toString())
        .contains("repository=region-router/operator")
        .contains("repository=region-router/router")
        .contains("repository=region-router/mock-region");
  }

  @Test
  void licenseIsApache2() throws Exception {
    String license = Files.readString(ROOT.resolve("LICENSE"));
    assertThat(license)
        .startsWith("\n                                 Apache License")
        .contains("Version 2.0, January 2004")
        .contains("END OF TERMS AND CONDITIONS");
  }
}
