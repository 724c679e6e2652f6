package dev.regionrouter.router.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * 1,000 concurrent requests while the preferred region is dead: none is lost (each fails over
 * inside its own request, the retry budget lets the burst through), and none starves (the router
 * keeps answering its own endpoints meanwhile). The per-try timeout is the production default's
 * order of magnitude: on a 2-core machine the burst itself takes longer than the other tests' 700
 * ms, and a healthy region slowed by a burst is not a failed one.
 */
@TestPropertySource(
    properties = {"router.proxy.try-timeout=15s", "router.proxy.request-timeout=60s"})
class FailoverBurstIT extends RouterIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestRegion fallback = new TestRegion("fallback", 0);

  @AfterEach
  void stopRegions() {
    fallback.close();
  }

  @Test
  void thousandConcurrentRequestsWithOneRegionDeadAllSucceedThroughFailover() throws Exception {
    String dead = fresh("dead");
    useRegions(
        region(dead, "http://127.0.0.1:" + deadPort(), 0, 0.1),
        region(fresh("alive"), fallback.endpoint(), 20, 0.2));
    int requests = 1_000;
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpClient callers =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(executor)
                .build()) {
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        answers.add(
            callers.sendAsync(
                HttpRequest.newBuilder(URI.create(url("/v1/inference")))
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"burst " + i + "\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      // while the burst is in flight, the router still answers its own endpoints
      assertThat(get("/health").statusCode()).isEqualTo(200);
      int ok = 0;
      List<String> failures = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> answer : answers) {
        HttpResponse<String> response = answer.get();
        if (response.statusCode() == 200) {
          ok++;
        } else if (failures.size() < 5) {
          failures.add(response.statusCode() + " " + response.body());
        }
      }
      assertThat(ok).as("failures: %s", failures).isEqualTo(requests);
    }
    assertThat(fallback.inferenceCalls()).isEqualTo(requests);
    JsonNode status = JSON.readTree(get("/regions/status").body()).path("regions");
    assertThat(status.path(dead).path("ejected").asBoolean()).isTrue();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(
                        JSON.readTree(get("/regions/status").body())
                            .path("regions")
                            .path(dead)
                            .path("in_flight")
                            .asInt())
                    .isZero());
  }
}
