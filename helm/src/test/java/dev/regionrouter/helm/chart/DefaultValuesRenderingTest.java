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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** `helm template rr -n inference` with no values: what a plain `helm install` creates. */
class DefaultValuesRenderingTest {

  static RenderedChart chart;

  @BeforeAll
  static void render() {
    chart = Charts.template();
  }

  static Map<String, Object> pod(String deployment) {
    return Tree.map(chart.get("Deployment", deployment), "spec.template.spec");
  }

  static Map<String, Object> container(String deployment) {
    return Tree.list(pod(deployment), "containers").getFirst();
  }

  @Test
  void rendersTheOperatorTheRouterTheirAccessAndABudget() {
    assertThat(chart.kindsAndNames())
        .containsExactly(
            "Deployment inference/rr-operator",
            "Deployment inference/rr-router",
            "PodDisruptionBudget inference/rr-router",
            "Role inference/rr-operator",
            "Role inference/rr-operator-leader-election",
            "Role inference/rr-router",
            "RoleBinding inference/rr-operator",
            "RoleBinding inference/rr-operator-leader-election",
            "RoleBinding inference/rr-router",
            "Service inference/rr-operator-metrics",
            "Service inference/rr-router",
            "ServiceAccount inference/rr-operator",
            "ServiceAccount inference/rr-router");
  }

  /** The operator's rules; RbacMatchesApiCallsIT (e2e) proves they are the calls it makes. */
  static final List<String> OPERATOR_PERMISSIONS =
      List.of(
          "core configmaps create",
          "core configmaps get",
          "core configmaps list",
          "core configmaps update",
          "core configmaps watch",
          "core events create",
          "inference.regionrouter.dev inferenceregions list",
          "inference.regionrouter.dev inferenceregions watch",
          "inference.regionrouter.dev inferenceregions/status update");

  @Test
  void operatorWatchesOnlyTheReleaseNamespaceByDefaultWithARoleThere() {
    assertThat(chart.ofKind("ClusterRole")).isEmpty();
    assertThat(chart.ofKind("ClusterRoleBinding")).isEmpty();
    assertThat(Rbac.permissions(chart.get("Role", NAMESPACE, "rr-operator")))
        .containsExactlyElementsOf(OPERATOR_PERMISSIONS);
    Map<String, Object> binding = chart.get("RoleBinding", NAMESPACE, "rr-operator");
    assertThat(Tree.<String>at(binding, "roleRef.name")).isEqualTo("rr-operator");
    assertThat(Tree.list(binding, "subjects"))
        .containsExactly(
            Map.of("kind", "ServiceAccount", "name", "rr-operator", "namespace", NAMESPACE));
    assertThat(Tree.list(container("rr-operator"), "env"))
        .contains(Map.of("name", "WATCH_NAMESPACES", "value", NAMESPACE));
  }

  @Test
  void everyNamespaceOnlyByExplicitChoiceWithAClusterRole(@TempDir Path dir) {
    RenderedChart all =
        Charts.template(
            Charts.writeValues(dir, Values.of("operator.watchAllNamespaces", true).yaml()));
    assertThat(Rbac.permissions(all.get("ClusterRole", "inference-rr-operator")))
        .containsExactlyElementsOf(OPERATOR_PERMISSIONS);
    assertThat(all.ofKind("Role"))
        .noneMatch(r -> Tree.<String>at(r, "metadata.name").equals("rr-operator"));
    assertThat(
            Tree.<String>at(all.get("ClusterRoleBinding", "inference-rr-operator"), "roleRef.name"))
        .isEqualTo("inference-rr-operator");
    assertThat(
            Tree.list(
                Tree.list(
                        Tree.map(all.get("Deployment", "rr-operator"), "spec.template.spec"),
                        "containers")
                    .getFirst(),
                "env"))
        .contains(Map.of("name", "WATCH_NAMESPACES", "value", ""));
  }

  @Test
  void operatorMayUseOnlyItsOwnLeaseInItsOwnNamespace() {
    Map<String, Object> role = chart.get("Role", NAMESPACE, "rr-operator-leader-election");

    assertThat(Rbac.permissions(role))
        .containsExactly(
            "coordination.k8s.io leases create",
            "coordination.k8s.io leases get region-router-operator",
            "coordination.k8s.io leases patch region-router-operator");
    assertThat(
            Tree.list(
                chart.get("RoleBinding", NAMESPACE, "rr-operator-leader-election"), "subjects"))
        .containsExactly(
            Map.of("kind", "ServiceAccount", "name", "rr-operator", "namespace", NAMESPACE));
  }

  @Test
  void routerMayOnlyWatchItsRoutingTableConfigMapByNameAndItsEndpointSlices() {
    assertThat(Rbac.permissions(chart.get("Role", NAMESPACE, "rr-router")))
        .containsExactly(
            "core configmaps list inference-regions",
            "core configmaps watch inference-regions",
            "discovery.k8s.io endpointslices list",
            "discovery.k8s.io endpointslices watch");
    assertThat(chart.ofKind("ClusterRole"))
        .noneMatch(r -> Tree.<String>at(r, "metadata.name").contains("router"));
  }

