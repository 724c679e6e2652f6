package dev.regionrouter.router.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.router.support.Calls;
import dev.regionrouter.router.support.TestRegion;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The reference tutorial's scenario end to end: four regions at 50/60/80/100 ms, all priority 1.
 * The router picks ap-south-1; when ap-south-1 dies the very next request still succeeds (failover
 * inside the request) and traffic moves to me-south-1; when ap-south-1 returns, it wins its traffic
 * back without a restart.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "router.probe.interval=100ms",
      "router.probe.timeout=400ms",
      "router.probe.jitter=0",
      // the default smoothing: 10 ms separate the regions, and the latency estimate itself (the
      // minimum of the last probes, smoothed) keeps delayed probes on a busy machine from
      // reordering them
      "router.proxy.try-timeout=1s"
    })
@ExtendWith(OutputCaptureExtension.class)
class ReferenceScenarioIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CALLER = HttpClient.newHttpClient();
  private static final TestRegion US_EAST = new TestRegion("us-east-1", 100);
  private static final TestRegion ME_SOUTH = new TestRegion("me-south-1", 60);
  private static final TestRegion AP_SOUTH = new TestRegion("ap-south-1", 50);
  private static final TestRegion BRAZIL = new TestRegion("brazilsouth", 80);

  @LocalServerPort int port;

  @DynamicPropertySource
  static void table(DynamicPropertyRegistry registry) throws IOException {
    Path file = Files.createTempFile("reference", ".yaml");
    StringBuilder yaml = new StringBuilder("regions:\n");
    // the reference tutorial's exact values
    List.of(
            new Object[] {AP_SOUTH, 0.32, 1, "aws"},
            new Object[] {BRAZIL, 0.38, 2, "azure"},
            new Object[] {ME_SOUTH, 0.35, 1, "aws"},
            new Object[] {US_EAST, 0.50, 3, "aws"})
        .forEach(
            r -> {
              TestRegion region = (TestRegion) r[0];
              yaml.append("  - {name: ")
                  .append(region.name())
                  .append(", endpoint: '")
                  .append(region.endpoint())
                  .append("', costPer1kTokens: ")
                  .append(r[1])
                  .append(", priority: ")
                  .append(r[2])
                  .append(", provider: ")
                  .append(r[3])
                  .append("}\n");
            });
    Files.writeString(file, yaml);
    registry.add("router.regions-file", file::toString);
  }

  @AfterAll
  static void stopRegions() {
    List.of(US_EAST, ME_SOUTH, AP_SOUTH, BRAZIL).forEach(TestRegion::close);
  }

  private JsonNode infer() throws Exception {
    HttpResponse<String> response =
        Calls.send(
            CALLER,
            Calls.request("http://127.0.0.1:" + port + "/v1/inference")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"prompt\":\"Explain quantum computing\",\"max_tokens\":100}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private JsonNode status() throws Exception {
    return JSON.readTree(
        Calls.send(
                CALLER,
                Calls.request("http://127.0.0.1:" + port + "/regions/status").build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  @Test
  void logsTheTutorialsSelectedRegionLine(CapturedOutput output) throws Exception {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(infer().path("metadata").path("region").asText())
                    .isEqualTo("ap-south-1"));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(output.getOut())
                    .containsPattern(
                        "Selected region: ap-south-1 \\(latency: \\d+ms, cost: \\$0\\.32/1k tokens\\)"));
  }

  @Test
  void picksApSouthThenFailsOverToMeSouthThenWinsTrafficBack() throws Exception {
    // probes have measured every region
    // the reference tutorial's shape: latency_cache and failure_count, each keyed by region
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonNode latencyCache = status().path("latency_cache");
              assertThat(latencyCache.size()).isEqualTo(4);
              latencyCache.forEach(seconds -> assertThat(seconds.isNumber()).isTrue());
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(infer().path("metadata").path("region").asText())
                    .isEqualTo("ap-south-1"));
    JsonNode status = status();
    assertThat(status.path("failure_count").path("ap-south-1").asInt()).isZero();
    assertThat(status.path("failure_count").size()).isEqualTo(4);
    JsonNode regions = status.path("regions");
    assertThat(regions.path("ap-south-1").path("healthy").asBoolean()).isTrue();
    assertThat(regions.path("ap-south-1").path("score").asDouble())
        .isLessThan(regions.path("me-south-1").path("score").asDouble());

    AP_SOUTH.stop();
    // the very first request after the region died succeeds, inside the same call
    JsonNode before = status();
    JsonNode first = infer();
    assertThat(first.path("metadata").path("region").asText())
        .as(first + " / " + before + " / " + status())
        .isEqualTo("me-south-1");
    assertThat(first.path("result").asText())
        .startsWith("Mock response from me-south-1: Explain quantum computing");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(status().path("regions").path("ap-south-1").path("healthy").asBoolean())
                    .isFalse());
    JsonNode after = infer();
    assertThat(after.path("metadata").path("region").asText())
        .as(after + " / " + status())
        .isEqualTo("me-south-1");
    assertThat(after.path("metadata").path("attempts").asInt()).isEqualTo(1);

    AP_SOUTH.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(infer().path("metadata").path("region").asText())
                    .isEqualTo("ap-south-1"));
  }
}
