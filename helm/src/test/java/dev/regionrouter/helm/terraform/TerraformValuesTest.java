package dev.regionrouter.helm.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.regionrouter.helm.chart.Charts;
import dev.regionrouter.helm.chart.RenderedChart;
import dev.regionrouter.helm.chart.Tree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart values the module passes to helm_release and the names it derives from them (values.tf:
 * no provider needed), checked by rendering the chart with exactly those values.
 */
class TerraformValuesTest {

  private static final Path MODULE =
      Charts.repositoryRoot().resolve("terraform/modules/region-router");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final AtomicInteger RUNS = new AtomicInteger();

  @TempDir static Path scratch;

  @BeforeAll
  static void initAProviderFreeCopyOfTheModulesValues() throws Exception {
    assumeTrue(Terraform.onPath().isPresent(), "terraform is not on PATH");
    for (String file : List.of("variables.tf", "regions.tf", "values.tf")) {
      Files.copy(MODULE.resolve(file), scratch.resolve(file));
    }
    Files.writeString(
        scratch.resolve("outputs.tf"),
        """
        output "values_documents" {
          value = local.values_documents
        }
        output "router_url" {
          value = local.router_url
        }
        output "management_url" {
          value = local.management_url
        }
        output "router_service" {
          value = local.router_service
        }
        output "region_labels" {
          value = local.region_labels
        }
        output "region_specs" {
          value = local.region_specs
        }
        """);
    Terraform.Result init = Terraform.run(scratch, "init", "-backend=false", "-input=false");
    assertThat(init.exitCode()).as(init.output()).isZero();
  }

  private static Map<String, Object> region(Map<String, String> labels) {
    Map<String, Object> region = new LinkedHashMap<>();
    region.put("endpoint", "https://inference.ap-south-1.example.com");
    region.put("cost_per_1k_tokens", 0.32);
    region.put("priority", 1);
    region.put("provider", "aws");
    if (labels != null) {
      region.put("labels", labels);
    }
    return region;
  }

