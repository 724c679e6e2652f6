package dev.regionrouter.router.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.router.support.RawRegion;
import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fault matrix: each fault of the preferred region and what the caller gets. */
class FaultMatrixIT extends RouterIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROMPT = "{\"prompt\":\"Hello world\",\"max_tokens\":20}";

  private final TestRegion fallback = new TestRegion("fallback", 0);
  private TestRegion primary;
  private RawRegion raw;

  @AfterEach
  void stopRegions() throws Exception {
    fallback.close();
    if (primary != null) {
      primary.close();
    }
    if (raw != null) {
      raw.close();
    }
  }

  /** The faulty region is preferred by priority; the fallback is healthy. */
  private String[] withFallback(String primaryEndpoint) {
    String fallbackName = fresh("fallback");
    return new String[] {
      region(fresh("primary"), primaryEndpoint, 0, 0.1),
      region(fallbackName, fallback.endpoint(), 20, 0.2)
    };
  }

  private void assertServedByFallbackOnSecondAttempt(HttpResponse<String> response)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Region-Router-Attempts")).hasValue("2");
    assertThat(response.headers().firstValue("X-Region-Router-Region").orElseThrow())
        .startsWith("fallback-");
    JsonNode body = json(response);
    assertThat(body.path("result").asText()).startsWith("Mock response from fallback: Hello world");
    assertThat(body.path("metadata").path("attempts").asInt()).isEqualTo(2);
    assertThat(fallback.inferenceCalls()).isEqualTo(1);
  }

  @Test
  void servesFromPreferredRegionWithContractMetadata() throws Exception {
    primary = new TestRegion("primary", 0);
    String name = fresh("primary");
    useRegions(
        region(name, primary.endpoint(), 0, 0.32),
        region(fresh("fallback"), fallback.endpoint(), 1, 0.2));
    HttpResponse<String> response = inference("{\"prompt\":\"Hello world\"}");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode metadata = json(response).path("metadata");
    assertThat(json(response).path("result").asText())
        .isEqualTo("Mock response from primary: Hello world...");
    assertThat(metadata.path("region").asText()).isEqualTo(name);
    assertThat(metadata.path("provider").asText()).isEqualTo("aws");
    assertThat(metadata.path("cost_per_1k").asDouble()).isEqualTo(0.32);
    assertThat(metadata.path("attempts").asInt()).isEqualTo(1);
    assertThat(metadata.path("tokens_used").asInt()).isEqualTo(100);
    assertThat(metadata.path("estimated_cost_usd").asDouble()).isEqualTo(0.032);
    assertThat(metadata.has("upstream_latency_ms")).isTrue();
    assertThat(response.headers().firstValue("X-Region-Router-Region")).hasValue(name);
    assertThat(response.headers().firstValue("X-Region-Router-Attempts")).hasValue("1");
    // defaults filled in before forwarding
    assertThat(JSON.readTree(primary.requestBodies().get(0)).path("temperature").asDouble())
        .isEqualTo(0.7);
  }

  @Test
  void failsOverToNextRegionWhenPrimaryRefuses() throws Exception {
    useRegions(withFallback("http://127.0.0.1:" + deadPort()));
    assertServedByFallbackOnSecondAttempt(inference(PROMPT));
  }

  @Test
  void failsOverWhenPrimaryResetsTheConnectionMidRequest() throws Exception {
    raw = new RawRegion(RawRegion.Fault.RESET);
    useRegions(withFallback(raw.endpoint()));
    assertServedByFallbackOnSecondAttempt(inference(PROMPT));
    assertThat(raw.faultsServed()).isPositive();
  }

  @Test
  void failsOverWhenPrimaryHangsPastThePerTryTimeout() throws Exception {
    raw = new RawRegion(RawRegion.Fault.HANG);
    useRegions(withFallback(raw.endpoint()));
    assertServedByFallbackOnSecondAttempt(inference(PROMPT));
  }

  @Test
  void slowFirstByteWithinThePerTryTimeoutIsServedWithoutFailover() throws Exception {
    primary = new TestRegion("primary", 0);
    TestRegion slow = primary;
    primary.onInference(
        exchange -> {
          Thread.sleep(250); // the region takes its time, within the 700 ms per-try timeout
          TestRegion.send(
              exchange,
              200,
              "application/json",
              "{\"output\":\"slow but fine\",\"tokens_used\":3}");
        });
    useRegions(withFallback(slow.endpoint()));
    HttpResponse<String> response = inference(PROMPT);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).path("result").asText()).isEqualTo("slow but fine");
    assertThat(response.headers().firstValue("X-Region-Router-Attempts")).hasValue("1");
    assertThat(fallback.inferenceCalls()).isZero();
  }

  @Test
  void anOutputThatIsAnObjectOrNonAsciiTextReachesTheCallerAsTheRegionWroteIt() throws Exception {
    primary =
        new TestRegion("primary", 0)
            .onInference(
                ex ->
                    TestRegion.send(
                        ex,
                        200,
                        "application/json",
                        "{\"output\": {\"text\": \"r\u00e9sum\u00e9 \\u2713\", \"choices\": [1, 2]}, \"tokens_used\": 4}"));
    useRegions(region(fresh("primary"), primary.endpoint(), 0, 0.5));
    HttpResponse<String> response = inference(PROMPT);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body())
        .startsWith("{\"result\":{\"text\": \"r\u00e9sum\u00e9 \\u2713\", \"choices\": [1, 2]},");
    JsonNode body = json(response);
    assertThat(body.path("result").path("text").asText()).isEqualTo("r\u00e9sum\u00e9 \u2713");
    assertThat(body.path("metadata").path("tokens_used").asInt()).isEqualTo(4);
    assertThat(body.path("metadata").path("estimated_cost_usd").asDouble()).isEqualTo(0.002);
  }

  @Test
  void failsOverWhenPrimaryAnswersInvalidUtf8() throws Exception {
    primary =
        new TestRegion("primary", 0)
            .onInference(
                ex -> {
                  byte[] bytes =
                      "{\"output\": \"caf\u00e9\"}"
                          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                  bytes[bytes.length - 3] = '('; // é's second byte: not UTF-8
                  ex.getResponseHeaders().set("Content-Type", "application/json");
                  ex.sendResponseHeaders(200, bytes.length);
                  try (var out = ex.getResponseBody()) {
                    out.write(bytes);
                  }
                });
    useRegions(withFallback(primary.endpoint()));
    assertServedByFallbackOnSecondAttempt(inference(PROMPT));
  }

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {500, 502, 503, 504})
  void failsOverWhenPrimaryAnswersServerError(int status) throws Exception {
    primary =
        new TestRegion("primary", 0)
            .onInference(ex -> TestRegion.send(ex, status, "text/plain", "boom"));
    useRegions(withFallback(primary.endpoint()));
    assertServedByFallbackOnSecondAttempt(inference(PROMPT));
  }

  @Test
  void failsOverWhenPrimaryAnswersMalformedJson() throws Exception {
    primary =
        new TestRegion("primary", 0)
            .onInference(
                ex -> TestRegion.send(ex, 200, "application/json", "{\"output\": \"trunc"));
    useRegions(withFallback(primary.endpoint()));
    assertServedByFallbackOnSecondAttempt(inference(PROMPT));
  }

  @Test
  void failsOverWhenPrimaryAnswersJsonWithoutOutput() throws Exception {
    primary =
        new TestRegion("primary", 0)
            .onInference(ex -> TestRegion.send(ex, 200, "application/json", "[1,2]"));
    useRegions(withFallback(primary.endpoint()));
    assertServedByFallbackOnSecondAttempt(inference(PROMPT));
  }

  @Test
  void throttledRegionIsCooledForItsRetryAfter() throws Exception {
    primary =
        new TestRegion("primary", 0)
            .onInference(
                ex -> {
                  ex.getResponseHeaders().set("Retry-After", "30");
                  TestRegion.send(ex, 429, "application/json", "{\"error\":\"slow down\"}");
                });
    String[] regions = withFallback(primary.endpoint());
    useRegions(regions);
    assertServedByFallbackOnSecondAttempt(inference(PROMPT));
    // cooling: the next request goes straight to the fallback
    HttpResponse<String> next = inference(PROMPT);
    assertThat(next.headers().firstValue("X-Region-Router-Attempts")).hasValue("1");
    assertThat(primary.inferenceCalls()).isEqualTo(1);
    String primaryName =
        regions[0].substring(regions[0].indexOf("name: ") + 6, regions[0].indexOf('\n'));
    JsonNode status =
        JSON.readTree(get("/regions/status").body()).path("regions").path(primaryName);
    assertThat(status.path("healthy").asBoolean()).isFalse();
    assertThat(status.path("cooling_until").isTextual()).isTrue();
    assertThat(status.path("failure_count").asInt()).isZero();
  }

  @Test
  void callerErrorsFromRegionArePassedThroughWithoutRetry() throws Exception {
    primary =
        new TestRegion("primary", 0)
            .onInference(
                ex ->
                    TestRegion.send(
                        ex, 422, "application/json", "{\"error\":\"prompt too long\"}"));
    useRegions(withFallback(primary.endpoint()));
    HttpResponse<String> response = inference(PROMPT);
    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.body()).isEqualTo("{\"error\":\"prompt too long\"}");
    assertThat(response.headers().firstValue("X-Region-Router-Attempts")).hasValue("1");
    assertThat(fallback.inferenceCalls()).isZero();
  }

  @Test
  void consecutiveFailuresEjectTheRegion() throws Exception {
    primary =
        new TestRegion("primary", 0)
            .onInference(ex -> TestRegion.send(ex, 500, "text/plain", "boom"));
    String[] regions = withFallback(primary.endpoint());
    String primaryName =
        regions[0].substring(regions[0].indexOf("name: ") + 6, regions[0].indexOf('\n'));
    useRegions(regions);
    for (int i = 0; i < 3; i++) {
      assertThat(inference(PROMPT).headers().firstValue("X-Region-Router-Attempts")).hasValue("2");
    }
    JsonNode status =
        JSON.readTree(get("/regions/status").body()).path("regions").path(primaryName);
    assertThat(status.path("healthy").asBoolean()).isFalse();
    assertThat(status.path("ejections").asInt()).isEqualTo(1);
    assertThat(status.path("ejected_until").isTextual()).isTrue();
    assertThat(inference(PROMPT).headers().firstValue("X-Region-Router-Attempts")).hasValue("1");
    assertThat(primary.inferenceCalls()).isEqualTo(3);
    assertThat(get("/actuator/prometheus").body())
        .contains(
            "regionrouter_router_region_ejections_total{application=\"region-router\",region=\""
                + primaryName
                + "\"}");
  }

  @Test
  void everyRegionDownAnswers503WithRetryAfterAfterTryingTheBest() throws Exception {
    primary =
        new TestRegion("primary", 0)
            .onInference(ex -> TestRegion.send(ex, 503, "text/plain", "down"));
    fallback.onInference(ex -> TestRegion.send(ex, 502, "text/plain", "down too"));
    useRegions(withFallback(primary.endpoint()));
    HttpResponse<String> response = inference(PROMPT);
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).isPresent();
    assertThat(response.headers().firstValue("X-Region-Router-Attempts")).hasValue("2");
    JsonNode error = json(response).path("error");
    assertThat(error.path("code").asText()).isEqualTo("no_region_available");
    assertThat(error.path("message").asText()).contains("http_503").contains("http_502");
    assertThat(primary.inferenceCalls()).isEqualTo(1);
    assertThat(fallback.inferenceCalls()).isEqualTo(1);
  }

  @Test
  void panicGuardStillTriesTheBestWhenEveryRegionIsEjected() throws Exception {
    primary =
        new TestRegion("primary", 0)
            .onInference(ex -> TestRegion.send(ex, 500, "text/plain", "boom"));
    String name = fresh("solo");
    useRegions(region(name, primary.endpoint(), 0, 0.1));
    for (int i = 0; i < 3; i++) {
      assertThat(inference(PROMPT).statusCode()).isEqualTo(503);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                JSON.readTree(get("/regions/status").body())
                    .path("regions")
                    .path(name)
                    .path("ejected")
                    .asBoolean());
    primary.onInference(
        ex ->
            TestRegion.send(
                ex, 200, "application/json", "{\"output\":\"back\",\"tokens_used\":1}"));
    HttpResponse<String> response = inference(PROMPT);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).path("metadata").path("panic").asBoolean()).isTrue();
  }

  @Test
  void deadlinePassingAnswers504() throws Exception {
    raw = new RawRegion(RawRegion.Fault.HANG);
    useRegions(region(fresh("hang"), raw.endpoint(), 0, 0.1));
    HttpResponse<String> response = inference(PROMPT, "X-Region-Router-Timeout-Ms", "300");
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(json(response).path("error").path("code").asText()).isEqualTo("deadline_exceeded");
  }

  @Test
  void noRegionsAnswers503SayingTheTableHasNone() throws Exception {
    useRegions();
    HttpResponse<String> response = inference(PROMPT);
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(json(response).path("error").path("code").asText())
        .isEqualTo("no_regions_configured");
    assertThat(json(response).path("error").path("message").asText()).contains("has no regions");
  }
}
