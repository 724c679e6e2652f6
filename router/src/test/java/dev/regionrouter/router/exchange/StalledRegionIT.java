package dev.regionrouter.router.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * A region that hangs while its health endpoint still answers. While its usual answer time is
 * unknown, the requests it holds wait for their per-try timeout (3 s here), but new requests stop
 * going there once it has answered none for router.health.stall-after (300 ms here), and come back
 * as soon as it answers a trial request again; the timeouts of the requests it held through the
 * hang then come after a later request was answered: stale, no ejection. Once its usual answer time
 * is known, the requests it holds move on at the hold limit too, without counting as failures.
 */
@TestPropertySource(
    properties = {
      "router.health.stall-after=300ms",
      "router.proxy.try-timeout=3s",
      "router.proxy.request-timeout=10s"
    })
class StalledRegionIT extends RouterIT {

  private static final String PROMPT = "{\"prompt\":\"Hello\",\"max_tokens\":5}";
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  @Autowired HealthRegistry health;

  private final AtomicBoolean hanging = new AtomicBoolean(true);

  /** The next request is one the primary took before it began to hang: answered 150 ms later. */
  private final AtomicBoolean finishNext = new AtomicBoolean();

  private final CountDownLatch end = new CountDownLatch(1);
  private final TestRegion primary =
      new TestRegion("primary", 0)
          .onInference(
              exchange -> {
                if (finishNext.compareAndSet(true, false)) {
                  Thread.sleep(150); // simulated generation time, not a wait for an outcome
                } else if (hanging.get()) {
                  end.await(
                      20,
                      TimeUnit.SECONDS); // held: the router gives up on it at its per-try timeout
                  return;
                }
                TestRegion.send(
                    exchange,
                    200,
                    "application/json",
                    "{\"output\":\"primary\",\"tokens_used\":1}");
              });
  private final TestRegion fallback = new TestRegion("fallback", 0);

  private CompletableFuture<HttpResponse<String>> inferenceAsync() {
    return CALLER.sendAsync(
        HttpRequest.newBuilder(URI.create(url("/v1/inference")))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(PROMPT))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A request held by the hanging primary is answered by the fallback, well before its per-try
   * timeout.
   */
  private void movesOnToTheFallback(PrimaryAndFallback names, String when) throws Exception {
    long before = System.nanoTime();
    HttpResponse<String> moved = inference(PROMPT);
    assertThat(moved.statusCode()).isEqualTo(200);
    assertThat(moved.headers().firstValue("X-Region-Router-Region")).contains(names.fallback());
    assertThat(moved.headers().firstValue("X-Region-Router-Attempts")).contains("2");
    assertThat(Duration.ofNanos(System.nanoTime() - before))
        .as(when)
        .isLessThan(Duration.ofMillis(2_500));
  }

  @AfterEach
  void stop() {
    end.countDown();
    primary.close();
    fallback.close();
  }

  @Test
  void aHangingRegionStopsTakingNewRequestsAndWinsThemBackWhenItAnswers() throws Exception {
    PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);

    // held by the hanging primary
    CompletableFuture<HttpResponse<String>> held = inferenceAsync();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> health.get(names.primary()).view().inFlight() == 1);

    // once the primary has been quiet for the stall time, new requests go to the fallback at once
    await().atMost(Duration.ofSeconds(5)).until(() -> health.get(names.primary()).stalled());
    assertThat(
            JSON.readTree(get("/regions/status").body())
                .path("regions")
                .path(names.primary())
                .path("stalled")
                .asBoolean())
        .as("shown in /regions/status")
        .isTrue();
    long before = System.nanoTime();
    HttpResponse<String> diverted = inference(PROMPT);
    assertThat(diverted.statusCode()).isEqualTo(200);
    assertThat(diverted.headers().firstValue("X-Region-Router-Region")).contains(names.fallback());
    assertThat(Duration.ofNanos(System.nanoTime() - before))
        .as("not after the 3 s per-try timeout")
        .isLessThan(Duration.ofSeconds(2));

    // the primary answers again: a trial request (one a second) finds it and traffic comes back
    hanging.set(false);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(inference(PROMPT).headers().firstValue("X-Region-Router-Region"))
                    .contains(names.primary()));

    // the held request times out on the primary and fails over; its timeout is stale
    HttpResponse<String> late = held.get(10, TimeUnit.SECONDS);
    assertThat(late.statusCode()).isEqualTo(200);
    assertThat(late.headers().firstValue("X-Region-Router-Attempts")).contains("2");
    assertThat(health.get(names.primary()).view().ejectedUntil()).isNull();
    assertThat(health.get(names.primary()).view().failureCount()).isZero();
    assertThat(inference(PROMPT).headers().firstValue("X-Region-Router-Region"))
        .contains(names.primary());
  }

  @Test
  void requestsHeldByARegionThatStopsAnsweringMoveOnAtItsHoldLimit() throws Exception {
    PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);
    hanging.set(false);
    assertThat(inference(PROMPT).headers().firstValue("X-Region-Router-Region"))
        .contains(names.primary());

    hanging.set(true); // answers take a few ms, so the hold limit is stall-after: 300 ms
    movesOnToTheFallback(names, "at the hold limit, not the 3 s per-try timeout");
    assertThat(health.get(names.primary()).view().failureCount())
        .as("moving on is not a failure")
        .isZero();

    hanging.set(false);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(inference(PROMPT).headers().firstValue("X-Region-Router-Region"))
                    .contains(names.primary()));
    assertThat(health.get(names.primary()).view().ejectedUntil()).isNull();
  }

  @Test
  void requestsHeldWhileTheRegionFinishesEarlierOnesMoveOnAtTheHoldLimitAfterItsLastAnswer()
      throws Exception {
    PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);
    hanging.set(false);
    assertThat(inference(PROMPT).headers().firstValue("X-Region-Router-Region"))
        .contains(names.primary());

    hanging.set(true); // the hold limit is stall-after: 300 ms
    finishNext.set(true);
    CompletableFuture<HttpResponse<String>> finishing = inferenceAsync();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> health.get(names.primary()).view().inFlight() == 1);

    // held by the primary, which answers the earlier request ~150 ms later and nothing after it:
    // the request moves on at the hold limit after that answer, not at the 3 s per-try timeout
    movesOnToTheFallback(names, "300 ms after the primary's last answer");
    HttpResponse<String> earlier = finishing.get(5, TimeUnit.SECONDS);
    assertThat(earlier.statusCode()).isEqualTo(200);
    assertThat(earlier.headers().firstValue("X-Region-Router-Region")).contains(names.primary());

    // it holds nothing now, but it answered nothing since: still stalled, so new requests go to
    // the fallback at once (but for one trial a second), rather than being held for another limit
    assertThat(health.get(names.primary()).view().inFlight()).isZero();
    assertThat(health.get(names.primary()).stalled()).isTrue();
    inference(PROMPT); // may be the second's trial on the primary
    HttpResponse<String> next = inference(PROMPT);
    assertThat(next.headers().firstValue("X-Region-Router-Region")).contains(names.fallback());
    assertThat(next.headers().firstValue("X-Region-Router-Attempts"))
        .as("not held by the primary first")
        .contains("1");
  }
}
