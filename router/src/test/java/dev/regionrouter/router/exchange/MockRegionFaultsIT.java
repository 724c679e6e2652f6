package dev.regionrouter.router.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.regionrouter.mockregion.MockRegion;
import dev.regionrouter.mockregion.config.Mode;
import dev.regionrouter.mockregion.config.StreamFault;
import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.support.RouterIT;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * One test per provider fault, with the mock region (in process, on real sockets) as the primary
 * and a healthy mock as the fallback: what the caller got (a whole answer from one region, or a
 * clean error; never a spliced or a truncated success) and what each region saw.
 */
@TestPropertySource(
    properties = {
      "router.proxy.same-region-retries=1",
      "router.proxy.try-timeout=1s",
      "router.proxy.first-byte-timeout=1s",
      "router.proxy.stream-idle-timeout=1s",
      "router.proxy.request-timeout=10s"
    })
class MockRegionFaultsIT extends RouterIT {

  private static final String CHAT = "/v1/chat/completions";
  private static final String STREAM =
      "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\","
          + "\"content\":\"Explain quantum computing\"}]}";
  private static final String WHOLE = STREAM.replace("\"stream\":true", "\"stream\":false");
  private static final Pattern CHUNK_ID = Pattern.compile("\"id\":\"(chatcmpl-mock-\\d+)\"");
  private static final Pattern CONTENT = Pattern.compile("\"content\":\"([^\"]*)\"");

  @Autowired HealthRegistry health;

  private final MockRegion primary = mock("primary");
  private final MockRegion fallback = mock("fallback");

  private static MockRegion mock(String name) {
    MockRegion region =
        MockRegion.builder(name)
            .latencyMs(0)
            .inferenceDelayMs(0)
            .streamChunks(6)
            .streamIntervalMs(20)
            .build();
    region.start();
    return region;
  }

  @AfterEach
  void stop() {
    primary.stop();
    fallback.stop();
  }

  private PrimaryAndFallback use() throws IOException {
    return usePrimaryAndFallback(primary.baseUri().toString(), fallback.baseUri().toString());
  }

  /**
   * A streamed answer that came whole from one region: one completion id, every event, then [DONE].
   */
  private static void assertWholeStream(String body, String mockName) {
    List<String> ids = CHUNK_ID.matcher(body).results().map(m -> m.group(1)).distinct().toList();
    assertThat(ids).as(body).hasSize(1);
    String text =
        CONTENT
            .matcher(body)
            .results()
            .map(m -> m.group(1))
            .collect(java.util.stream.Collectors.joining());
    assertThat(text)
        .as(body)
        .startsWith("Mock response from " + mockName + ": Explain quantum computing");
    assertThat(body).endsWith("data: [DONE]\n\n");
    assertThat(body.split("chat.completion.chunk", -1)).as(body).hasSize(7);
  }

  /**
   * What the caller got (raw) is a broken stream of the region: its head, exactly that many events,
   * the error event, no [DONE], and no final chunk (the connection was cut).
   */
  private static void assertBrokenAfter(String seen, String region, int events) {
    assertThat(seen).contains("X-Region-Router-Region: " + region);
    assertThat(seen.split("chat.completion.chunk", -1)).as(seen).hasSize(events + 1);
    assertThat(seen)
        .contains("\"code\":\"upstream_stream_broken\"")
        .doesNotContain("[DONE]")
        .doesNotEndWith("0\r\n\r\n");
  }

