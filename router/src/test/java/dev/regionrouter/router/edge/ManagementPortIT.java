package dev.regionrouter.router.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.router.support.Calls;
import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.TestPropertySource;

/**
 * A management port of its own (as the chart deploys the router): the admin endpoints and the
 * actuator are served there and nowhere else, the data-plane port serves only /v1/** and /health.
 */
@TestPropertySource(properties = "management.server.port=0")
class ManagementPortIT extends RouterIT {

  private static final String[] ADMIN_PATHS = {
    "/regions/status",
    "/regions/table",
    "/regions/decision",
    "/ui",
    "/actuator/health",
    "/actuator/health/readiness",
    "/actuator/health/liveness",
    "/actuator/prometheus"
  };

  @LocalManagementPort int managementPort;

  private final TestRegion region = new TestRegion("r", 0);
  private String name;

  @BeforeEach
  void table() throws Exception {
    name = fresh("managed");
    useRegions(region(name, region.endpoint(), 1, 0.1));
  }

  @AfterEach
  void stop() {
    region.close();
  }

  private HttpResponse<String> managementGet(String path) throws Exception {
    return Calls.send(
        CALLER,
        Calls.request("http://127.0.0.1:" + managementPort + path).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theTwoPortsDiffer() {
    assertThat(managementPort).isPositive().isNotEqualTo(port);
  }

  @Test
  void adminPathsAreNotFoundOnTheDataPort() throws Exception {
    for (String path : ADMIN_PATHS) {
      assertThat(get(path).statusCode()).as(path).isEqualTo(404);
    }
  }

  @Test
  void adminPathsAreServedOnTheManagementPort() throws Exception {
    for (String path : ADMIN_PATHS) {
      HttpResponse<String> response = managementGet(path);
      assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    }
    assertThat(json(managementGet("/regions/status")).path("latency_cache").has(name)).isTrue();
    assertThat(json(managementGet("/regions/table")).path("regions").toString()).contains(name);
    assertThat(managementGet("/actuator/prometheus").body()).contains("jvm_memory_used_bytes");
    assertThat(managementGet("/ui").body()).contains("data-region=\"" + name + "\"");
  }

  @Test
  void theDataPortServesInferenceAndHealth() throws Exception {
    HttpResponse<String> answer = inference("{\"prompt\": \"hello\"}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(json(answer).path("metadata").path("region").asText()).isEqualTo(name);
    assertThat(json(get("/health")).path("status").asText()).isEqualTo("healthy");
  }

  @Test
  void theManagementPortServesNoInference() throws Exception {
    HttpResponse<String> answer =
        Calls.send(
            CALLER,
            Calls.request("http://127.0.0.1:" + managementPort + "/v1/inference")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"hello\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(404);
    assertThat(region.inferenceCalls()).isZero();
  }
}
