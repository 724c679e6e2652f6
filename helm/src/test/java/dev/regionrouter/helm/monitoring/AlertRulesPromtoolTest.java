package dev.regionrouter.helm.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.regionrouter.helm.chart.Charts;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The alert rules (helm/region-router/files/prometheus-rules.yaml) with Prometheus' own promtool:
 * they are valid, and each alert fires when it should and stays quiet when it should not
 * (src/test/resources/promtool/prometheus-rules-test.yaml). Every alert has a test and a runbook
 * section. promtool comes with Debian's prometheus package (bin/install-test-tools); without it the
 * promtool tests are skipped, saying so.
 */
class AlertRulesPromtoolTest {

  static final Path RULES = Charts.chartDir().resolve("files/prometheus-rules.yaml");
  static final Path RULE_TESTS =
      Charts.repositoryRoot()
          .resolve("helm/src/test/resources/promtool/prometheus-rules-test.yaml");
  static final Path RUNBOOK = Charts.repositoryRoot().resolve("docs/runbook.md");

  static String promtool;

  @BeforeAll
  static void findPromtool() {
    String fromEnv = System.getenv("PROMTOOL");
    promtool =
        fromEnv != null && !fromEnv.isBlank()
            ? fromEnv
            : java.util.stream.Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "promtool"))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst()
                .orElse(null);
  }

  static void assumePromtool() {
    Assumptions.assumeTrue(
        promtool != null,
        "no promtool on the PATH: run bin/install-test-tools (Debian package prometheus) to test"
            + " the alert rules with it");
  }

  @Test
  void promtoolChecksTheRules() throws Exception {
    assumePromtool();
    Result r = run(promtool, "check", "rules", RULES.toString());
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS: 5 rules found");
  }

  @Test
  void everyAlertFiresWhenItShouldAndOnlyThen() throws Exception {
    assumePromtool();
    Result r = run(promtool, "test", "rules", RULE_TESTS.toString());
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS");
  }

  @Test
  void everyAlertHasAPromtoolTestAndARunbookSection() throws IOException {
    Set<String> alerts = alertNames();
    assertThat(alerts)
        .containsExactlyInAnyOrder(
            "RegionRouterRegionEjected",
            "RegionRouterNoRegionAvailable",
            "RegionRouterFailoverRateHigh",
            "RegionRouterRoutingTableStale",
            "RegionRouterOperatorReconcileErrors");
    String tests = Files.readString(RULE_TESTS);
    String runbook = Files.readString(RUNBOOK);
    JsonNode groups = new YAMLMapper().readTree(RULES.toFile()).path("groups");
    for (JsonNode group : groups) {
      for (JsonNode rule : group.path("rules")) {
        String alert = rule.path("alert").asText();
        assertThat(tests).as(alert + " tested").contains("alertname: " + alert);
        String url = rule.path("annotations").path("runbook_url").asText();
        assertThat(url).isEqualTo("docs/runbook.md#" + alert.toLowerCase(Locale.ROOT));
        // GitHub's anchor of a "## AlertName" heading is the lowercased name
        assertThat(runbook).as(alert + " in the runbook").contains("\n## " + alert + "\n");
        assertThat(rule.path("labels").path("severity").asText()).isIn("warning", "critical");
        assertThat(rule.path("annotations").path("summary").asText()).isNotBlank();
      }
    }
  }

  static Set<String> alertNames() throws IOException {
    Set<String> names = new TreeSet<>();
    for (JsonNode group : new YAMLMapper().readTree(RULES.toFile()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        names.add(rule.path("alert").asText());
      }
    }
    return names;
  }

  record Result(int exit, String output) {}

  static Result run(String... command) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of(command));
    Process p =
        new ProcessBuilder(args)
            .directory(RULE_TESTS.getParent().toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }
}