  /**
   * The region's probes have measured it (they run once, at table load): a fault set now meets real
   * requests.
   */
  private void measured(String region) {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> health.get(region).view().latencySeconds() >= 0);
  }

  @Test
  void a429OnceWithRetryAfterMovesToTheFallback() throws Exception {
    primary.settings().update(s -> s.failFirst(1).failureStatus(429).retryAfterSeconds(2));
    PrimaryAndFallback names = use();

    HttpResponse<String> response = post(CHAT, STREAM);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Region-Router-Region")).contains(names.fallback());
    assertWholeStream(response.body(), "fallback");
    assertThat(primary.stats().count(CHAT, 429)).isEqualTo(1);
  }

  @Test
  void a500OnceIsTriedAgainOnTheSameRegion() throws Exception {
    primary.settings().update(s -> s.failFirst(1).failureStatus(500));
    PrimaryAndFallback names = use();

    HttpResponse<String> response = post(CHAT, STREAM);

    assertThat(response.headers().firstValue("X-Region-Router-Region")).contains(names.primary());
    assertThat(response.headers().firstValue("X-Region-Router-Attempts")).contains("2");
    assertWholeStream(response.body(), "primary");
    assertThat(primary.stats().count(CHAT, 500)).isEqualTo(1);
    assertThat(fallback.stats().count(CHAT, 200)).isZero();
  }

  @Test
  void aResetBeforeTheHeadMovesOnAfterOneSameRegionRetry() throws Exception {
    PrimaryAndFallback names = use();
    measured(names.primary());
    primary.settings().mode(Mode.RESET);

    HttpResponse<String> response = post(CHAT, STREAM);

    assertThat(response.headers().firstValue("X-Region-Router-Region")).contains(names.fallback());
    assertWholeStream(response.body(), "fallback");
    assertThat(primary.stats().count(CHAT, "reset")).isEqualTo(2);
  }

  @Test
  void aRegionThatNeverAnswersIsLeftAtThePerTryTimeout() throws Exception {
    PrimaryAndFallback names = use();
    measured(names.primary());
    primary.settings().mode(Mode.HANG);

    HttpResponse<String> response = post(CHAT, WHOLE);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Region-Router-Region")).contains(names.fallback());
    assertThat(primary.stats().count(CHAT, "hang")).isEqualTo(1);
  }

  @Test
  void aSlowFirstEventIsLeftAtTheFirstByteTimeout() throws Exception {
    // the head at once, the first event after 3 s (the first-byte timeout is 1 s)
    primary.settings().update(s -> s.inferenceDelayMs(3_000));
    PrimaryAndFallback names = use();

    HttpResponse<String> response = post(CHAT, STREAM);

    assertThat(response.headers().firstValue("X-Region-Router-Region")).contains(names.fallback());
    assertWholeStream(response.body(), "fallback");
  }

  @Test
  void aStreamCutAfterThreeEventsEndsWithAnErrorEvent() throws Exception {
    primary.settings().update(s -> s.streamFault(StreamFault.CUT).streamFaultAfter(3));
    PrimaryAndFallback names = use();

    assertBrokenAfter(rawPost(CHAT, STREAM), names.primary(), 3);
    assertThat(fallback.stats().count(CHAT, 200)).isZero();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> health.get(names.primary()).view().failureCount() == 1);
  }

  @Test
  void aStreamThatStallsAfterTwoEventsEndsWithAnErrorEvent() throws Exception {
    primary.settings().update(s -> s.streamFault(StreamFault.STALL).streamFaultAfter(2));
    PrimaryAndFallback names = use();

    assertBrokenAfter(rawPost(CHAT, STREAM), names.primary(), 2);
  }

  @Test
  void aStreamWithoutDoneIsNotDeliveredAsComplete() throws Exception {
    primary.settings().update(s -> s.streamFault(StreamFault.NO_DONE));
    PrimaryAndFallback names = use();

    assertBrokenAfter(rawPost(CHAT, STREAM), names.primary(), 6);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> health.get(names.primary()).view().failureCount() == 1);
  }

  @Test
  void aMalformedEventIsRelayedAsTheRegionSentItFromOneRegion() throws Exception {
    // the router does not judge the content of events: it relays them, from the region it committed
    // to
    primary.settings().update(s -> s.streamFault(StreamFault.MALFORMED).streamFaultAfter(2));
    PrimaryAndFallback names = use();

    HttpResponse<String> response = post(CHAT, STREAM);

    assertThat(response.headers().firstValue("X-Region-Router-Region")).contains(names.primary());
    assertThat(response.body()).contains("data: {\"choices\": [\n\n");
    assertWholeStream(response.body(), "primary");
  }

  @Test
  void aContextTooLongForTheRegionMovesOnWithoutPenalty() throws Exception {
    primary
        .settings()
        .update(s -> s.failureRate(1).failureStatus(400).errorCode("context_length_exceeded"));
    PrimaryAndFallback names = use();

    HttpResponse<String> response = post(CHAT, STREAM);

    assertThat(response.headers().firstValue("X-Region-Router-Region")).contains(names.fallback());
    assertWholeStream(response.body(), "fallback");
    assertThat(health.get(names.primary()).view().failureCount()).isZero();
  }

  @Test
  void aFaultOfOneModelMovesOnlyThatModelsRequests() throws Exception {
    primary.settings().update(s -> s.failureRate(1).failureStatus(503).faultModel("gpt-4o"));
    PrimaryAndFallback names = use();

    assertThat(post(CHAT, STREAM).headers().firstValue("X-Region-Router-Region"))
        .contains(names.fallback());
    HttpResponse<String> other = post(CHAT, STREAM.replace("gpt-4o", "gpt-4o-mini"));
    assertThat(other.headers().firstValue("X-Region-Router-Region")).contains(names.primary());
    assertWholeStream(other.body(), "primary");
  }

  @Test
  void a429OfOneModelCoolsThatModelOnlyNotTheRegion() throws Exception {
    primary
        .settings()
        .update(
            s -> s.failureRate(1).failureStatus(429).retryAfterSeconds(30).faultModel("gpt-4o"));
    PrimaryAndFallback names = use();

    assertThat(post(CHAT, STREAM).headers().firstValue("X-Region-Router-Region"))
        .contains(names.fallback());
    assertThat(post(CHAT, STREAM).headers().firstValue("X-Region-Router-Region"))
        .contains(names.fallback());
    assertThat(primary.stats().count(CHAT, 429))
        .as("the cooled model is not asked again")
        .isEqualTo(1);
    HttpResponse<String> other = post(CHAT, STREAM.replace("gpt-4o", "gpt-4o-mini"));
    assertThat(other.headers().firstValue("X-Region-Router-Region"))
        .as("the region's other model serves")
        .contains(names.primary());
    assertThat(
            json(get("/regions/status"))
                .path("regions")
                .path(names.primary())
                .path("models_unavailable")
                .path("gpt-4o")
                .asText())
        .startsWith("cooling until");
  }

  @Test
  void failuresOfOneModelEjectThatModelOnlyNotTheRegion() throws Exception {
    primary.settings().update(s -> s.failureRate(1).failureStatus(503).faultModel("gpt-4o"));
    PrimaryAndFallback names = use();

    for (int i = 0; i < 4; i++) {
      assertThat(post(CHAT, STREAM).headers().firstValue("X-Region-Router-Region"))
          .contains(names.fallback());
    }
    assertThat(primary.stats().count(CHAT, 503))
        .as("ejected after 3, not asked the 4th time")
        .isEqualTo(3);
    assertThat(health.get(names.primary()).view().failureCount()).isZero();
    assertThat(health.get(names.primary()).view().ejected()).isFalse();
    assertThat(
            post(CHAT, STREAM.replace("gpt-4o", "gpt-4o-mini"))
                .headers()
                .firstValue("X-Region-Router-Region"))
        .contains(names.primary());
  }
}
