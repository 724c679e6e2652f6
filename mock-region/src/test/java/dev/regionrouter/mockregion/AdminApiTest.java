package dev.regionrouter.mockregion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.mockregion.config.DelayRange;
import dev.regionrouter.mockregion.config.Mode;
import java.io.IOException;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /admin/config} and {@code /admin/stats}: how the demo and tests steer a running region.
 */
class AdminApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private MockRegion region;
  private TestHttp http;

  @BeforeEach
  void start() {
    region = MockRegion.builder("ap-south-1").latencyMs(50).build();
    region.start();
    http = new TestHttp(region);
  }

  @AfterEach
  void stop() {
    region.stop();
  }

  @Test
  void configShowsTheCurrentSettings() throws IOException {
    JsonNode config = JSON.readTree(http.get("/admin/config").body());

    assertThat(config.path("region").asText()).isEqualTo("ap-south-1");
    assertThat(config.path("mode").asText()).isEqualTo("ok");
    assertThat(config.path("latencyMs").asLong()).isEqualTo(50);
    assertThat(config.path("inferenceDelayMs").asText()).isEqualTo("500-1500");
    assertThat(config.path("failureStatus").asInt()).isEqualTo(500);
    assertThat(config.path("tokensUsed").isNull()).isTrue();
  }

  @Test
  void postingAModeChangesHowRequestsAreAnswered() {
    HttpResponse<String> changed = http.post("/admin/config", "{\"mode\":\"down\"}");

    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(changed.body()).contains("\"mode\":\"down\"");
    assertThat(http.get("/health").statusCode()).isEqualTo(503);

    http.post("/admin/config", "{\"mode\":\"ok\"}");
    assertThat(http.get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void postingSeveralFieldsChangesThemTogether() {
    http.post(
        "/admin/config",
        "{\"failureRate\":1,\"failureStatus\":503,\"inferenceDelayMs\":\"0\",\"latencyMs\":0}");

    assertThat(region.settings().current().failureRate()).isEqualTo(1.0);
    assertThat(region.settings().current().inferenceDelay()).isEqualTo(DelayRange.NONE);
    assertThat(http.post("/v1/inference", "{\"prompt\":\"x\"}").statusCode()).isEqualTo(503);
  }

  @Test
  void rateLimitedWithRetryAfterCanBeSetAtOnce() {
    http.post("/admin/config", "{\"mode\":\"rate-limited\",\"retryAfterSeconds\":2}");

    HttpResponse<String> response = http.post("/v1/inference", "{\"prompt\":\"x\"}");
    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
  }

  @Test
  void anInvalidChangeIsA400AndChangesNothing() {
    HttpResponse<String> outOfRange =
        http.post("/admin/config", "{\"mode\":\"down\",\"failureRate\":2}");
    HttpResponse<String> unknown = http.post("/admin/config", "{\"colour\":\"red\"}");
    HttpResponse<String> malformed = http.post("/admin/config", "{mode:");

    assertThat(outOfRange.statusCode()).isEqualTo(400);
    assertThat(outOfRange.body()).contains("failureRate must be between 0 and 1");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("unknown field 'colour'");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(region.settings().current().mode()).isEqualTo(Mode.OK);
  }

  @Test
  void programmaticChangesShowInTheAdminConfig() {
    region.settings().update(s -> s.mode(Mode.HANG).inferenceDelay(DelayRange.parse("10-20")));

    String config = http.get("/admin/config").body();

    assertThat(config).contains("\"mode\":\"hang\"").contains("\"inferenceDelayMs\":\"10-20\"");
  }

  @Test
  void statsCountRequestsByPathAndStatusButNotAdminCalls() throws IOException {
    region.settings().update(s -> s.latencyMs(0).inferenceDelayMs(0));
    http.get("/health");
    http.get("/health");
    http.post("/v1/inference", "{oops");
    http.get("/missing");

    JsonNode stats = JSON.readTree(http.get("/admin/stats").body());

    assertThat(stats.path("region").asText()).isEqualTo("ap-south-1");
    assertThat(stats.path("total").asLong()).isEqualTo(4);
    assertThat(stats.path("requests").path("/health").path("200").asLong()).isEqualTo(2);
    assertThat(stats.path("requests").path("/v1/inference").path("400").asLong()).isEqualTo(1);
    assertThat(stats.path("requests").path("other").path("404").asLong()).isEqualTo(1);
    assertThat(stats.path("requests").has("/admin/config")).isFalse();

    http.post("/admin/stats/reset", "");
    assertThat(region.stats().total()).isZero();
  }
}
