package dev.regionrouter.helm.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.regionrouter.helm.chart.Charts;
import dev.regionrouter.helm.chart.Tree;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * .github/workflows/release.yml, parsed (GitHub Actions cannot run here): what it runs, in which
 * order, with which rights, and that it publishes what the chart deploys by default.
 */
class ReleaseWorkflowTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static Map<String, Object> workflow;
  static List<Map<String, Object>> steps;
  static String script;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void parse() throws Exception {
    workflow =
        YAML.readValue(
            Charts.repositoryRoot().resolve(".github/workflows/release.yml").toFile(), Map.class);
    steps = Tree.list(workflow, "jobs.release.steps");
    StringBuilder all = new StringBuilder();
    for (Map<String, Object> step : steps) {
      all.append(step.getOrDefault("run", "")).append('\n');
    }
    script = all.toString();
  }

  private static int indexOfStepRunning(String command) {
    for (int i = 0; i < steps.size(); i++) {
      if (String.valueOf(steps.get(i).get("run")).contains(command)) {
        return i;
      }
    }
    throw new AssertionError("no step runs " + command + ":\n" + script);
  }

  @Test
  void runsOnVersionTagsOnly() {
    assertThat(Tree.<List<String>>at(workflow, "on.push.tags")).containsExactly("v*");
    assertThat(Tree.map(workflow, "on.push")).containsOnlyKeys("tags");
  }

  @Test
  void hasTheRightsToPushAndSignKeylesslyAndNoMore() {
    assertThat(Tree.map(workflow, "permissions"))
        .containsOnly(
            Map.entry("contents", "write"),
            Map.entry("packages", "write"),
            Map.entry("id-token", "write"));
  }

  @Test
  void refusesATagThatIsNotTheProjectsVersion() {
    int check = indexOfStepRunning("help:evaluate -Dexpression=project.version");
    assertThat(String.valueOf(steps.get(check).get("run")))
        .contains("${GITHUB_REF_NAME#v}")
        .contains("helm/region-router/Chart.yaml")
        .contains("exit 1");
    assertThat(check).isLessThan(indexOfStepRunning("jib:build"));
  }

  @Test
  void verifiesBeforeItPublishesAnything() {
    int verify = indexOfStepRunning("./mvnw -B -ntp verify");
    assertThat(verify)
        .isLessThan(indexOfStepRunning("jib:build"))
        .isLessThan(indexOfStepRunning("helm push"))
        .isLessThan(indexOfStepRunning("gh release create"));
  }

  @Test
  void pushesTheThreeImagesWithJibToTheOwnersGhcrPath() {
    String push = String.valueOf(steps.get(indexOfStepRunning("jib:build")).get("run"));
    assertThat(push)
        .contains("-pl operator,router,mock-region")
        .contains("-Dimage.registry=\"$IMAGE_REGISTRY\"");
    assertThat(Tree.<String>at(workflow, "jobs.release.env.IMAGE_REGISTRY"))
        .isEqualTo("ghcr.io/${{ github.repository_owner }}");
    assertThat(script).contains("IMAGE_REGISTRY=${IMAGE_REGISTRY,,}");
  }

  @Test
  void signsEveryImageTheChartAndTheSbomKeylessly() {
    int sign =
        indexOfStepRunning("cosign sign --yes \"$IMAGE_REGISTRY/region-router/$module@$digest\"");
    assertThat(String.valueOf(steps.get(sign).get("run")))
        .contains("for module in operator router mock-region");
    assertThat(script)
        .contains("cosign sign-blob --yes --bundle target/bom.json.sigstore.json target/bom.json")
        .contains("cosign attest --yes --type cyclonedx --predicate target/bom.json")
        .contains("cosign sign --yes \"$IMAGE_REGISTRY/charts/region-router@$digest\"")
        .doesNotContain("--key");
    List<String> uses = new ArrayList<>();
    steps.forEach(s -> uses.add(String.valueOf(s.get("uses"))));
    assertThat(uses).anyMatch(u -> u.startsWith("sigstore/cosign-installer@"));
  }

  @Test
  void pushesTheChartAsAnOciArtifactPointingAtTheImagesItPushed() {
    int chart = indexOfStepRunning("helm push");
    String run = String.valueOf(steps.get(chart).get("run"));
    assertThat(run)
        .contains("yq -i '.imageRegistry = strenv(IMAGE_REGISTRY)' helm/region-router/values.yaml")
        .contains(
            "helm package helm/region-router --version \"$VERSION\" --app-version \"$VERSION\"")
        .contains("\"oci://$IMAGE_REGISTRY/charts\"");
    assertThat(run.indexOf("yq -i")).isLessThan(run.indexOf("helm package"));
    assertThat(chart).isGreaterThan(indexOfStepRunning("jib:build"));
  }

  @Test
  void attachesTheCycloneDxSbomToTheRelease() {
    assertThat(indexOfStepRunning("cyclonedx:makeAggregateBom"))
        .isLessThan(indexOfStepRunning("gh release create"));
    assertThat(String.valueOf(steps.get(indexOfStepRunning("gh release create")).get("run")))
        .contains("target/bom.json")
        .contains("target/bom.xml")
        .contains("CHANGELOG.md");
  }

  @Test
  void theChartsDefaultRegistryIsWhatTheWorkflowPublishesForTheProjectsOwner() throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> values =
        YAML.readValue(Charts.chartDir().resolve("values.yaml").toFile(), Map.class);
    String owner = "region-router";
    assertThat(values.get("imageRegistry"))
        .isEqualTo(
            Tree.<String>at(workflow, "jobs.release.env.IMAGE_REGISTRY")
                .replace("${{ github.repository_owner }}", owner));
  }
}