  private static Path varFile(Map<String, Object> vars) throws IOException {
    Map<String, Object> all = new HashMap<>(vars);
    all.putIfAbsent("chart", "unused");
    all.putIfAbsent("namespace", "inference");
    Path file = scratch.resolve("case-" + RUNS.incrementAndGet() + ".tfvars.json");
    JSON.writeValue(file.toFile(), all);
    return file;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> outputs(Map<String, Object> vars) throws Exception {
    Path state = scratch.resolve("case-" + RUNS.incrementAndGet() + ".tfstate");
    Terraform.Result apply =
        Terraform.run(
            scratch,
            "apply",
            "-no-color",
            "-auto-approve",
            "-input=false",
            "-state=" + state,
            "-var-file=" + varFile(vars));
    assertThat(apply.exitCode()).as(apply.output()).isZero();
    Terraform.Result output = Terraform.run(scratch, "output", "-state=" + state, "-json");
    assertThat(output.exitCode()).as(output.output()).isZero();
    Map<String, Object> out = new LinkedHashMap<>();
    ((Map<String, Map<String, Object>>) JSON.readValue(output.output(), Map.class))
        .forEach((name, o) -> out.put(name, o.get("value")));
    return out;
  }

  private static Terraform.Result plan(Map<String, Object> vars) throws Exception {
    return Terraform.run(
        scratch, "plan", "-no-color", "-input=false", "-var-file=" + varFile(vars));
  }

  /**
   * The chart rendered with the module's values documents, as helm_release would (release "rr": the
   * module's own names are checked through its outputs).
   */
  @SuppressWarnings("unchecked")
  private static RenderedChart render(Map<String, Object> outputs, Path dir) {
    List<String> documents = (List<String>) outputs.get("values_documents");
    Path[] files = documents.stream().map(doc -> Charts.writeValues(dir, doc)).toArray(Path[]::new);
    return Charts.template(files);
  }

  @Test
  void routerUrlIsTheServiceTheChartRendersWithOverridesAndPorts(@TempDir Path dir)
      throws Exception {
    Map<String, Object> defaults = outputs(Map.of());
    assertThat(defaults.get("router_url"))
        .isEqualTo("http://region-router-router.inference.svc.cluster.local:8000");
    assertThat(defaults.get("management_url"))
        .isEqualTo("http://region-router-router.inference.svc.cluster.local:9090");

    Map<String, Object> overridden =
        outputs(
            Map.of(
                "fullname_override",
                "edge",
                "router_management_port",
                9100,
                "extra_values",
                List.of("router:\n  port: 8080\n")));
    assertThat(overridden.get("router_url"))
        .isEqualTo("http://edge-router.inference.svc.cluster.local:8080");
    assertThat(overridden.get("management_url"))
        .isEqualTo("http://edge-router.inference.svc.cluster.local:9100");

    RenderedChart chart = render(overridden, dir);
    Map<String, Object> service = chart.get("Service", (String) overridden.get("router_service"));
    assertThat(Tree.list(service, "spec.ports"))
        .extracting(p -> p.get("name") + ":" + p.get("port"))
        .containsExactly("http:8080", "management:9100");
  }

  @Test
  void aFullnameOverrideInExtraValuesWinsAsInHelm() throws Exception {
    Map<String, Object> out =
        outputs(
            Map.of(
                "fullname_override", "first", "extra_values", List.of("fullnameOverride: last\n")));
    assertThat(out.get("router_url"))
        .isEqualTo("http://last-router.inference.svc.cluster.local:8000");
  }

  @Test
  @SuppressWarnings("unchecked")
  void regionLabelsAreObjectLabelsInBothWaysOfDeclaringRegions(@TempDir Path dir) throws Exception {
    Map<String, String> labels = Map.of("geo", "apac", "example.com/residency", "in");
    Map<String, Object> manifests =
        outputs(Map.of("regions", Map.of("ap-south-1", region(labels), "plain", region(null))));
    assertThat((Map<String, Object>) manifests.get("region_labels"))
        .containsEntry("ap-south-1", labels)
        .containsEntry("plain", Map.of());
    assertThat((Map<String, Map<String, Object>>) manifests.get("region_specs"))
        .allSatisfy((name, spec) -> assertThat(spec).doesNotContainKey("labels"));

    Map<String, Object> viaHelm =
        outputs(
            Map.of(
                "regions_managed_by",
                "helm",
                "regions",
                Map.of("ap-south-1", region(labels), "plain", region(null))));
    RenderedChart chart = render(viaHelm, dir);
    assertThat(Tree.map(chart.get("InferenceRegion", "ap-south-1"), "metadata.labels"))
        .containsAllEntriesOf(labels);
    assertThat(Tree.map(chart.get("InferenceRegion", "ap-south-1"), "spec"))
        .doesNotContainKey("labels");
    assertThat(Tree.map(chart.get("InferenceRegion", "plain"), "metadata.labels"))
        .doesNotContainKey("geo");
  }

  @Test
  void theCrdIsATemplateOfTheReleaseSoUpgradesApplyIt(@TempDir Path dir) throws Exception {
    Map<String, Object> out = outputs(Map.of());
    assertThat(render(out, dir).ofKind("CustomResourceDefinition"))
        .singleElement()
        .satisfies(
            crd ->
                assertThat(Tree.map(crd, "metadata.annotations"))
                    .containsEntry("helm.sh/resource-policy", "keep"));
    // and the release does not also install crds/ (Helm would create it twice)
    assertThat(Files.readString(MODULE.resolve("main.tf")))
        .containsPattern("skip_crds\\s*=\\s*var\\.manage_crd");
    assertThat(render(outputs(Map.of("manage_crd", false)), dir).ofKind("CustomResourceDefinition"))
        .isEmpty();
  }

  @Test
  @SuppressWarnings("unchecked")
  void imagesComeFromTheChartsDefaultRegistryUnlessOneIsGiven(@TempDir Path dir) throws Exception {
    Map<String, Object> values =
        YAML.readValue(
            ((List<String>) outputs(Map.of()).get("values_documents")).getFirst(), Map.class);
    assertThat(values).doesNotContainKey("imageRegistry");
    RenderedChart mirrored = render(outputs(Map.of("image_registry", "mirror.example.com")), dir);
    assertThat(
            Tree.<String>at(
                Tree.list(mirrored.get("Deployment", "rr-router"), "spec.template.spec.containers")
                    .getFirst(),
                "image"))
        .startsWith("mirror.example.com/region-router/router:");
  }

  @Test
  void autoscalingReachesTheChart(@TempDir Path dir) throws Exception {
    RenderedChart chart =
        render(
            outputs(Map.of("router_autoscaling", Map.of("min_replicas", 3, "max_replicas", 6))),
            dir);
    Map<String, Object> hpa = chart.get("HorizontalPodAutoscaler", "rr-router");
    assertThat(Tree.<Integer>at(hpa, "spec.minReplicas")).isEqualTo(3);
    assertThat(Tree.<Integer>at(hpa, "spec.maxReplicas")).isEqualTo(6);
  }

  @Test
  void regionsInANamespaceTheOperatorDoesNotWatchAreRefused() throws Exception {
    Terraform.Result plan =
        plan(
            Map.of(
                "operator_watch_namespaces",
                List.of("team-a"),
                "regions",
                Map.of("ap-south-1", region(null))));
    assertThat(plan.exitCode()).isNotZero();
    assertThat(plan.output().replaceAll("[│\\s]+", " "))
        .contains("which operator_watch_namespaces does not list");
    assertThat(
            plan(Map.of(
                    "operator_watch_namespaces",
                    List.of("team-a", "inference"),
                    "regions",
                    Map.of("ap-south-1", region(null))))
                .exitCode())
        .isZero();
  }

  @Test
  void regionLabelsMustBeKubernetesLabels() throws Exception {
    for (Map<String, String> bad :
        List.of(
            Map.of("bad key", "x"),
            Map.of("geo", "not ok!"),
            Map.of("geo", "x".repeat(64)),
            Map.of("x".repeat(64), "v"))) {
      Terraform.Result plan = plan(Map.of("regions", Map.of("r1", region(bad))));
      assertThat(plan.exitCode()).as("labels %s", bad).isNotZero();
      assertThat(plan.output().replaceAll("[│\\s]+", " "))
          .as("labels %s", bad)
          .contains("Region labels must be Kubernetes labels");
    }
  }
}
