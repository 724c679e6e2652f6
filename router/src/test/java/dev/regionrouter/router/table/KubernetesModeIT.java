package dev.regionrouter.router.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.router.support.Calls;
import dev.regionrouter.router.support.TestRegion;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
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
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Kubernetes mode against kubernetes-server-mock in CRUD mode: the router finds the API server by
 * the standard client configuration (here system properties, as KUBECONFIG would), watches the
 * ConfigMap and the Secrets its table names.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "router.config-map=inference-regions",
      "router.namespace=team-a",
      "router.probe.interval=1h"
    })
class KubernetesModeIT {

  private static final String NS = "team-a";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CALLER = HttpClient.newHttpClient();
  private static final Map<String, String> PROPERTIES =
      Map.of(
          "kubernetes.auth.tryKubeConfig", "false",
          "kubernetes.auth.tryServiceAccount", "false",
          "kubernetes.trust.certificates", "true",
          "kubernetes.namespace", "default");
  private static KubernetesMockServer server;
  private static KubernetesClient kube;
  private static final TestRegion REGION = new TestRegion("kube-region", 0);

  @LocalServerPort int port;

  @DynamicPropertySource
  static void apiServer(DynamicPropertyRegistry registry) { // runs before the application starts
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
  }

  @AfterAll
  static void stop() {
    PROPERTIES.keySet().forEach(System::clearProperty);
    System.clearProperty("kubernetes.master");
    kube.close();
    server.destroy();
    REGION.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return Calls.send(
        CALLER,
        Calls.request("http://127.0.0.1:" + port + path).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode table() throws Exception {
    return JSON.readTree(get("/regions/table").body());
  }

  private static ConfigMap configMap(String document) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName("inference-regions")
        .withNamespace(NS)
        .endMetadata()
        .addToData("regions.json", document)
        .build();
  }

  private static String region(String name, String extra) {
    return "{\"name\":\""
        + name
        + "\",\"endpoint\":\""
        + REGION.endpoint()
        + "\",\"costPer1kTokens\":0.3,\"priority\":1,\"provider\":\"aws\""
        + extra
        + "}";
  }

  @Test
  void followsTheConfigMapThroughCreateChangeBreakAndDelete() throws Exception {
    // a first install: no ConfigMap yet (no region declared). The router is ready (so an install
    // that waits for it completes) and says why it serves nothing
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get("/actuator/health/readiness").statusCode() == 200);
    assertThat(table().path("source").asText()).isEqualTo("configmap:team-a/inference-regions");
    HttpResponse<String> none =
        Calls.send(
            CALLER,
            Calls.request("http://127.0.0.1:" + port + "/v1/inference")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(none.statusCode()).isEqualTo(503);
    assertThat(none.headers().firstValue("Retry-After")).isPresent();
    assertThat(JSON.readTree(none.body()).path("error").path("code").asText())
        .isEqualTo("no_regions_configured");
    assertThat(JSON.readTree(none.body()).path("error").path("message").asText())
        .contains("configmap:team-a/inference-regions")
        .contains("InferenceRegions");

    kube.configMaps()
        .inNamespace(NS)
        .resource(configMap("{\"regions\":[" + region("alpha", "") + "]}"))
        .create();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> table().path("regions").toString().equals("[\"alpha\"]"));
    assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);

    kube.configMaps()
        .inNamespace(NS)
        .resource(
            configMap("{\"regions\":[" + region("alpha", "") + "," + region("beta", "") + "]}"))
        .update();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> table().path("regions").toString().equals("[\"alpha\",\"beta\"]"));

    kube.configMaps().inNamespace(NS).resource(configMap("{\"regions\": [")).update();
    await().atMost(Duration.ofSeconds(10)).until(() -> table().path("rejected").asInt() == 1);
    assertThat(table().path("last_error").asText()).contains("not valid JSON");
    assertThat(table().path("regions").toString()).isEqualTo("[\"alpha\",\"beta\"]");

    kube.configMaps().inNamespace(NS).withName("inference-regions").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> table().path("source_missing").asBoolean());
    assertThat(table().path("regions").toString()).isEqualTo("[\"alpha\",\"beta\"]");
    assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);

    // the region's token comes from the Secret the table names, read through the API
    kube.configMaps()
        .inNamespace(NS)
        .resource(
            configMap(
                "{\"regions\":["
                    + region(
                        "gamma",
                        ",\"credentialsSecretRef\":{\"name\":\"gamma-token\",\"key\":\"token\"}")
                    + "]}"))
        .create();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> table().path("regions").toString().equals("[\"gamma\"]"));
    assertThat(table().path("source_missing").asBoolean()).isFalse();
    kube.secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("gamma-token")
                .withNamespace(NS)
                .endMetadata()
                .addToStringData("token", "from-the-api")
                .build())
        .create();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              HttpResponse<String> response =
                  Calls.send(
                      CALLER,
                      Calls.request("http://127.0.0.1:" + port + "/v1/inference")
                          .header("Content-Type", "application/json")
                          .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
              assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            });
    assertThat(REGION.requestHeaders().get(REGION.requestHeaders().size() - 1).get("Authorization"))
        .containsExactly("Bearer from-the-api");
  }
}
