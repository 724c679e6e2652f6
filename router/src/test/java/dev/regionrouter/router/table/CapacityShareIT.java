package dev.regionrouter.router.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.router.RouterApplication;
import dev.regionrouter.router.support.Calls;
import dev.regionrouter.router.support.TestRegion;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two router replicas against one API server (kubernetes-server-mock, CRUD mode): each counts the
 * ready replicas from the router Service's EndpointSlices and enforces its share of a region's
 * capacity, so together they stay within the declared limit; when a replica leaves the Service, the
 * other takes the whole limit again.
 */
class CapacityShareIT {

  private static final String NS = "inference";
  private static final String SERVICE = "region-router-router";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CALLER = HttpClient.newHttpClient();
  private static final Map<String, String> PROPERTIES =
      Map.of(
          "kubernetes.auth.tryKubeConfig", "false",
          "kubernetes.auth.tryServiceAccount", "false",
          "kubernetes.namespace", "default");
  private static final TestRegion PRIMARY = new TestRegion("primary", 0);
  private static final TestRegion SPILL = new TestRegion("spill", 0);
  private static KubernetesMockServer server;
  private static KubernetesClient kube;
  private static ConfigurableApplicationContext routerA;
  private static ConfigurableApplicationContext routerB;

  @BeforeAll
  static void start() {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(List.of()),
            false);
    server.init(java.net.InetAddress.getLoopbackAddress(), 0);
    kube = server.createClient();
    PROPERTIES.forEach(System::setProperty);
    System.setProperty("kubernetes.master", kube.getConfiguration().getMasterUrl());
    kube.configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("inference-regions")
                .withNamespace(NS)
                .endMetadata()
                .addToData(
                    "regions.json",
                    "{\"regions\":["
                        + region(
                            PRIMARY, 1, ",\"capacity\":{\"maxInFlight\":4,\"tokensPerMinute\":200}")
                        + ","
                        + region(SPILL, 2, "")
                        + "]}")
                .build())
        .create();
    kube.resource(slice(true)).create();
    routerA = router();
    routerB = router();
  }

  @AfterAll
  static void stop() {
    for (ConfigurableApplicationContext router :
        new ConfigurableApplicationContext[] {routerA, routerB}) {
      if (router != null) {
        router.close();
      }
    }
    PROPERTIES.keySet().forEach(System::clearProperty);
    System.clearProperty("kubernetes.master");
    kube.close();
    server.destroy();
    PRIMARY.close();
    SPILL.close();
  }

  private static ConfigurableApplicationContext router() {
    return new SpringApplicationBuilder(RouterApplication.class)
        .run(
            "--server.port=0",
            "--router.config-map=inference-regions",
            "--router.namespace=" + NS,
            "--router.capacity-share.service=" + SERVICE,
            "--router.probe.interval=1h");
  }

  private static String region(TestRegion region, int priority, String extra) {
    return "{\"name\":\""
        + region.name()
        + "\",\"endpoint\":\""
        + region.endpoint()
        + "\",\"costPer1kTokens\":0.3,\"priority\":"
        + priority
        + ",\"provider\":\"aws\""
        + extra
        + "}";
  }

  /** The router Service's slice: router-a ready, router-b ready or not. */
  private static EndpointSlice slice(boolean secondReady) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(SERVICE + "-x7k2p")
        .withNamespace(NS)
        .addToLabels(RouterReplicas.SERVICE_NAME_LABEL, SERVICE)
        .endMetadata()
        .withAddressType("IPv4")
        .withEndpoints(
            endpoint("router-a", "10.0.0.1", true), endpoint("router-b", "10.0.0.2", secondReady))
        .build();
  }

  private static io.fabric8.kubernetes.api.model.discovery.v1.Endpoint endpoint(
      String pod, String address, boolean ready) {
    return new EndpointBuilder()
        .withAddresses(address)
        .withNewConditions()
        .withReady(ready)
        .endConditions()
        .withNewTargetRef()
        .withKind("Pod")
        .withName(pod)
        .withNamespace(NS)
        .endTargetRef()
        .build();
  }

  private static int port(ConfigurableApplicationContext router) {
    return ((WebServerApplicationContext) router).getWebServer().getPort();
  }

  private static JsonNode primaryStatus(ConfigurableApplicationContext router) throws Exception {
    HttpResponse<String> status =
        Calls.send(
            CALLER,
            Calls.request("http://127.0.0.1:" + port(router) + "/regions/status").build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(status.body()).path("regions").path(PRIMARY.name());
  }

  /** A request of 80 tokens (max_tokens 80, a one-character prompt); the region that served it. */
  private static String infer(ConfigurableApplicationContext router) throws Exception {
    HttpResponse<String> response =
        Calls.send(
            CALLER,
            Calls.request("http://127.0.0.1:" + port(router) + "/v1/inference")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\",\"max_tokens\":80}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.headers().firstValue("X-Region-Router-Region").orElseThrow();
  }

  @Test
  void twoReplicasEachEnforceHalfTheCapacityAndOneAloneTheWhole() throws Exception {
    for (ConfigurableApplicationContext router : List.of(routerA, routerB)) {
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                JsonNode primary = primaryStatus(router);
                assertThat(primary.path("tokens_per_minute").asLong()).isEqualTo(100);
                assertThat(primary.path("max_in_flight").asInt()).isEqualTo(2);
              });
    }

    // 200 tokens a minute for the cluster: each replica sends one 80-token request, not two
    assertThat(infer(routerA)).isEqualTo(PRIMARY.name());
    assertThat(infer(routerA)).isEqualTo(SPILL.name());
    assertThat(infer(routerB)).isEqualTo(PRIMARY.name());
    assertThat(infer(routerB)).isEqualTo(SPILL.name());
    assertThat(PRIMARY.inferenceCalls()).isEqualTo(2);

    // router-b leaves the Service (not ready): router-a alone enforces the whole limit
    kube.resource(slice(false)).update();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(primaryStatus(routerA).path("tokens_per_minute").asLong())
                    .isEqualTo(200));
    assertThat(infer(routerA)).isEqualTo(PRIMARY.name());
    assertThat(infer(routerA)).isEqualTo(SPILL.name()); // 80 + 80 + 80 > 200
  }
}
