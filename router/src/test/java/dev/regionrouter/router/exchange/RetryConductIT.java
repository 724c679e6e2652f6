package dev.regionrouter.router.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.support.RawRegion;
import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The retry conduct, with the defaults a user gets: a transient fault (500, 502, 504, a reset
 * before the head) is tried once more on the same region after a jittered backoff; a 503 moves on
 * at once; a 429's Retry-After is waited out on the same region only when no other region serves;
 * the caller's own errors pass through untouched, with no penalty for the region; a provider error
 * code that another region may not share (context_length_exceeded) moves the request on, a content
 * policy verdict does not. Each test checks what the caller got and what each region saw.
 */
@TestPropertySource(
    properties = {
      "router.proxy.same-region-retries=1",
      "router.proxy.try-timeout=3s",
      "router.proxy.request-timeout=10s"
    })
class RetryConductIT extends RouterIT {

  private static final String PROMPT = "{\"prompt\":\"Hello\",\"max_tokens\":5}";

  @Autowired HealthRegistry health;

  private final TestRegion primary = new TestRegion("primary", 0);
  private final TestRegion fallback = new TestRegion("fallback", 0);
  private RawRegion raw;

  @AfterEach
  void stop() throws IOException {
    primary.close();
    fallback.close();
    if (raw != null) {
      raw.close();
    }
  }

  /** The first request gets the given status and body, every later one the contract's answer. */
  private static TestRegion.Handler failingOnce(int status, String body, String... headers) {
    AtomicInteger calls = new AtomicInteger();
    return exchange -> {
      if (calls.incrementAndGet() == 1) {
        for (int i = 0; i < headers.length; i += 2) {
          exchange.getResponseHeaders().set(headers[i], headers[i + 1]);
        }
        TestRegion.send(exchange, status, "application/json", body);
        return;
      }
      TestRegion.send(
          exchange, 200, "application/json", "{\"output\":\"second try\",\"tokens_used\":1}");
    };
  }

