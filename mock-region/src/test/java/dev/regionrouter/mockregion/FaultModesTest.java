package dev.regionrouter.mockregion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.regionrouter.mockregion.config.Mode;
import dev.regionrouter.mockregion.stats.RequestStats;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The failures a router must survive, each switched on by settings. */
class FaultModesTest {

  private static final String INFERENCE_BODY = "{\"prompt\":\"hello\",\"max_tokens\":5}";

  private MockRegion region;
  private TestHttp http;

  @BeforeEach
  void start() {
    region = MockRegion.builder("me-south-1").latencyMs(0).inferenceDelayMs(0).build();
    region.start();
    http = new TestHttp(region);
  }

  @AfterEach
  void stop() {
    region.stop();
  }

  @Test
  void failureRateOneFailsEveryInferenceWithTheConfiguredStatus() {
    region.settings().update(s -> s.failureRate(1.0).failureStatus(502));

    HttpResponse<String> response = http.post("/v1/inference", INFERENCE_BODY);

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.body()).contains("\"code\":\"injected_failure\"");
    assertThat(response.headers().firstValue("X-Mock-Region")).hasValue("me-south-1");
  }

  @Test
  void failureRateSparesHealthUnlessFailHealthIsSet() {
    region.settings().update(s -> s.failureRate(1.0));
    assertThat(http.get("/health").statusCode()).isEqualTo(200);

    region.settings().update(s -> s.failHealth(true));
    assertThat(http.get("/health").statusCode()).isEqualTo(500);
  }

  @Test
  void failureRateZeroNeverFails() {
    for (int i = 0; i < 20; i++) {
      assertThat(http.post("/v1/inference", INFERENCE_BODY).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void hangModeAcceptsAndNeverAnswersButAdminStillDoes() {
    region.settings().mode(Mode.HANG);

    assertThatThrownBy(
            () ->
                http.client.send(
                    http.request("/health").timeout(Duration.ofMillis(300)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(HttpTimeoutException.class);
    assertThat(http.get("/admin/config").statusCode()).isEqualTo(200);
    assertThat(region.stats().count("/health", RequestStats.HANG)).isEqualTo(1);
  }

  @Test
  void downModeAnswers503ToEverythingIncludingHealth() {
    region.settings().mode(Mode.DOWN);

    HttpResponse<String> health = http.get("/health");
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.body()).contains("\"code\":\"region_down\"");
    assertThat(health.headers().firstValue("X-Mock-Region")).hasValue("me-south-1");
    assertThat(http.post("/v1/inference", INFERENCE_BODY).statusCode()).isEqualTo(503);
    assertThat(http.get("/admin/stats").statusCode()).isEqualTo(200);

    region.settings().mode(Mode.OK);
    assertThat(http.get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void rateLimitedModeAnswers429WithRetryAfterOnInferenceOnly() {
    region.settings().update(s -> s.mode(Mode.RATE_LIMITED).retryAfterSeconds(2));

    HttpResponse<String> limited = http.post("/v1/inference", INFERENCE_BODY);

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(limited.body()).contains("\"code\":\"rate_limited\"");
    assertThat(http.get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void resetModeDropsTheConnectionWithoutAnAnswer() {
    region.settings().mode(Mode.RESET);

    assertThatThrownBy(
            () ->
                http.client.send(
                    http.postRequest("/v1/inference", INFERENCE_BODY),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
    assertThat(region.stats().count("/v1/inference", RequestStats.RESET)).isPositive();
  }

  @Test
  void closingHungConnectionsIsCounted() {
    region.settings().mode(Mode.HANG);
    assertThatThrownBy(
            () ->
                http.client.send(
                    http.request("/health").timeout(Duration.ofMillis(200)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(HttpTimeoutException.class);

    // The client gives up and closes; the server notices and stops counting it as open.
    await().atMost(Duration.ofSeconds(5)).until(() -> region.stats().connectionsOpen() == 0);
  }
}
