package dev.regionrouter.router.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Models per region (InferenceRegion spec.models): the router sends a model only to the regions
 * that serve it, names it as each region does, says which model served; and probes the way real
 * providers accept (spec.healthPath with spec.probe.method, the region's token when
 * spec.probe.sendCredentials).
 */
class ModelsIT extends RouterIT {

  private final TestRegion azure = new TestRegion("azure", 0);
  private final TestRegion mini = new TestRegion("mini", 0);

  @AfterEach
  void stop() {
    azure.close();
    mini.close();
  }

  private HttpResponse<String> chat(String model) throws IOException, InterruptedException {
    return post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[]}");
  }

  private String[] useModelRegions() throws IOException {
    azure.onOther(ex -> TestRegion.send(ex, 200, "application/json", "{\"id\":\"azure\"}"));
    mini.onOther(ex -> TestRegion.send(ex, 200, "application/json", "{\"id\":\"mini\"}"));
    String first = fresh("azure");
    String second = fresh("mini");
    useRegions(
        region(first, azure.endpoint(), 1, 0.1, "models: {gpt-4o: gpt-4o-2024-08-06-deployment}"),
        region(
            second,
            mini.endpoint(),
            2,
            0.1,
            "models: {gpt-4o-mini: mini-deployment, gpt-4o: gpt-4o}"));
    return new String[] {first, second};
  }

  @Test
  void aModelGoesToTheRegionThatServesItUnderTheRegionsName() throws Exception {
    String[] names = useModelRegions();

    HttpResponse<String> big = chat("gpt-4o");
    assertThat(big.headers().firstValue("X-Region-Router-Region")).contains(names[0]);
    assertThat(big.headers().firstValue("X-Region-Router-Model"))
        .contains("gpt-4o-2024-08-06-deployment");
    assertThat(azure.requestBodies().get(0))
        .isEqualTo("{\"model\":\"gpt-4o-2024-08-06-deployment\",\"messages\":[]}");

    HttpResponse<String> small = chat("gpt-4o-mini");
    assertThat(small.headers().firstValue("X-Region-Router-Region"))
        .as("the first region serves no gpt-4o-mini")
        .contains(names[1]);
    assertThat(small.headers().firstValue("X-Region-Router-Model")).contains("mini-deployment");
    assertThat(mini.requestBodies().get(0)).contains("\"model\":\"mini-deployment\"");
  }

  @Test
  void aModelNoRegionServesIs503NamingTheModel() throws Exception {
    useModelRegions();

    HttpResponse<String> response = chat("o1");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(json(response).path("error").path("code").asText()).isEqualTo("no_region_matches");
    assertThat(json(response).path("error").path("message").asText()).contains("model=o1");
    assertThat(azure.requestBodies()).isEmpty();
  }

  @Test
  void inferenceWithAModelReportsTheModelThatServed() throws Exception {
    azure.onInference(
        ex ->
            TestRegion.send(ex, 200, "application/json", "{\"output\":\"ok\",\"tokens_used\":3}"));
    String name = fresh("azure");
    useRegions(
        region(name, azure.endpoint(), 1, 0.1, "models: {gpt-4o: gpt-4o-2024-08-06-deployment}"));

    HttpResponse<String> response = inference("{\"prompt\":\"hi\",\"model\":\"gpt-4o\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).path("metadata").path("model").asText())
        .isEqualTo("gpt-4o-2024-08-06-deployment");
    assertThat(response.headers().firstValue("X-Region-Router-Model"))
        .contains("gpt-4o-2024-08-06-deployment");
    assertThat(azure.requestBodies().get(0)).contains("\"model\":\"gpt-4o-2024-08-06-deployment\"");
  }

  @Test
  void regionsWithoutModelsServeAnyModelUnchanged() throws Exception {
    azure.onOther(ex -> TestRegion.send(ex, 200, "application/json", "{\"id\":\"azure\"}"));
    useRegions(region(fresh("plain"), azure.endpoint(), 1, 0.1));

    HttpResponse<String> response = chat("anything");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Region-Router-Model")).contains("anything");
    assertThat(azure.requestBodies().get(0)).isEqualTo("{\"model\":\"anything\",\"messages\":[]}");
  }

  @Test
  void probesUseTheRegionsMethodPathAndTokenWhenAsked() throws Exception {
    List<String> probes = new CopyOnWriteArrayList<>();
    azure.onOther(
        ex -> {
          probes.add(
              ex.getRequestMethod()
                  + " "
                  + ex.getRequestURI().getPath()
                  + " "
                  + ex.getRequestHeaders().getFirst("Authorization"));
          TestRegion.send(
              ex, ex.getRequestMethod().equals("HEAD") ? 200 : 405, "application/json", "");
        });
    Files.createDirectories(CREDENTIALS.resolve("azure-key"));
    Files.writeString(CREDENTIALS.resolve("azure-key").resolve("token"), "k3y\n");
    String name = fresh("azure");
    useRegions(
        region(
            name,
            azure.endpoint(),
            1,
            0.1,
            "healthPath: /v1/models",
            "credentialsSecretRef: {name: azure-key}",
            "probe: {method: HEAD, sendCredentials: true}"));

    await().atMost(Duration.ofSeconds(5)).until(() -> !probes.isEmpty());
    assertThat(probes.get(0)).isEqualTo("HEAD /v1/models Bearer k3y");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> json(get("/regions/status")).path("latency_cache").path(name).isNumber());
  }
}