  private static String openAiError(String code) {
    return "{\"error\":{\"message\":\""
        + code
        + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\""
        + code
        + "\"}}";
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 504})
  void aTransientErrorIsTriedOnceMoreOnTheSameRegionAfterABackoff(int status) throws Exception {
    primary.onInference(failingOnce(status, "{\"error\":\"transient\"}"));
    PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);

    HttpResponse<String> response = inference(PROMPT);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).path("result").asText()).isEqualTo("second try");
    assertThat(response.headers().firstValue("X-Region-Router-Region")).contains(names.primary());
    assertThat(response.headers().firstValue("X-Region-Router-Attempts")).contains("2");
    assertThat(primary.inferenceCalls()).isEqualTo(2);
    assertThat(primary.gapBetweenFirstTwoRequests())
        .as("retry-backoff 100 ms, jittered to 50-150 %")
        .isGreaterThanOrEqualTo(Duration.ofMillis(45));
    assertThat(fallback.inferenceCalls()).isZero();
  }

  @Test
  void aTransientErrorTwiceMovesOnToTheNextRegion() throws Exception {
    primary.onInference(ex -> TestRegion.send(ex, 502, "application/json", "{}"));
    PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);

    HttpResponse<String> response = inference(PROMPT);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Region-Router-Region")).contains(names.fallback());
    assertThat(response.headers().firstValue("X-Region-Router-Attempts")).contains("3");
    assertThat(primary.inferenceCalls()).as("never more than one same-region retry").isEqualTo(2);
  }

  @Test
  void a503MovesOnAtOnce() throws Exception {
    primary.onInference(failingOnce(503, "{\"error\":\"unavailable\"}"));
    PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);

    HttpResponse<String> response = inference(PROMPT);

    assertThat(response.headers().firstValue("X-Region-Router-Region")).contains(names.fallback());
    assertThat(primary.inferenceCalls()).isEqualTo(1);
  }

  @Test
  void aResetBeforeTheHeadIsTriedOnceMoreOnTheSameRegion() throws Exception {
    raw = new RawRegion(RawRegion.Fault.RESET_ONCE);
    String name = fresh("reset-once");
    useRegions(
        region(name, raw.endpoint(), 1, 0.1),
        region(fresh("fallback"), fallback.endpoint(), 2, 0.1));

    HttpResponse<String> response = inference(PROMPT);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Region-Router-Region")).contains(name);
    assertThat(raw.faultsServed()).isEqualTo(2);
    assertThat(fallback.inferenceCalls()).isZero();
  }

  @Test
  void a429WithRetryAfterMovesOnWhenAnotherRegionServes() throws Exception {
    primary.onInference(failingOnce(429, "{\"error\":\"slow down\"}", "Retry-After", "1"));
    PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);

    HttpResponse<String> response = inference(PROMPT);

    assertThat(response.headers().firstValue("X-Region-Router-Region")).contains(names.fallback());
    assertThat(primary.inferenceCalls()).isEqualTo(1);
  }

  @Test
  void a429WithRetryAfterIsWaitedOutWhenNoOtherRegionServes() throws Exception {
    primary.onInference(failingOnce(429, "{\"error\":\"slow down\"}", "Retry-After", "1"));
    String name = fresh("only");
    useRegions(region(name, primary.endpoint(), 1, 0.1));

    HttpResponse<String> response = inference(PROMPT);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).path("result").asText()).isEqualTo("second try");
    assertThat(response.headers().firstValue("X-Region-Router-Attempts")).contains("2");
    assertThat(primary.gapBetweenFirstTwoRequests())
        .as("its Retry-After")
        .isGreaterThanOrEqualTo(Duration.ofMillis(950));
  }

  @Test
  void a429WithARetryAfterLongerThanTheMaximumWaitIsNotWaitedFor() throws Exception {
    primary.onInference(failingOnce(429, "{\"error\":\"slow down\"}", "Retry-After", "30"));
    useRegions(region(fresh("only"), primary.endpoint(), 1, 0.1));

    HttpResponse<String> response = inference(PROMPT);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).contains("30");
    assertThat(primary.inferenceCalls()).isEqualTo(1);
  }

  @Test
  void a429WithoutRetryAfterIsAskedAgainAfterABackoffWhenNoOtherRegionServes() throws Exception {
    primary.onInference(failingOnce(429, "{\"error\":\"slow down\"}"));
    useRegions(region(fresh("only"), primary.endpoint(), 1, 0.1));

    HttpResponse<String> response = inference(PROMPT);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(primary.inferenceCalls()).isEqualTo(2);
    assertThat(primary.gapBetweenFirstTwoRequests()).isGreaterThanOrEqualTo(Duration.ofMillis(45));
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 422})
  void theCallersOwnErrorPassesThroughUntouchedWithNoPenalty(int status) throws Exception {
    primary.onInference(
        ex -> TestRegion.send(ex, status, "application/json", openAiError("invalid_value")));
    PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);

    HttpResponse<String> response = inference(PROMPT);

    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.body()).isEqualTo(openAiError("invalid_value"));
    assertThat(response.headers().firstValue("X-Region-Router-Region")).contains(names.primary());
    assertThat(primary.inferenceCalls()).isEqualTo(1);
    assertThat(fallback.inferenceCalls()).isZero();
    assertThat(health.get(names.primary()).view().failureCount()).isZero();
  }

  @Test
  void aContextTooLongForOneRegionMovesOnWithoutPenalty() throws Exception {
    primary.onOther(
        ex -> TestRegion.send(ex, 400, "application/json", openAiError("context_length_exceeded")));
    fallback.onOther(ex -> TestRegion.send(ex, 200, "application/json", "{\"id\":\"fallback\"}"));
    PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);

    HttpResponse<String> response =
        post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"id\":\"fallback\"}");
    assertThat(response.headers().firstValue("X-Region-Router-Region")).contains(names.fallback());
    assertThat(health.get(names.primary()).view().failureCount()).isZero();
  }

  @Test
  void aContextTooLongForEveryRegionReachesTheCallerAsTheLastRegionSaidIt() throws Exception {
    primary.onInference(
        ex -> TestRegion.send(ex, 400, "application/json", openAiError("context_length_exceeded")));
    fallback.onInference(
        ex -> TestRegion.send(ex, 400, "application/json", openAiError("context_length_exceeded")));
    PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);

    HttpResponse<String> response = inference(PROMPT);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo(openAiError("context_length_exceeded"));
    assertThat(response.headers().firstValue("X-Region-Router-Region")).contains(names.fallback());
    assertThat(primary.inferenceCalls()).isEqualTo(1);
    assertThat(fallback.inferenceCalls()).isEqualTo(1);
  }

  @Test
  void aContentPolicyVerdictIsNeverShoppedAround() throws Exception {
    primary.onOther(
        ex ->
            TestRegion.send(ex, 400, "application/json", openAiError("content_policy_violation")));
    PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);

    HttpResponse<String> response =
        post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo(openAiError("content_policy_violation"));
    assertThat(response.headers().firstValue("X-Region-Router-Region")).contains(names.primary());
    assertThat(fallback.requestBodies()).isEmpty();
  }
}
