package dev.regionrouter.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import dev.regionrouter.api.table.RoutingTableCodec;
import dev.regionrouter.api.v1alpha1.Conditions;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.api.v1alpha1.InferenceRegionSpec;
import dev.regionrouter.e2e.RbacGrants.Grant;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Least privilege, checked against what the code does: operator.jar and router.jar run as
 * processes, configured as the chart renders them, against the dev API server (fabric8's CRUD
 * mock), which records every request and which client sent it. They do their real work: leader
 * election, reconciles, status writes, events, routing-table writes and repairs, the router's
 * ConfigMap watch and its replica count from EndpointSlices. The test then fails when the chart's
 * rendered Roles/ClusterRoles (helm-java) deny any recorded call, or grant anything no recorded
 * call used.
 *
 * <p>Not checked here: self-subject reviews and discovery URLs, which Kubernetes grants every
 * authenticated client (system:basic-user, system:discovery).
 */
class RbacMatchesApiCallsIT {

  static final String RELEASE = "rr";
  static final String NAMESPACE = "inference";
  static final String OTHER = "team-b";
  static final String SECRET = "us-east-1-token";
  static final YAMLMapper YAML = new YAMLMapper();

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  static Stream<Arguments> installs() {
    return Stream.of(
        Arguments.of("default: the release namespace only", Map.of(), List.of(NAMESPACE)),
        Arguments.of(
            "listed namespaces, a region with a credentials Secret",
            Map.of(
                "operator",
                Map.of("watchNamespaces", List.of(NAMESPACE, OTHER)),
                "router",
                Map.of("credentials", Map.of("secretNames", List.of(SECRET)))),
            List.of(NAMESPACE, OTHER)),
        Arguments.of(
            "every namespace, chosen explicitly",
            Map.of("operator", Map.of("watchAllNamespaces", true)),
            List.of(NAMESPACE, OTHER)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("installs")
  void theChartGrantsExactlyTheCallsTheOperatorAndRouterMake(
      String install, Map<String, Object> values, List<String> regionNamespaces) throws Exception {
    List<Map<String, Object>> chart = render(values);
    Path root = Path.of("").toAbsolutePath().getParent();
    ConcurrentLinkedQueue<ApiCall> calls = new ConcurrentLinkedQueue<>();
    try (DevApiServer api =
            DevApiServer.start(
                0,
                root.resolve("crds/" + InferenceRegion.CRD_NAME + ".yaml"),
                request -> {
                  String auth = request.getHeader("Authorization");
                  String client = auth == null ? "admin" : auth.replaceFirst("(?i)^Bearer ", "");
                  ApiCall.of(client, request.getMethod(), request.getPath()).ifPresent(calls::add);
                });
        KubernetesClient admin = api.client()) {
      for (String ns : Set.of(NAMESPACE, OTHER)) {
        admin
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
      }
      String routerService = name(only(chart, "Service", "router"));
      admin
          .resource(
              new EndpointSliceBuilder()
                  .withNewMetadata()
                  .withName(routerService + "-abcde")
                  .withNamespace(NAMESPACE)
                  .addToLabels("kubernetes.io/service-name", routerService)
                  .endMetadata()
                  .withAddressType("IPv4")
                  .addNewEndpoint()
                  .withAddresses("10.0.0.7")
                  .withNewConditions()
                  .withReady(true)
                  .endConditions()
                  .endEndpoint()
                  .build())
          .create();

      int operatorPort = JarProcess.freePort();
      Map<String, String> operatorEnv = operatorEnv(chart, operatorPort);
      operatorEnv.put(
          "KUBECONFIG",
          api.writeKubeconfig(Path.of("target/rbac-operator-kubeconfig"), NAMESPACE, "operator")
              .toString());
      int routerPort = JarProcess.freePort();
      List<String> routerArgs = routerArgs(chart, routerPort);
      try (JarProcess operator =
              JarProcess.start(
                  "rbac-operator", root.resolve("operator/target/operator.jar"), operatorEnv);
          JarProcess router =
              JarProcess.start(
                  "rbac-router",
                  root.resolve("router/target/router.jar"),
                  Map.of(
                      "KUBECONFIG",
                      api.writeKubeconfig(
                              Path.of("target/rbac-router-kubeconfig"), NAMESPACE, "router")
                          .toString()),
                  routerArgs.toArray(String[]::new))) {
        await("operator leading")
            .atMost(60, SECONDS)
            .untilAsserted(
                () -> {
                  assertThat(status("http://127.0.0.1:" + operatorPort + "/readyz"))
                      .as(operator::logTail)
                      .isEqualTo(200);
                  assertThat(lease(admin)).as(operator::logTail).isNotNull();
                });
        await("router live")
            .atMost(60, SECONDS)
            .untilAsserted(
                () ->
                    assertThat(
                            status("http://127.0.0.1:" + routerPort + "/actuator/health/liveness"))
                        .as(router::logTail)
                        .isEqualTo(200));

        work(admin, regionNamespaces, values.containsKey("router"));
        await("the router follows the operator's table")
            .atMost(30, SECONDS)
            .untilAsserted(
                () ->
                    assertThat(body("http://127.0.0.1:" + routerPort + "/regions/table"))
                        .contains("us-east-1")
                        .doesNotContain("\"ap-south-1\""));
        // a Lease renewal (update) happens every retry period while leading
        var renewed = lease(admin).getSpec().getRenewTime();
        await("a lease renewal")
            .atMost(30, SECONDS)
            .until(() -> !renewed.equals(lease(admin).getSpec().getRenewTime()));
      }

      check(install, chart, calls, "operator", name(only(chart, "ServiceAccount", "operator")));
      check(install, chart, calls, "router", name(only(chart, "ServiceAccount", "router")));
    }
  }

  /** Create, change, drain, break, hand-edit and delete regions: every path that writes. */
  private void work(KubernetesClient admin, List<String> namespaces, boolean credentials) {
    if (credentials) {
      admin
          .secrets()
          .inNamespace(NAMESPACE)
          .resource(
              new io.fabric8.kubernetes.api.model.SecretBuilder()
                  .withNewMetadata()
                  .withName(SECRET)
                  .withNamespace(NAMESPACE)
                  .endMetadata()
                  .addToStringData("token", "t0ken")
                  .build())
          .create();
    }
    for (String ns : namespaces) {
      for (String region : List.of("ap-south-1", "us-east-1", "me-south-1")) {
        InferenceRegion r =
            new InferenceRegion(
                ns, region, new InferenceRegionSpec("http://127.0.0.1:9", 0.3, 1, "aws"));
        if (credentials && ns.equals(NAMESPACE) && region.equals("us-east-1")) {
          r.getSpec()
              .setCredentialsSecretRef(
                  new dev.regionrouter.api.v1alpha1.SecretKeyReference(SECRET, "token"));
        }
        admin.resource(r).create();
      }
      InferenceRegion broken =
          new InferenceRegion(ns, "broken", new InferenceRegionSpec("ftp://x", 0.3, 1, "aws"));
      admin.resource(broken).create();
      await("regions reconciled in " + ns)
          .atMost(60, SECONDS)
          .untilAsserted(
              () -> {
                for (String region : List.of("ap-south-1", "us-east-1", "me-south-1")) {
                  InferenceRegion r =
                      admin.resources(InferenceRegion.class).inNamespace(ns).withName(region).get();
                  assertThat(r.isReady()).as(region).isTrue();
                }
                assertThat(
                        admin
                            .resources(InferenceRegion.class)
                            .inNamespace(ns)
                            .withName("broken")
                            .get()
                            .getStatus()
                            .condition(Conditions.STALLED))
                    .isPresent();
              });
      // merge patches, as kubectl patch sends them: no resourceVersion, so no conflict with the
      // operator's own writes
      admin
          .resources(InferenceRegion.class)
          .inNamespace(ns)
          .withName("me-south-1")
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"drain\":true}}");
      admin.resources(InferenceRegion.class).inNamespace(ns).withName("ap-south-1").delete();
      // a hand edit of the routing table: the operator puts its own back
      admin
          .configMaps()
          .inNamespace(ns)
          .withName(RoutingTableCodec.CONFIG_MAP_NAME)
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"data\":{\"" + RoutingTableCodec.CONFIG_MAP_KEY + "\":\"{\\\"regions\\\":[]}\"}}");
      await("table repaired in " + ns)
          .atMost(30, SECONDS)
          .untilAsserted(
              () ->
                  assertThat(
                          admin
                              .configMaps()
                              .inNamespace(ns)
                              .withName(RoutingTableCodec.CONFIG_MAP_NAME)
                              .get()
                              .getData()
                              .get(RoutingTableCodec.CONFIG_MAP_KEY))
                      .contains("us-east-1")
                      .doesNotContain("ap-south-1")
                      .doesNotContain("me-south-1"));
    }
  }

  private static void check(
      String install,
      List<Map<String, Object>> chart,
      ConcurrentLinkedQueue<ApiCall> calls,
      String client,
      String account) {
    List<Grant> grants = RbacGrants.of(chart, NAMESPACE, account);
    List<ApiCall> made =
        calls.stream()
            .filter(c -> c.client().equals(client))
            .filter(c -> !c.group().equals("authorization.k8s.io"))
            .toList();
    Set<String> denied = new TreeSet<>();
    made.stream()
        .filter(c -> grants.stream().noneMatch(g -> g.allows(c)))
        .forEach(c -> denied.add(c.toString()));
    Set<String> unused = new TreeSet<>();
    grants.stream()
        .filter(g -> made.stream().noneMatch(g::allows))
        .forEach(g -> unused.add(g.toString()));
    Set<String> distinct = new TreeSet<>();
    made.forEach(c -> distinct.add(c.toString()));
    assertThat(made).as("%s made no API call at all", client).isNotEmpty();
    assertThat(denied)
        .as(
            "%s (%s): calls the chart's RBAC denies; the %s made:%n  %s",
            install, client, client, String.join("\n  ", distinct))
        .isEmpty();
    assertThat(unused)
        .as(
            "%s (%s): permissions the chart grants that no call used; the %s made:%n  %s",
            install, client, client, String.join("\n  ", distinct))
        .isEmpty();
  }

  /** {@code helm template} with these values (a values file, as a user would write it). */
  static List<Map<String, Object>> render(Map<String, Object> values) throws IOException {
    Path chart = Path.of("").toAbsolutePath().getParent().resolve("helm/region-router");
    TemplateCommand command =
        new Helm(chart)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion("1.31.0")
            .skipCrds();
    if (!values.isEmpty()) {
      Path file = java.nio.file.Files.createTempFile("rbac-values", ".yaml");
      YAML.writeValue(file.toFile(), values);
      command = command.withValuesFile(file);
    }
    List<Map<String, Object>> objects = new ArrayList<>();
    try (MappingIterator<Object> docs = YAML.readerFor(Object.class).readValues(command.call())) {
      while (docs.hasNext()) {
        if (docs.next() instanceof Map<?, ?> doc && doc.get("kind") != null) {
          @SuppressWarnings("unchecked")
          Map<String, Object> object = (Map<String, Object>) doc;
          objects.add(object);
        }
      }
    }
    return objects;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> only(List<Map<String, Object>> chart, String kind, String component) {
    List<Map<String, Object>> found =
        chart.stream()
            .filter(o -> kind.equals(o.get("kind")))
            .filter(
                o ->
                    component.equals(
                        ((Map<String, Object>)
                                ((Map<String, Object>) o.get("metadata")).get("labels"))
                            .get("app.kubernetes.io/component")))
            .toList();
    assertThat(found).as("%s of the %s", kind, component).hasSize(1);
    return found.get(0);
  }

  @SuppressWarnings("unchecked")
  static String name(Map<String, Object> object) {
    return (String) ((Map<String, Object>) object.get("metadata")).get("name");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> container(Map<String, Object> deployment) {
    Map<String, Object> spec = (Map<String, Object>) deployment.get("spec");
    Map<String, Object> pod =
        (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
    return ((List<Map<String, Object>>) pod.get("containers")).get(0);
  }

  /**
   * The operator container's environment as the chart renders it, resolved as the kubelet would.
   */
  @SuppressWarnings("unchecked")
  static Map<String, String> operatorEnv(List<Map<String, Object>> chart, int httpPort) {
    Map<String, String> env = new LinkedHashMap<>();
    for (Map<String, Object> var :
        (List<Map<String, Object>>) container(only(chart, "Deployment", "operator")).get("env")) {
      String name = (String) var.get("name");
      if (var.get("value") != null) {
        env.put(name, String.valueOf(var.get("value")));
      } else if (var.get("valueFrom") instanceof Map<?, ?> from
          && from.get("fieldRef") instanceof Map<?, ?> field) {
        switch ((String) field.get("fieldPath")) {
          case "metadata.namespace" -> env.put(name, NAMESPACE);
          case "metadata.name" -> env.put(name, RELEASE + "-operator-0");
          default -> {}
        }
      }
    }
    env.remove("JAVA_TOOL_OPTIONS"); // sized for a container, not for this machine
    env.put("OPERATOR_HTTP_PORT", String.valueOf(httpPort)); // a free port here
    return env;
  }

  /** The router container's arguments as the chart renders them, on free ports here. */
  @SuppressWarnings("unchecked")
  static List<String> routerArgs(List<Map<String, Object>> chart, int port) {
    List<String> args = new ArrayList<>();
    for (String arg : (List<String>) container(only(chart, "Deployment", "router")).get("args")) {
      if (arg.startsWith("--server.port=")) {
        args.add("--server.port=" + port);
      } else if (!arg.startsWith("--management.server.port=")) {
        args.add(arg);
      }
    }
    return args;
  }

  private static Lease lease(KubernetesClient admin) {
    return admin.leases().inNamespace(NAMESPACE).withName("region-router-operator").get();
  }

  private int status(String url) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private String body(String url) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
