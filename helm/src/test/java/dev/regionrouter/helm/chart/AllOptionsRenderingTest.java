package dev.regionrouter.helm.chart;

import static dev.regionrouter.helm.chart.Charts.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every option on (src/test/resources/values/all-options.yaml), and the switches that turn parts
 * off.
 */
class AllOptionsRenderingTest {

  static RenderedChart chart;

  @BeforeAll
  static void render() {
    chart = Charts.template(Charts.values("all-options.yaml"));
  }

  static Map<String, Object> container(String deployment) {
    return Tree.list(chart.get("Deployment", deployment), "spec.template.spec.containers")
        .getFirst();
  }

  @Test
  void rendersEveryOptionalObject() {
    assertThat(chart.kindsAndNames())
        .containsExactly(
            "ConfigMap inference/edge-dashboard",
            "CustomResourceDefinition inferenceregions.inference.regionrouter.dev",
            "Deployment inference/edge-demo-ap-south-1",
            "Deployment inference/edge-demo-brazilsouth",
            "Deployment inference/edge-demo-me-south-1",
            "Deployment inference/edge-demo-us-east-1",
            "Deployment inference/edge-operator",
            "Deployment inference/edge-router",
            "HorizontalPodAutoscaler inference/edge-router",
            "InferenceRegion inference/ap-south-1",
            "InferenceRegion inference/brazilsouth",
            "InferenceRegion inference/me-south-1",
            "NetworkPolicy inference/edge-operator",
            "NetworkPolicy inference/edge-router",
            "PodDisruptionBudget inference/edge-router",
            "PrometheusRule inference/edge",
            "Role inference/edge-operator",
            "Role inference/edge-operator-leader-election",
            "Role inference/edge-router",
            "Role team-a/edge-operator",
            "RoleBinding inference/edge-operator",
            "RoleBinding inference/edge-operator-leader-election",
            "RoleBinding inference/edge-router",
            "RoleBinding team-a/edge-operator",
            "Service inference/edge-demo-ap-south-1",
            "Service inference/edge-demo-brazilsouth",
            "Service inference/edge-demo-me-south-1",
            "Service inference/edge-demo-us-east-1",
            "Service inference/edge-operator-metrics",
            "Service inference/edge-router",
            "ServiceAccount inference/edge-operator",
            "ServiceAccount inference/edge-router",
            "ServiceMonitor inference/edge-operator",
            "ServiceMonitor inference/edge-router");
  }

  @Test
  void operatorWatchingListedNamespacesGetsOneRoleInEachAndNoClusterRights() {
    assertThat(chart.ofKind("ClusterRole")).isEmpty();
    assertThat(chart.ofKind("ClusterRoleBinding")).isEmpty();
    for (String namespace : List.of("inference", "team-a")) {
      assertThat(Rbac.permissions(chart.get("Role", namespace, "edge-operator")))
          .as("operator Role in %s", namespace)
          .containsExactlyElementsOf(DefaultValuesRenderingTest.OPERATOR_PERMISSIONS);
      Map<String, Object> binding = chart.get("RoleBinding", namespace, "edge-operator");
      assertThat(Tree.map(binding, "roleRef"))
          .containsEntry("kind", "Role")
          .containsEntry("name", "edge-operator");
      assertThat(Tree.list(binding, "subjects"))
          .containsExactly(
              Map.of("kind", "ServiceAccount", "name", "edge-operator", "namespace", NAMESPACE));
    }
    assertThat(Tree.list(container("edge-operator"), "env"))
        .contains(Map.of("name", "WATCH_NAMESPACES", "value", "inference,team-a"));
  }

  @Test
  void operatorRunsTheConfiguredReplicasUnderLeaderElection() {
    assertThat(Tree.<Integer>at(chart.get("Deployment", "edge-operator"), "spec.replicas"))
        .isEqualTo(2);
    assertThat(Tree.list(container("edge-operator"), "env"))
        .contains(
            Map.of("name", "LEADER_ELECTION", "value", "true"),
            Map.of("name", "OPERATOR_HTTP_PORT", "value", "9090"),
            Map.of("name", "LOG_LEVEL", "value", "debug"));
    assertThat(Tree.<Integer>at(container("edge-operator"), "ports.0.containerPort"))
        .isEqualTo(9090);
  }

  @Test
  void routerMayReadTheListedSecretsAndThoseItsRegionsNameAndNoOther() {
    assertThat(Rbac.permissions(chart.get("Role", NAMESPACE, "edge-router")))
        .containsExactly(
            "core configmaps list inference-regions",
            "core configmaps watch inference-regions",
            "core secrets list me-south-1-token,shared-token",
            "core secrets watch me-south-1-token,shared-token",
            "discovery.k8s.io endpointslices list",
            "discovery.k8s.io endpointslices watch");
  }

