package dev.regionrouter.helm.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a platform team needs to install the chart on a real cluster: volumes, environment from
 * Secrets and ConfigMaps, a private CA, spread, a management port apart from the data plane, a
 * disruption budget, a CRD that upgrades, a `helm test` hook, labelled regions.
 */
class InstallOptionsRenderingTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static RenderedChart chart;

  @TempDir Path dir;

  @BeforeAll
  static void render() {
    chart = Charts.template(Charts.values("all-options.yaml"));
  }

  static Map<String, Object> pod(RenderedChart chart, String deployment) {
    return Tree.map(chart.get("Deployment", deployment), "spec.template.spec");
  }

  static Map<String, Object> container(RenderedChart chart, String deployment) {
    return Tree.list(pod(chart, deployment), "containers").getFirst();
  }

  private RenderedChart render(Values values) {
    return Charts.template(Charts.writeValues(dir, values.yaml()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"edge-operator", "edge-router"})
  void extraVolumesAreMountedBesideTmpAndTheTrustedCa(String deployment) {
    List<String> volumes =
        Tree.list(pod(chart, deployment), "volumes").stream()
            .map(v -> (String) v.get("name"))
            .toList();
    List<String> mounts =
        Tree.list(container(chart, deployment), "volumeMounts").stream()
            .map(v -> (String) v.get("name"))
            .toList();
    String extra = deployment.endsWith("router") ? "region-tokens" : "scratch";
    assertThat(volumes).containsExactly("tmp", "trusted-ca", extra);
    assertThat(mounts).containsExactly("tmp", "trusted-ca", extra);
  }

  @Test
  void routerReadsMountedCredentialsFromTheExtraVolume() {
    assertThat(Tree.list(container(chart, "edge-router"), "volumeMounts"))
        .contains(
            Map.of(
                "name",
                "region-tokens",
                "mountPath",
                "/var/run/region-router/credentials",
                "readOnly",
                true));
    assertThat(Tree.list(pod(chart, "edge-router"), "volumes"))
        .contains(Map.of("name", "region-tokens", "secret", Map.of("secretName", "region-tokens")));
  }

  @Test
  void environmentComesFromValuesSecretsConfigMapsAndTheDownwardApi() {
    assertThat(Tree.list(container(chart, "edge-router"), "env"))
        .contains(
            Map.of(
                "name",
                "ROUTER_PROXY_FORWARD_AUTHORIZATION",
                "valueFrom",
                Map.of(
                    "configMapKeyRef",
                    Map.of("name", "router-settings", "key", "forward-authorization"))));
    assertThat(Tree.list(container(chart, "edge-router"), "envFrom"))
        .containsExactly(Map.of("secretRef", Map.of("name", "router-env"), "prefix", "RR_"));
    assertThat(Tree.list(container(chart, "edge-operator"), "env"))
        .contains(
            Map.of(
                "name",
                "POD_IP",
                "valueFrom",
                Map.of("fieldRef", Map.of("fieldPath", "status.podIP"))));
    assertThat(Tree.list(container(chart, "edge-operator"), "envFrom"))
        .containsExactly(Map.of("configMapRef", Map.of("name", "operator-settings")));
  }

  @Test
  void anEnvEntryNeedsExactlyOneOfValueAndValueFrom() {
    Path both =
        Charts.writeValues(
            dir,
            Values.of(
                    "router.extraEnv",
                    List.of(
                        Map.of(
                            "name",
                            "A",
                            "value",
                            "x",
                            "valueFrom",
                            Map.of("fieldRef", Map.of("fieldPath", "metadata.name")))))
                .yaml());
    Path neither =
        Charts.writeValues(dir, Values.of("router.extraEnv", List.of(Map.of("name", "A"))).yaml());
    assertThatThrownBy(() -> Charts.templateCommand(both).call()).hasMessageContaining("oneOf");
    assertThatThrownBy(() -> Charts.templateCommand(neither).call()).hasMessageContaining("oneOf");
  }

  @Test
  void trustedCaBundleIsMountedInBothAndBothTrustIt() {
    Map<String, Object> volume =
        Map.of(
            "name",
            "trusted-ca",
            "configMap",
            Map.of(
                "name",
                "private-ca",
                "items",
                List.of(Map.of("key", "bundle.pem", "path", "bundle.pem"))));
    Map<String, Object> mount =
        Map.of("name", "trusted-ca", "mountPath", "/etc/region-router/ca", "readOnly", true);
    for (String deployment : List.of("edge-router", "edge-operator")) {
      assertThat(Tree.list(pod(chart, deployment), "volumes")).as(deployment).contains(volume);
      assertThat(Tree.list(container(chart, deployment), "volumeMounts"))
          .as(deployment)
          .contains(mount);
    }
    assertThat(Tree.<List<String>>at(container(chart, "edge-router"), "args"))
        .contains("--router.proxy.trusted-ca-file=/etc/region-router/ca/bundle.pem");
    assertThat(Tree.list(container(chart, "edge-operator"), "env"))
        .contains(
            Map.of(
                "name",
                "OPERATOR_PROBE_TRUSTED_CA_FILE",
                "value",
                "/etc/region-router/ca/bundle.pem"));
  }

  @Test
  void trustedCaCanComeFromASecretButNotFromBoth() {
    RenderedChart fromSecret = render(Values.of("trustedCA.secretName", "private-ca"));
    assertThat(Tree.list(pod(fromSecret, "rr-router"), "volumes"))
        .contains(
            Map.of(
                "name",
                "trusted-ca",
                "secret",
                Map.of(
                    "secretName",
                    "private-ca",
                    "items",
                    List.of(Map.of("key", "ca.crt", "path", "ca.crt")))));
    assertThat(Tree.<List<String>>at(container(fromSecret, "rr-router"), "args"))
        .contains("--router.proxy.trusted-ca-file=/etc/region-router/ca/ca.crt");
    assertThat(Tree.list(container(fromSecret, "rr-operator"), "env"))
        .contains(
            Map.of(
                "name", "OPERATOR_PROBE_TRUSTED_CA_FILE", "value", "/etc/region-router/ca/ca.crt"));

    Path both =
        Charts.writeValues(
            dir,
            Values.of("trustedCA.secretName", "a").with("trustedCA.configMapName", "b").yaml());
    assertThatThrownBy(() -> Charts.templateCommand(both).call())
        .hasMessageContaining("configMapName or secretName, not both");
  }

  @Test
  void withoutATrustedCaBothKeepTheJdksCas() {
    RenderedChart plain = Charts.template();
    assertThat(Tree.<List<String>>at(container(plain, "rr-router"), "args"))
        .noneMatch(a -> a.contains("trusted-ca-file"));
    assertThat(Tree.list(container(plain, "rr-operator"), "env"))
        .noneMatch(e -> "OPERATOR_PROBE_TRUSTED_CA_FILE".equals(e.get("name")));
    assertThat(Tree.list(pod(plain, "rr-router"), "volumes")).hasSize(1);
  }

  @Test
  void topologySpreadConstraintsReplaceTheDefaultSpread() {
    assertThat(Tree.list(pod(chart, "edge-router"), "topologySpreadConstraints"))
        .singleElement()
        .satisfies(
            c ->
                assertThat(c)
                    .containsEntry("maxSkew", 2)
                    .containsEntry("whenUnsatisfiable", "DoNotSchedule"));
    assertThat(Tree.list(pod(chart, "edge-operator"), "topologySpreadConstraints"))
        .singleElement()
        .satisfies(c -> assertThat(c).containsEntry("topologyKey", "kubernetes.io/hostname"));
    assertThat(Tree.list(pod(Charts.template(), "rr-router"), "topologySpreadConstraints"))
        .extracting(c -> c.get("topologyKey"))
        .containsExactly("topology.kubernetes.io/zone", "kubernetes.io/hostname");
    assertThat(pod(Charts.template(), "rr-operator"))
        .doesNotContainKey("topologySpreadConstraints");
  }

  @Test
  void podLabelsAndAnnotationsReachBothPods() {
    for (String deployment : List.of("edge-router", "edge-operator")) {
      Map<String, Object> metadata =
          Tree.map(chart.get("Deployment", deployment), "spec.template.metadata");
      assertThat(Tree.map(metadata, "labels")).containsKey("tier");
      assertThat(Tree.map(metadata, "annotations")).containsEntry("example.com/owner", "platform");
    }
  }

  @Test
  void managementPortCarriesProbesAndMetricsApartFromTheDataPlane() {
    Map<String, Object> router = container(chart, "edge-router");
    assertThat(Tree.<List<String>>at(router, "args")).contains("--management.server.port=9091");
    assertThat(Tree.list(router, "ports"))
        .contains(Map.of("name", "management", "containerPort", 9091, "protocol", "TCP"));
    assertThat(Tree.list(chart.get("Service", "edge-router"), "spec.ports"))
        .extracting(p -> p.get("name") + ":" + p.get("port"))
        .containsExactly("http:8000", "management:9091");
  }

  @Test
  void managementPortMustDifferFromTheDataPort() {
    Path same = Charts.writeValues(dir, Values.of("router.managementPort", 8000).yaml());
    assertThatThrownBy(() -> Charts.templateCommand(same).call())
        .hasMessageContaining("router.managementPort (8000) must differ from router.port");
  }

  @Test
  void disruptionBudgetOnlyWhenMoreThanOneRouterRuns() {
    assertThat(render(Values.of("router.replicas", 1)).find("PodDisruptionBudget", "rr-router"))
        .isEmpty();
    assertThat(
            render(
                    Values.of("router.autoscaling.enabled", true)
                        .with("router.autoscaling.minReplicas", 1)
                        .with("router.replicas", 3))
                .find("PodDisruptionBudget", "rr-router"))
        .isEmpty();
    assertThat(
            render(Values.of("router.podDisruptionBudget.enabled", false))
                .find("PodDisruptionBudget", "rr-router"))
        .isEmpty();
    assertThat(render(Values.of("router.replicas", 2)).find("PodDisruptionBudget", "rr-router"))
        .isPresent();
  }

  /** The CRD rendered from templates (labelled by the chart), not the crds/ copy. */
  private static List<Map<String, Object>> templatedCrds(RenderedChart chart) {
    return chart.ofKind("CustomResourceDefinition").stream()
        .filter(
            crd -> {
              Map<String, Object> labels = Tree.at(crd, "metadata.labels");
              return labels != null && labels.containsKey("helm.sh/chart");
            })
        .toList();
  }

  @Test
  void templatedCrdIsTheCrdsCopyKeptOnUninstall() throws IOException {
    @SuppressWarnings("unchecked")
    Map<String, Object> committed =
        YAML.readValue(
            Charts.chartDir()
                .resolve("crds/inferenceregions.inference.regionrouter.dev.yaml")
                .toFile(),
            Map.class);
    Map<String, Object> templated = templatedCrds(chart).getFirst();

    assertThat(templatedCrds(chart)).hasSize(1);
    // Helm's YAML round trip writes 1.0 as 1: numbers compare by value
    JsonNode want = YAML.valueToTree(committed.get("spec"));
    JsonNode got = YAML.valueToTree(templated.get("spec"));
    assertThat(
            want.equals(
                (x, y) ->
                    x.isNumber() && y.isNumber()
                        ? Double.compare(x.asDouble(), y.asDouble())
                        : x.equals(y) ? 0 : 1,
                got))
        .as("templated CRD spec equals crds/:\n%s\n%s", want, got)
        .isTrue();
    assertThat(Tree.<String>at(templated, "metadata.name"))
        .isEqualTo("inferenceregions.inference.regionrouter.dev");
    assertThat(Tree.map(templated, "metadata.annotations"))
        .containsEntry("helm.sh/resource-policy", "keep");
  }

  @Test
  void templatedCrdIsOffByDefaultAndKeepCanBeTurnedOff() {
    assertThat(templatedCrds(Charts.template())).isEmpty();
    Map<String, Object> notKept =
        templatedCrds(render(Values.of("crds.enabled", true).with("crds.keep", false))).getFirst();
    Map<String, Object> annotations = Tree.at(notKept, "metadata.annotations");
    assertThat(annotations == null ? Map.of() : annotations)
        .doesNotContainKey("helm.sh/resource-policy");
  }

  /**
   * helm-java's template leaves hooks out (as `helm install` does from its manifest): the test pod
   * is rendered from a copy of the chart whose test template has no hook annotation.
   */
  private RenderedChart renderWithTestHookAsAPod() throws IOException {
    Path copy = dir.resolve("chart");
    Path source = Charts.chartDir();
    try (var files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path target = copy.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
    Path test = copy.resolve(TEST_TEMPLATE);
    Files.writeString(test, Files.readString(test).replace("helm.sh/hook: test", "hook: test"));
    return RenderedChart.parse(
        new Helm(copy)
            .template()
            .withName(Charts.RELEASE)
            .withNamespace(Charts.NAMESPACE)
            .withKubeVersion(Charts.KUBE_VERSION)
            .withValuesFile(Charts.values("all-options.yaml"))
            .call());
  }

  private static final String TEST_TEMPLATE = "templates/tests/router-test.yaml";

  @Test
  void helmTestHookCallsTheDataAndManagementPortsThroughTheService() throws IOException {
    assertThat(Files.readString(Charts.chartDir().resolve(TEST_TEMPLATE)))
        .contains("helm.sh/hook: test");
    Map<String, Object> test = renderWithTestHookAsAPod().get("Pod", "edge-router-test");
    assertThat(Tree.map(test, "metadata.annotations"))
        .containsEntry("hook", "test")
        .containsEntry("helm.sh/hook-delete-policy", "before-hook-creation,hook-succeeded");
    Map<String, Object> c = Tree.list(test, "spec.containers").getFirst();
    assertThat(Tree.<String>at(c, "image")).isEqualTo("registry.example.com/busybox:1.36");
    String script = Tree.<List<String>>at(c, "command").getLast();
    assertThat(script)
        .contains("http://edge-router.inference.svc:8000/health")
        .contains("http://edge-router.inference.svc:9091/actuator/health/liveness");
    assertThat(Tree.map(c, "securityContext"))
        .containsEntry("readOnlyRootFilesystem", true)
        .containsEntry("allowPrivilegeEscalation", false);
    assertThat(Tree.<String>at(test, "spec.restartPolicy")).isEqualTo("Never");
  }

  @Test
  void regionLabelsBecomeObjectLabelsAndStayOutOfTheSpec() {
    Map<String, Object> region = chart.get("InferenceRegion", "ap-south-1");
    assertThat(Tree.map(region, "metadata.labels"))
        .containsEntry("geo", "apac")
        .containsEntry("residency", "in")
        .containsEntry("app.kubernetes.io/instance", "rr");
    assertThat(Tree.map(region, "spec")).doesNotContainKey("labels");
  }

  @Test
  void regionsInANamespaceTheOperatorDoesNotWatchAreRefused() {
    Path values =
        Charts.writeValues(
            dir,
            Values.of("operator.watchNamespaces", List.of("team-a"))
                .with(
                    "regions.r1",
                    Map.of(
                        "endpoint",
                        "https://r1.example.com",
                        "costPer1kTokens",
                        1,
                        "priority",
                        1,
                        "provider",
                        "aws"))
                .yaml());
    assertThatThrownBy(() -> Charts.templateCommand(values).call())
        .hasMessageContaining(
            "regions are created in inference, which operator.watchNamespaces (team-a) does not list");
  }

  @Test
  void chartMetadataNamesItsHomeSourcesMaintainersAndKubernetesVersion() throws IOException {
    @SuppressWarnings("unchecked")
    Map<String, Object> meta =
        YAML.readValue(Charts.chartDir().resolve("Chart.yaml").toFile(), Map.class);
    assertThat(meta)
        .containsKeys("home", "sources", "maintainers", "keywords", "kubeVersion", "description");
    assertThat(Tree.<String>at(meta, "kubeVersion")).isEqualTo(">=1.30.0-0");
    assertThat(Tree.list(meta, "maintainers")).allSatisfy(m -> assertThat(m).containsKey("name"));
  }
}
