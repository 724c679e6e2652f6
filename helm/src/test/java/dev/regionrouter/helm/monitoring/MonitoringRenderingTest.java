package dev.regionrouter.helm.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.regionrouter.helm.chart.Charts;
import dev.regionrouter.helm.chart.RenderedChart;
import dev.regionrouter.helm.chart.Tree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's optional monitoring objects: the PrometheusRule carries exactly the promtool-tested
 * rules (runbook links pointed at runbookBaseUrl when set), the dashboard ConfigMap carries the
 * sidecar label and the dashboard file; logging.format and router.accessLog reach the containers.
 */
class MonitoringRenderingTest {

  @TempDir Path dir;

  private RenderedChart render(String yaml) {
    return Charts.template(Charts.writeValues(dir, yaml));
  }

  @Test
  void nothingByDefault() {
    RenderedChart chart = Charts.template();
    assertThat(chart.ofKind("PrometheusRule")).isEmpty();
    assertThat(chart.kindsAndNames()).noneMatch(k -> k.endsWith("-dashboard"));
    assertThat(chart.yaml()).doesNotContain("LOGGING_STRUCTURED_FORMAT_CONSOLE");
    assertThat(chart.yaml()).doesNotContain("ROUTER_ACCESSLOG_ENABLED");
  }

  @Test
  void prometheusRuleHoldsTheTestedRulesWithTheRunbookBaseUrl() throws Exception {
    RenderedChart chart =
        render(
            """
            monitoring:
              prometheusRule:
                enabled: true
                runbookBaseUrl: https://git.example.com/platform/region-router/blob/main/docs/runbook.md
                labels: { release: prometheus }
            """);
    Map<String, Object> rule = chart.get("PrometheusRule", "rr");
    assertThat(Tree.<String>at(rule, "metadata.labels.release")).isEqualTo("prometheus");
    JsonNode rendered = new ObjectMapper().valueToTree(Tree.map(rule, "spec"));
    JsonNode file = new YAMLMapper().readTree(AlertRulesPromtoolTest.RULES.toFile());
    List<String> exprs = new ArrayList<>();
    for (int g = 0; g < file.path("groups").size(); g++) {
      JsonNode fileRules = file.path("groups").get(g).path("rules");
      JsonNode renderedRules = rendered.path("groups").get(g).path("rules");
      assertThat(renderedRules.size()).isEqualTo(fileRules.size());
      for (int i = 0; i < fileRules.size(); i++) {
        JsonNode a = fileRules.get(i);
        JsonNode b = renderedRules.get(i);
        assertThat(b.path("expr")).isEqualTo(a.path("expr"));
        assertThat(b.path("for")).isEqualTo(a.path("for"));
        assertThat(b.path("labels")).isEqualTo(a.path("labels"));
        assertThat(b.path("annotations").path("description"))
            .isEqualTo(a.path("annotations").path("description"));
        assertThat(b.path("annotations").path("runbook_url").asText())
            .isEqualTo(
                a.path("annotations")
                    .path("runbook_url")
                    .asText()
                    .replace(
                        "docs/runbook.md",
                        "https://git.example.com/platform/region-router/blob/main/docs/runbook.md"));
        exprs.add(b.path("expr").asText());
      }
    }
    assertThat(exprs).hasSize(5);
  }

  @Test
  void dashboardConfigMapHasTheSidecarLabelAndTheDashboard() throws Exception {
    RenderedChart chart =
        render(
            """
            monitoring:
              grafanaDashboard:
                enabled: true
                annotations: { grafana_folder: Inference }
            """);
    Map<String, Object> cm = chart.get("ConfigMap", "rr-dashboard");
    assertThat(Tree.<String>at(cm, "metadata.labels.grafana_dashboard")).isEqualTo("1");
    assertThat(Tree.<String>at(cm, "metadata.annotations.grafana_folder")).isEqualTo("Inference");
    String json = (String) Tree.map(cm, "data").get("region-router.json");
    assertThat(new ObjectMapper().readTree(json))
        .isEqualTo(new ObjectMapper().readTree(Files.readString(DashboardTest.DASHBOARD)));
  }

  @Test
  void logFormatAndAccessLogReachTheContainers() {
    RenderedChart chart =
        render(
            """
            logging: { format: ecs }
            router:
              accessLog: { enabled: true, maxPerSecond: 20 }
            """);
    Map<String, String> router = env(chart, "rr-router");
    Map<String, String> operator = env(chart, "rr-operator");
    assertThat(router)
        .containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs")
        .containsEntry("ROUTER_ACCESSLOG_ENABLED", "true")
        .containsEntry("ROUTER_ACCESSLOG_MAXPERSECOND", "20");
    assertThat(operator).containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs");
  }

  private static Map<String, String> env(RenderedChart chart, String deployment) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (Map<String, Object> e :
        Tree.list(
            Tree.list(chart.get("Deployment", deployment), "spec.template.spec.containers")
                .getFirst(),
            "env")) {
      if (e.get("value") != null) {
        out.put((String) e.get("name"), String.valueOf(e.get("value")));
      }
    }
    return out;
  }
}