  @Test
  void autoscalerOwnsTheRouterReplicaCount() {
    Map<String, Object> hpa = chart.get("HorizontalPodAutoscaler", "edge-router");
    assertThat(Tree.map(hpa, "spec.scaleTargetRef"))
        .containsOnly(
            entry("apiVersion", "apps/v1"),
            entry("kind", "Deployment"),
            entry("name", "edge-router"));
    assertThat(Tree.map(hpa, "spec")).contains(entry("minReplicas", 3), entry("maxReplicas", 12));
    assertThat(Tree.<Integer>at(hpa, "spec.metrics.0.resource.target.averageUtilization"))
        .isEqualTo(60);
    assertThat(Tree.map(chart.get("Deployment", "edge-router"), "spec"))
        .doesNotContainKey("replicas");
  }

  @Test
  void disruptionBudgetCoversTheRouterPods() {
    Map<String, Object> pdb = chart.get("PodDisruptionBudget", "edge-router");
    assertThat(Tree.<String>at(pdb, "spec.maxUnavailable")).isEqualTo("25%");
    assertThat(Tree.map(pdb, "spec.selector.matchLabels"))
        .isEqualTo(Tree.map(chart.get("Deployment", "edge-router"), "spec.selector.matchLabels"));
  }

  @Test
  void serviceMonitorsScrapeTheMetricsPortsTheServicesExpose() {
    Map<String, Object> router = chart.get("ServiceMonitor", "edge-router");
    Map<String, Object> operator = chart.get("ServiceMonitor", "edge-operator");
    assertThat(Tree.<String>at(router, "apiVersion")).isEqualTo("monitoring.coreos.com/v1");
    assertThat(Tree.map(router, "spec.endpoints.0"))
        .contains(
            entry("port", "management"),
            entry("path", "/actuator/prometheus"),
            entry("interval", "15s"));
    assertThat(Tree.map(operator, "spec.endpoints.0"))
        .contains(
            entry("port", "metrics"), entry("path", "/metrics"), entry("scrapeTimeout", "5s"));
    assertThat(Tree.map(router, "metadata.labels")).containsEntry("release", "prometheus");
    assertThat(Tree.map(router, "spec.selector.matchLabels"))
        .isEqualTo(Tree.map(chart.get("Service", "edge-router"), "spec.selector"));
    assertThat(Tree.map(operator, "spec.selector.matchLabels"))
        .isEqualTo(Tree.map(chart.get("Service", "edge-operator-metrics"), "spec.selector"));
    assertThat(Tree.<String>at(chart.get("Service", "edge-operator-metrics"), "spec.ports.0.name"))
        .isEqualTo("metrics");
  }

