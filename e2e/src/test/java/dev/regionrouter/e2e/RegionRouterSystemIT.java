package dev.regionrouter.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.regionrouter.api.table.RoutingTable;
import dev.regionrouter.api.table.RoutingTableCodec;
import dev.regionrouter.api.v1alpha1.Conditions;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.mockregion.MockRegion;
import dev.regionrouter.mockregion.config.Mode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole system in one run, as it runs in production: fabric8's CRUD mock as the Kubernetes API,
 * operator.jar and router.jar as processes against it (the router in Kubernetes mode, watching the
 * ConfigMap), four mock regions on real local ports, and the example InferenceRegions applied. The
 * steps build on each other, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegionRouterSystemIT {

  static final String NAMESPACE = "inference";
  static final Map<String, Long> LATENCY_MS =
      Map.of("us-east-1", 100L, "me-south-1", 60L, "ap-south-1", 50L, "brazilsouth", 80L);

  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  final Map<String, MockRegion> regions = new LinkedHashMap<>();
  DevApiServer api;
  KubernetesClient kube;
  JarProcess operator;
  JarProcess router;
  int routerPort;
  int operatorPort;

  /** Every metric name the router exported at some point of the run (a drained region's go). */
  final java.util.Set<String> routerMetrics = new java.util.TreeSet<>();

  @BeforeAll
  void startTheSystem() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    api = DevApiServer.start(0, root.resolve("crds/" + InferenceRegion.CRD_NAME + ".yaml"));
    kube = api.client();
    kube.namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    Path kubeconfig = api.writeKubeconfig(Path.of("target/e2e-kubeconfig"), NAMESPACE);

    LATENCY_MS.forEach(
        (name, latency) -> {
          MockRegion region =
              MockRegion.builder(name).port(0).latencyMs(latency).inferenceDelayMs(5).build();
          region.start();
          regions.put(name, region);
        });

    operatorPort = JarProcess.freePort();
    operator =
        JarProcess.start(
            "operator",
            root.resolve("operator/target/operator.jar"),
            Map.of(
                "KUBECONFIG",
                kubeconfig.toString(),
                "WATCH_NAMESPACES",
                NAMESPACE,
                "LEADER_ELECTION",
                "false",
                "OPERATOR_HTTP_PORT",
                String.valueOf(operatorPort),
                "OPERATOR_PROBE_INTERVAL_SECONDS",
                "1"));
    routerPort = JarProcess.freePort();
    router =
        JarProcess.start(
            "router",
            root.resolve("router/target/router.jar"),
            Map.of("KUBECONFIG", kubeconfig.toString()),
            "--server.port=" + routerPort,
            "--router.config-map=" + RoutingTableCodec.CONFIG_MAP_NAME,
            "--router.namespace=" + NAMESPACE,
            "--router.probe.interval=500ms",
            "--router.probe.timeout=400ms");
    await("operator ready")
        .atMost(60, SECONDS)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () ->
                assertThat(status("http://127.0.0.1:" + operatorPort + "/readyz"))
                    .as(operator::logTail)
                    .isEqualTo(200));
    await("router live")
        .atMost(60, SECONDS)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () ->
                assertThat(status(routerUrl("/actuator/health/liveness")))
                    .as(router::logTail)
                    .isEqualTo(200));
  }

  @AfterAll
  void stopTheSystem() {
    if (router != null) {
      router.close();
    }
    if (operator != null) {
      operator.close();
    }
    regions.values().forEach(MockRegion::stop);
    if (kube != null) {
      kube.close();
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  @Order(1)
  void exampleRegionsBecomeTheRoutingTableAndReadyRegions() throws IOException {
    for (Map<String, Object> example : examples()) {
      InferenceRegion region = json.convertValue(example, InferenceRegion.class);
      String name = region.getMetadata().getName();
      // The examples point at the demo's fixed ports; here the regions listen on free ones.
      region.getSpec().setEndpoint(regions.get(name).baseUri().toString().replaceAll("/$", ""));
      region.getMetadata().setNamespace(NAMESPACE);
      kube.resource(region).create();
    }

    await("ConfigMap lists the four regions")
        .atMost(30, SECONDS)
        .untilAsserted(
            () ->
                assertThat(table().regions())
                    .extracting(r -> r.name())
                    .containsExactly("ap-south-1", "brazilsouth", "me-south-1", "us-east-1"));
    await("every region Ready (in effect) and Healthy with a latency")
        .atMost(60, SECONDS)
        .untilAsserted(
            () -> {
              for (InferenceRegion region :
                  kube.resources(InferenceRegion.class).inNamespace(NAMESPACE).list().getItems()) {
                assertThat(region.isReady())
                    .as("%s ready: %s", region.getMetadata().getName(), region.getStatus())
                    .isTrue();
                // Ready does not wait for the probe: Healthy and the latency come with it
                assertThat(region.getStatus().condition(Conditions.HEALTHY))
                    .as("%s healthy: %s", region.getMetadata().getName(), region.getStatus())
                    .hasValueSatisfying(c -> assertThat(c.isTrue()).isTrue());
                assertThat(region.getStatus().getProbe().getLatencyMs())
                    .as("%s latency", region.getMetadata().getName())
                    .isGreaterThanOrEqualTo(LATENCY_MS.get(region.getMetadata().getName()));
              }
            });
    await("router ready with the table")
        .atMost(30, SECONDS)
        .untilAsserted(
            () -> assertThat(status(routerUrl("/actuator/health/readiness"))).isEqualTo(200));
  }

  @Test
  @Order(2)
  void routerSendsRequestsToTheFastestRegion() {
    await("ap-south-1 chosen once probes have measured latencies")
        .atMost(30, SECONDS)
        .untilAsserted(
            () ->
                assertThat(infer().path("metadata").path("region").asText())
                    .isEqualTo("ap-south-1"));
    await("the router has measured every region")
        .atMost(30, SECONDS)
        .untilAsserted(
            () -> {
              JsonNode status = routerStatus();
              LATENCY_MS.forEach(
                  (name, latencyMs) ->
                      assertThat(status.path(name).path("latency_cache").asDouble())
                          .as("%s latency_cache in seconds: %s", name, status.path(name))
                          .isGreaterThanOrEqualTo(latencyMs / 1000.0));
            });
    JsonNode answer = infer();
    assertThat(answer.path("result").asText())
        .startsWith("Mock response from ap-south-1: Explain quantum computing");
    assertThat(answer.path("metadata").path("provider").asText()).isEqualTo("aws");
    assertThat(answer.path("metadata").path("cost_per_1k").asDouble()).isEqualTo(0.32);
  }

  @Test
  @Order(3)
  void regionGoingDownUnderSteadyTrafficLosesNoRequestAndTrafficReturnsWhenItRecovers()
      throws Exception {
    try (TrafficLoop traffic = TrafficLoop.start(http, routerUrl("/v1/inference"), 4)) {
      await().atMost(10, SECONDS).until(() -> traffic.countTo("ap-south-1") > 20);

      regions.get("ap-south-1").settings().mode(Mode.DOWN);
      long downAt = traffic.total();
      await("traffic leaves ap-south-1 for me-south-1")
          .atMost(20, SECONDS)
          .until(() -> traffic.lastRegions(20).stream().allMatch("me-south-1"::equals));

      // an outage shorter than a probe interval ends only with its ejection (30 s, as Envoy's
      // outlier detection); one the probes saw ends as soon as they see the region again
      await("the router's probes see ap-south-1 down")
          .atMost(20, SECONDS)
          .untilAsserted(
              () ->
                  assertThat(
                          routerStatus().path("ap-south-1").path("probe_healthy").asBoolean(true))
                      .isFalse());
      regions.get("ap-south-1").settings().mode(Mode.OK);
      await("traffic returns to ap-south-1")
          .atMost(30, SECONDS)
          .until(() -> traffic.lastRegions(20).stream().allMatch("ap-south-1"::equals));

      assertThat(traffic.total()).isGreaterThan(downAt + 40);
      assertThat(traffic.failures()).as("failed requests: %s", traffic.failureSamples()).isZero();
    }
    routerMetrics.addAll(PromQlNames.exported(get(routerUrl("/actuator/prometheus"))));
  }

  @Test
  @Order(4)
  void priorityAndCostPatchesChangeTheRoutersChoiceWithinSeconds() {
    patchSpec("me-south-1", "{\"spec\":{\"priority\":0}}");
    await("router follows the priority patch")
        .atMost(15, SECONDS)
        .untilAsserted(
            () ->
                assertThat(infer().path("metadata").path("region").asText())
                    .isEqualTo("me-south-1"));

    patchSpec("me-south-1", "{\"spec\":{\"costPer1kTokens\":0.21}}");
    await("router follows the cost patch")
        .atMost(15, SECONDS)
        .untilAsserted(
            () ->
                assertThat(infer().path("metadata").path("cost_per_1k").asDouble())
                    .isEqualTo(0.21));

    patchSpec("me-south-1", "{\"spec\":{\"priority\":1}}");
    await("back to ap-south-1")
        .atMost(15, SECONDS)
        .untilAsserted(
            () ->
                assertThat(infer().path("metadata").path("region").asText())
                    .isEqualTo("ap-south-1"));
  }

  @Test
  @Order(5)
  void drainedRegionGetsNoMoreTraffic() throws Exception {
    patchSpec("ap-south-1", "{\"spec\":{\"drain\":true}}");
    await("ap-south-1 leaves the table")
        .atMost(15, SECONDS)
        .untilAsserted(() -> assertThat(table().region("ap-south-1")).isNull());
    await("router stops using it")
        .atMost(15, SECONDS)
        .untilAsserted(
            () ->
                assertThat(infer().path("metadata").path("region").asText())
                    .isEqualTo("me-south-1"));
    try (TrafficLoop traffic = TrafficLoop.start(http, routerUrl("/v1/inference"), 2)) {
      await().atMost(10, SECONDS).until(() -> traffic.total() > 30);
      assertThat(traffic.countTo("ap-south-1")).isZero();
      assertThat(traffic.failures()).isZero();
    }
    InferenceRegion drained =
        kube.resources(InferenceRegion.class).inNamespace(NAMESPACE).withName("ap-south-1").get();
    assertThat(drained.getStatus().condition(Conditions.PUBLISHED))
        .get()
        .satisfies(c -> assertThat(c.getReason()).isEqualTo(Conditions.Reasons.DRAINED));
  }

  @Test
  @Order(6)
  void deletedRegionLeavesTheTableAndTheRouter() {
    kube.resources(InferenceRegion.class).inNamespace(NAMESPACE).withName("brazilsouth").delete();
    await("brazilsouth leaves the table")
        .atMost(15, SECONDS)
        .untilAsserted(() -> assertThat(table().region("brazilsouth")).isNull());
    await("and the router")
        .atMost(15, SECONDS)
        .untilAsserted(
            () -> {
              JsonNode status = routerStatus();
              assertThat(status.has("me-south-1")).as("router status %s", status).isTrue();
              assertThat(status.has("brazilsouth")).as("router status %s", status).isFalse();
            });
  }

  @Test
  @Order(7)
  void invalidRegionIsReportedOnItsStatusAndTheOthersKeepWorking() {
    // The mock API server does not validate against the CRD: this is what "slips past" looks like.
    InferenceRegion invalid =
        new InferenceRegion(
            NAMESPACE,
            "broken-1",
            new dev.regionrouter.api.v1alpha1.InferenceRegionSpec(
                "ftp://nowhere.example", -1.0, 1, "aws"));
    kube.resource(invalid).create();
    await("invalid spec reported")
        .atMost(20, SECONDS)
        .untilAsserted(
            () -> {
              InferenceRegion seen =
                  kube.resources(InferenceRegion.class)
                      .inNamespace(NAMESPACE)
                      .withName("broken-1")
                      .get();
              assertThat(seen.getStatus()).isNotNull();
              assertThat(seen.getStatus().condition(Conditions.ACCEPTED))
                  .get()
                  .satisfies(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getReason()).isEqualTo(Conditions.Reasons.INVALID_SPEC);
                        assertThat(c.getMessage()).contains("endpoint").contains("costPer1kTokens");
                      });
              assertThat(seen.isReady()).isFalse();
            });
    assertThat(table().region("broken-1")).isNull();
    assertThat(infer().path("metadata").path("region").asText()).isEqualTo("me-south-1");
    assertThat(operator.alive()).isTrue();
    assertThat(router.alive()).isTrue();
  }

  // --- helpers -------------------------------------------------------------------------------

  RoutingTable table() {
    ConfigMap cm =
        kube.configMaps().inNamespace(NAMESPACE).withName(RoutingTableCodec.CONFIG_MAP_NAME).get();
    assertThat(cm).as("ConfigMap %s", RoutingTableCodec.CONFIG_MAP_NAME).isNotNull();
    return RoutingTableCodec.readJson(cm.getData().get(RoutingTableCodec.CONFIG_MAP_KEY));
  }

  @Test
  @Order(8)
  void dashboardAndAlertsReadOnlyMetricsTheSystemExportsAndDeletedRegionsLeaveNoSeries()
      throws Exception {
    Path chart = Path.of("").toAbsolutePath().getParent().resolve("helm/region-router/files");
    String routerScrape = get(routerUrl("/actuator/prometheus"));
    String operatorScrape = get("http://127.0.0.1:" + operatorPort + "/metrics");
    routerMetrics.addAll(PromQlNames.exported(routerScrape));
    java.util.Set<String> operatorMetrics = PromQlNames.exported(operatorScrape);
    java.util.Set<String> read = new java.util.TreeSet<>();
    read.addAll(PromQlNames.inDashboard(chart.resolve("grafana-dashboard.json")));
    read.addAll(PromQlNames.inRules(chart.resolve("prometheus-rules.yaml")));
    assertThat(read).hasSizeGreaterThan(10);
    for (String name : read) {
      if (name.startsWith("regionrouter_router_")) {
        assertThat(routerMetrics).as("the router exports %s", name).contains(name);
      } else {
        assertThat(name).as("a metric of ours").startsWith("regionrouter_operator_");
        assertThat(operatorMetrics).as("the operator exports %s", name).contains(name);
      }
    }
    // brazilsouth was deleted (step 6): neither the router nor the operator keeps a series of it
    assertThat(routerScrape).doesNotContain("brazilsouth").contains("region=\"me-south-1\"");
    assertThat(operatorScrape)
        .doesNotContain("brazilsouth")
        .contains("regionrouter_operator_region_ready{region=\"me-south-1\"");
  }

  String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return response.body();
  }

  void patchSpec(String name, String mergePatch) {
    kube.resources(InferenceRegion.class)
        .inNamespace(NAMESPACE)
        .withName(name)
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            mergePatch);
  }

  JsonNode infer() {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(routerUrl("/v1/inference")))
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofSeconds(10))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"prompt\": \"Explain quantum computing\", \"max_tokens\": 100}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return json.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Per region, as /regions/status shows it under "regions". */
  JsonNode routerStatus() throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(routerUrl("/regions/status")))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return json.readTree(response.body()).path("regions");
  }

  int status(String url) {
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

  String routerUrl(String path) {
    return "http://127.0.0.1:" + routerPort + path;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> examples() throws IOException {
    Path file = Path.of("").toAbsolutePath().getParent().resolve("examples/inferenceregions.yaml");
    YAMLMapper yaml = new YAMLMapper();
    List<Map<String, Object>> objects = new ArrayList<>();
    try (var parser = yaml.getFactory().createParser(Files.newInputStream(file))) {
      yaml.readValues(parser, Map.class)
          .forEachRemaining(o -> Optional.ofNullable(o).ifPresent(m -> objects.add(m)));
    }
    return objects;
  }
}
