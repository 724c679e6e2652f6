package dev.regionrouter.router.table;

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
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * File mode from the start: not ready without a table, ready with the first good one, a broken
 * document never replaces the last good table (counted, shown), edits in place and replacement by
 * rename are both seen, and a deleted file keeps the last table in use.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"router.table.file-poll-interval=50ms", "router.probe.interval=1h"})
class TableReloadIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CALLER = HttpClient.newHttpClient();
  private static final TestRegion REGION = new TestRegion("one", 0);
  private static Path file;

  @LocalServerPort int port;

  @DynamicPropertySource
  static void table(DynamicPropertyRegistry registry) throws IOException {
    file = Files.createTempDirectory("reload").resolve("regions.json");
    registry.add("router.regions-file", file::toString);
  }

  @AfterAll
  static void stop() {
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

  private static String document(String... names) {
    StringBuilder json = new StringBuilder("{\"regions\":[");
    for (int i = 0; i < names.length; i++) {
      json.append(i == 0 ? "" : ",")
          .append("{\"name\":\"")
          .append(names[i])
          .append("\",\"endpoint\":\"")
          .append(REGION.endpoint())
          .append("\",\"costPer1kTokens\":0.3,\"priority\":1,\"provider\":\"aws\"}");
    }
    return json.append("]}").toString();
  }

  private static void replaceByRename(String content) throws IOException {
    Path next = file.resolveSibling("next.json");
    Files.writeString(next, content);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void followsTheFileAndKeepsTheLastGoodTable() throws Exception {
    assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(503);
    assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    HttpResponse<String> early =
        Calls.send(
            CALLER,
            Calls.request("http://127.0.0.1:" + port + "/v1/inference")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(early.statusCode()).isEqualTo(503);
    assertThat(early.headers().firstValue("Retry-After")).isPresent();
    assertThat(JSON.readTree(early.body()).path("error").path("code").asText())
        .isEqualTo("no_routing_table");

    replaceByRename(document("alpha"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get("/actuator/health/readiness").statusCode() == 200);
    assertThat(table().path("regions").toString()).isEqualTo("[\"alpha\"]");

    // broken: rejected, counted, shown; the last good table still serves and readiness stays up
    Files.writeString(file, "{\"regions\":[{\"name\":\"Bad Name\"}]}");
    await().atMost(Duration.ofSeconds(10)).until(() -> table().path("rejected").asInt() == 1);
    assertThat(table().path("last_error").asText()).contains("Bad Name");
    assertThat(table().path("regions").toString()).isEqualTo("[\"alpha\"]");
    assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
    assertThat(get("/actuator/prometheus").body())
        .contains("regionrouter_router_routing_table_rejected_total");
    assertThat(get("/regions/status").body()).contains("\"alpha\"");

    // edited in place
    Files.writeString(file, document("alpha", "beta"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> table().path("regions").toString().equals("[\"alpha\",\"beta\"]"));

    // replaced by rename
    replaceByRename(document("gamma"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> table().path("regions").toString().equals("[\"gamma\"]"));

    // deleted: keep serving the last good table, say the source is gone
    Files.delete(file);
    await().atMost(Duration.ofSeconds(10)).until(() -> table().path("source_missing").asBoolean());
    assertThat(table().path("regions").toString()).isEqualTo("[\"gamma\"]");
    assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);

    replaceByRename(document("delta"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> table().path("regions").toString().equals("[\"delta\"]"));
    assertThat(table().path("source_missing").asBoolean()).isFalse();
  }
}