  @Test
  void networkPoliciesAdmitClientsOnTheDataPortAndScrapersOnTheManagementPorts() {
    Map<String, Object> router = chart.get("NetworkPolicy", "edge-router");
    assertThat(Tree.<List<String>>at(router, "spec.policyTypes")).containsExactly("Ingress");
    List<Map<String, Object>> ingress = Tree.list(router, "spec.ingress");
    assertThat(ingress).hasSize(2);
    assertThat(Tree.list(ingress.get(0), "ports"))
        .containsExactly(Map.of("port", "http", "protocol", "TCP"));
    assertThat(Tree.list(ingress.get(1), "ports"))
        .containsExactly(Map.of("port", "management", "protocol", "TCP"));
    assertThat(Tree.list(ingress.get(0), "from")).hasSize(2);
    assertThat(Tree.<String>at(ingress.get(0), "from.1.ipBlock.cidr")).isEqualTo("10.0.0.0/8");
    assertThat(Tree.map(ingress.get(1), "from.0.namespaceSelector"))
        .isEqualTo(Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "monitoring")));

    Map<String, Object> operator = chart.get("NetworkPolicy", "edge-operator");
    assertThat(Tree.list(operator, "spec.ingress"))
        .containsExactly(
            Map.of(
                "ports", List.of(Map.of("port", "metrics", "protocol", "TCP")),
                "from",
                    List.of(
                        Map.of(
                            "namespaceSelector",
                            Map.of(
                                "matchLabels",
                                Map.of("kubernetes.io/metadata.name", "monitoring"))))));
  }

  @Test
  void regionsBecomeInferenceRegionsInTheReleaseNamespaceWithTheirSpecAsWritten() {
    Map<String, Object> region = chart.get("InferenceRegion", NAMESPACE, "me-south-1");
    assertThat(Tree.<String>at(region, "apiVersion"))
        .isEqualTo("inference.regionrouter.dev/v1alpha1");
    assertThat(Tree.map(region, "spec"))
        .containsOnly(
            entry("endpoint", "https://inference.me-south-1.example.com/base"),
            entry("costPer1kTokens", 0.35),
            entry("priority", 2),
            entry("provider", "aws"),
            entry("drain", false),
            entry("healthPath", "/healthz"),
            entry("inferencePath", "/v2/generate"),
            entry("capacity", Map.of("maxInFlight", 64, "tokensPerMinute", 120000)),
            entry("credentialsSecretRef", Map.of("name", "me-south-1-token", "key", "token")),
            entry(
                "probe",
                Map.of(
                    "intervalSeconds",
                    5,
                    "timeoutSeconds",
                    2,
                    "method",
                    "HEAD",
                    "sendCredentials",
                    true)),
            entry(
                "models",
                Map.of("gpt-4o", "gpt-4o-2024-08-06", "gpt-4o-mini", "my-mini-deployment")),
            entry("timeouts", Map.of("firstByteSeconds", 30, "streamIdleSeconds", 120)));
    assertThat(
            Tree.<Object>at(
                chart.get("InferenceRegion", NAMESPACE, "brazilsouth"), "spec.costPer1kTokens"))
        .isEqualTo(0);
  }

  @Test
  void imagesComeFromTheConfiguredRegistryPinnedByDigestWhenGiven() {
    assertThat(Tree.<String>at(container("edge-operator"), "image"))
        .isEqualTo(
            "registry.example.com/region-router/operator@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    assertThat(Tree.<String>at(container("edge-operator"), "imagePullPolicy")).isEqualTo("Always");
    assertThat(Tree.<String>at(container("edge-router"), "image"))
        .isEqualTo("registry.example.com/region-router/router:0.1.0-rc1");
    assertThat(Tree.list(chart.get("ServiceAccount", "edge-router"), "imagePullSecrets"))
        .containsExactly(Map.of("name", "pull-secret"));
  }

  @Test
  void routerDrainAndGraceFollowTheValues() {
    Map<String, Object> router = container("edge-router");
    assertThat(Tree.<List<String>>at(router, "args"))
        .contains(
            "--spring.lifecycle.timeout-per-shutdown-phase=20s", "--router.proxy.max-attempts=2");
    assertThat(Tree.<Integer>at(router, "lifecycle.preStop.sleep.seconds")).isEqualTo(10);
    assertThat(
            Tree.<Integer>at(
                chart.get("Deployment", "edge-router"),
                "spec.template.spec.terminationGracePeriodSeconds"))
        .isEqualTo(40);
  }

  @Test
  void schedulingSettingsReachThePods() {
    Map<String, Object> pod =
        Tree.map(chart.get("Deployment", "edge-router"), "spec.template.spec");
    assertThat(pod)
        .containsEntry("priorityClassName", "high")
        .containsEntry("nodeSelector", Map.of("kubernetes.io/os", "linux"))
        .containsKeys("affinity", "tolerations", "topologySpreadConstraints");
    assertThat(Tree.map(pod, "securityContext"))
        .contains(entry("runAsUser", 20000), entry("runAsGroup", 20000), entry("fsGroup", 20000));
    assertThat(Tree.map(chart.get("Deployment", "edge-router"), "spec.template.metadata.labels"))
        .containsEntry("tier", "data")
        .containsEntry("team", "platform");
  }

  @Test
  void leaderElectionOffDropsTheLeaseRole(@TempDir Path dir) {
    RenderedChart off =
        Charts.template(
            Charts.writeValues(dir, Values.of("operator.leaderElection.enabled", false).yaml()));

    assertThat(off.find("Role", "rr-operator-leader-election")).isEmpty();
    assertThat(
            Tree.list(
                Tree.list(off.get("Deployment", "rr-operator"), "spec.template.spec.containers")
                    .getFirst(),
                "env"))
        .contains(Map.of("name", "LEADER_ELECTION", "value", "false"));
  }

  @Test
  void eitherComponentCanBeLeftOut(@TempDir Path dir) {
    RenderedChart routerOnly =
        Charts.template(Charts.writeValues(dir, Values.of("operator.enabled", false).yaml()));
    RenderedChart operatorOnly =
        Charts.template(Charts.writeValues(dir, Values.of("router.enabled", false).yaml()));

    assertThat(routerOnly.kindsAndNames()).noneMatch(n -> n.contains("operator"));
    assertThat(routerOnly.find("Deployment", "rr-router")).isPresent();
    assertThat(operatorOnly.kindsAndNames()).noneMatch(n -> n.contains("router-"));
    assertThat(operatorOnly.find("Deployment", "rr-operator")).isPresent();
  }

  @Test
  void platformAssignedIdsAreLeftOutWhenSetToNull(@TempDir Path dir) {
    RenderedChart chart =
        Charts.template(
            Charts.writeValues(
                dir, "securityContext:\n  runAsUser: null\n  runAsGroup: null\n  fsGroup: null\n"));

    assertThat(Tree.map(chart.get("Deployment", "rr-router"), "spec.template.spec.securityContext"))
        .containsOnly(
            entry("runAsNonRoot", true), entry("seccompProfile", Map.of("type", "RuntimeDefault")));
  }
}
