package dev.regionrouter.helm.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.helm.chart.Charts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard's shape: the panels the issue asks for, every query on the data source
 * variable. That its queries name metrics the router and operator really export is checked against
 * the running system (e2e RegionRouterSystemIT).
 */
class DashboardTest {

  static final Path DASHBOARD = Charts.chartDir().resolve("files/grafana-dashboard.json");

  @Test
  void dashboardHasThePanelsAnSreNeeds() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    assertThat(dashboard.path("uid").asText()).isEqualTo("region-router");
    List<String> titles = new ArrayList<>();
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      titles.add(panel.path("title").asText());
      assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
      for (JsonNode target : panel.path("targets")) {
        exprs.add(target.path("expr").asText());
      }
    }
    assertThat(titles.size()).isGreaterThanOrEqualTo(6);
    assertThat(titles)
        .contains(
            "Requests by region and outcome",
            "Failovers by region",
            "Attempts by region and outcome",
            "Upstream latency p50 / p99 by region",
            "Ejections by region",
            "Estimated cost USD per hour by region",
            "Routing table age and generation",
            "Operator reconcile errors");
    assertThat(exprs)
        .anyMatch(e -> e.startsWith("histogram_quantile(0.5,"))
        .anyMatch(e -> e.startsWith("histogram_quantile(0.99,"))
        .anyMatch(e -> e.contains("regionrouter_router_cost_usd_total") && e.endsWith("* 3600"))
        .allMatch(e -> !e.isBlank());
  }
}