  @Test
  void noRoleGrantsWildcardsSecretsOrDeletion() {
    for (String kind : List.of("Role", "ClusterRole")) {
      for (Map<String, Object> role : chart.ofKind(kind)) {
        assertThat(Rbac.permissions(role))
            .as("%s %s", kind, Tree.<String>at(role, "metadata.name"))
            .noneMatch(p -> p.contains("*"))
            .noneMatch(p -> p.contains("secrets"))
            .noneMatch(p -> p.contains("delete"));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"rr-operator", "rr-router"})
  void podsRunAsNonRootWithRuntimeDefaultSeccomp(String deployment) {
    assertThat(Tree.map(pod(deployment), "securityContext"))
        .contains(
            entry("runAsNonRoot", true),
            entry("runAsUser", 10001),
            entry("runAsGroup", 10001),
            entry("fsGroup", 10001),
            entry("seccompProfile", Map.of("type", "RuntimeDefault")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"rr-operator", "rr-router"})
  void containersAreReadOnlyUnprivilegedAndDropEveryCapability(String deployment) {
    assertThat(Tree.map(container(deployment), "securityContext"))
        .containsOnly(
            entry("runAsNonRoot", true),
            entry("readOnlyRootFilesystem", true),
            entry("allowPrivilegeEscalation", false),
            entry("privileged", false),
            entry("capabilities", Map.of("drop", List.of("ALL"))),
            entry("seccompProfile", Map.of("type", "RuntimeDefault")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"rr-operator", "rr-router"})
  void theOnlyWritableDirectoryIsAnEmptyDirTmp(String deployment) {
    assertThat(Tree.list(container(deployment), "volumeMounts"))
        .containsExactly(Map.of("name", "tmp", "mountPath", "/tmp"));
    assertThat(Tree.list(pod(deployment), "volumes"))
        .containsExactly(
            Map.of("name", "tmp", "emptyDir", Map.of("medium", "Memory", "sizeLimit", "64Mi")));
  }

  @Test
  void operatorRequestsAndLimitsCpuAndMemory() {
    Map<String, Object> resources = Tree.map(container("rr-operator"), "resources");
    assertThat(Tree.map(resources, "requests")).containsKeys("cpu", "memory");
    assertThat(Tree.map(resources, "limits")).containsKeys("cpu", "memory");
  }

  @Test
  void routerRequestsCpuAndMemoryButIsNotCpuThrottled() {
    Map<String, Object> resources = Tree.map(container("rr-router"), "resources");
    assertThat(Tree.map(resources, "requests")).containsKeys("cpu", "memory");
    assertThat(Tree.map(resources, "limits")).containsOnlyKeys("memory");
  }

  @ParameterizedTest
  @CsvSource({
    "rr-operator, -XX:+UseSerialGC -XX:MaxRAMPercentage=35 -XX:+ExitOnOutOfMemoryError",
    "rr-router, -XX:+UseParallelGC -XX:MaxRAMPercentage=25 -XX:InitialRAMPercentage=25 -XX:NewRatio=1 -XX:-UseAdaptiveSizePolicy -XX:TrimNativeHeapInterval=5000 --sun-misc-unsafe-memory-access=allow -XX:+ExitOnOutOfMemoryError"
  })
  void jvmSizesItsHeapFromTheContainerAndExitsOnOutOfMemory(String deployment, String javaOpts) {
    assertThat(Tree.list(container(deployment), "env"))
        .contains(Map.of("name", "JAVA_TOOL_OPTIONS", "value", javaOpts));
  }

  @Test
  void operatorProbesItsHealthAndReadinessEndpoints() {
    Map<String, Object> c = container("rr-operator");
    assertThat(Tree.<String>at(c, "livenessProbe.httpGet.path")).isEqualTo("/healthz");
    assertThat(Tree.<String>at(c, "startupProbe.httpGet.path")).isEqualTo("/healthz");
    assertThat(Tree.<String>at(c, "readinessProbe.httpGet.path")).isEqualTo("/readyz");
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      assertThat(Tree.<String>at(c, probe + ".httpGet.port")).isEqualTo("metrics");
    }
    assertThat(Tree.list(c, "ports"))
        .containsExactly(Map.of("name", "metrics", "containerPort", 8080, "protocol", "TCP"));
  }

  @Test
  void operatorGetsItsEnvironmentContractWithLeaderElectionOnAndItsNamespaceWatched() {
    assertThat(Tree.list(container("rr-operator"), "env"))
        .contains(
            Map.of("name", "WATCH_NAMESPACES", "value", NAMESPACE),
            Map.of(
                "name",
                "OPERATOR_NAMESPACE",
                "valueFrom",
                Map.of("fieldRef", Map.of("fieldPath", "metadata.namespace"))),
            Map.of("name", "LEADER_ELECTION", "value", "true"),
            Map.of("name", "OPERATOR_HTTP_PORT", "value", "8080"));
    assertThat(Tree.<Integer>at(chart.get("Deployment", "rr-operator"), "spec.replicas"))
        .isEqualTo(1);
  }

  @Test
  void routerProbesTheActuatorHealthGroupsOnItsManagementPort() {
    Map<String, Object> c = container("rr-router");
    assertThat(Tree.<String>at(c, "livenessProbe.httpGet.path"))
        .isEqualTo("/actuator/health/liveness");
    assertThat(Tree.<String>at(c, "startupProbe.httpGet.path"))
        .isEqualTo("/actuator/health/liveness");
    assertThat(Tree.<String>at(c, "readinessProbe.httpGet.path"))
        .isEqualTo("/actuator/health/readiness");
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      assertThat(Tree.<String>at(c, probe + ".httpGet.port")).isEqualTo("management");
    }
    assertThat(Tree.list(c, "ports"))
        .containsExactly(
            Map.of("name", "http", "containerPort", 8000, "protocol", "TCP"),
            Map.of("name", "management", "containerPort", 9090, "protocol", "TCP"));
  }

  @Test
  void routerWatchesTheRoutingTableConfigMapSharesCapacityAndDrainsGracefully() {
    assertThat(Tree.<List<String>>at(container("rr-router"), "args"))
        .containsExactly(
            "--router.config-map=inference-regions",
            "--router.capacity-share.service=rr-router",
            "--server.port=8000",
            "--management.server.port=9090",
            "--server.shutdown=graceful",
            "--spring.lifecycle.timeout-per-shutdown-phase=30s");
  }

  @Test
  void routerIsKilledOnlyAfterItsPreStopPauseAndDrainHaveHadTheirTime() {
    int grace = Tree.at(pod("rr-router"), "terminationGracePeriodSeconds");
    Map<String, Object> preStop = Tree.map(container("rr-router"), "lifecycle.preStop");
    int drain = 30;

    // the kubelet's own sleep action: no shell or sleep binary needed in the image
    assertThat(preStop).containsOnlyKeys("sleep");
    int preStopSleep = Tree.at(preStop, "sleep.seconds");
    assertThat(preStopSleep).isEqualTo(5);
    assertThat(grace).isGreaterThan(preStopSleep + drain);
  }

  @Test
  void routerServiceExposesTheDataAndManagementPortsOnTheRouterPodsOnly() {
    Map<String, Object> service = chart.get("Service", "rr-router");
    assertThat(Tree.<String>at(service, "spec.type")).isEqualTo("ClusterIP");
    assertThat(Tree.list(service, "spec.ports"))
        .containsExactly(
            Map.of("name", "http", "port", 8000, "targetPort", "http", "protocol", "TCP"),
            Map.of(
                "name", "management", "port", 9090, "targetPort", "management", "protocol", "TCP"));
    assertThat(Tree.map(service, "spec.selector"))
        .isEqualTo(Tree.map(chart.get("Deployment", "rr-router"), "spec.selector.matchLabels"))
        .containsEntry("app.kubernetes.io/component", "router");
    assertThat(Tree.<Integer>at(chart.get("Deployment", "rr-router"), "spec.replicas"))
        .isEqualTo(2);
  }

  @Test
  void everyObjectCarriesTheStandardLabelsAndEveryNamespacedOneLivesInTheReleaseNamespace() {
    for (Map<String, Object> object : chart.objects()) {
      String what = object.get("kind") + " " + Tree.at(object, "metadata.name");
      assertThat(Tree.map(object, "metadata.labels"))
          .as(what)
          .containsEntry("app.kubernetes.io/name", "region-router")
          .containsEntry("app.kubernetes.io/instance", "rr")
          .containsEntry("app.kubernetes.io/managed-by", "Helm")
          .containsKey("app.kubernetes.io/version");
      if (!String.valueOf(object.get("kind")).startsWith("Cluster")) {
        assertThat(Tree.<String>at(object, "metadata.namespace")).as(what).isEqualTo(NAMESPACE);
      }
    }
  }

  @Test
  void imagesDefaultToWhatTheReleaseWorkflowPublishesAtTheChartAppVersion() {
    assertThat(Tree.<String>at(container("rr-operator"), "image"))
        .isEqualTo("ghcr.io/region-router/region-router/operator:0.1.0");
    assertThat(Tree.<String>at(container("rr-router"), "image"))
        .isEqualTo("ghcr.io/region-router/region-router/router:0.1.0");
  }

  @Test
  void routerDisruptionBudgetIsOnForItsTwoReplicas() {
    Map<String, Object> pdb = chart.get("PodDisruptionBudget", "rr-router");
    assertThat(Tree.<Integer>at(pdb, "spec.maxUnavailable")).isEqualTo(1);
    assertThat(Tree.map(pdb, "spec.selector.matchLabels"))
        .isEqualTo(Tree.map(chart.get("Deployment", "rr-router"), "spec.selector.matchLabels"));
  }
}
