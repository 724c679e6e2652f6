package dev.regionrouter.mockregion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Simulated latency is a scheduled task, not a sleeping thread: requests on different connections
 * wait side by side instead of queueing behind each other.
 */
class NonBlockingTest {

  private MockRegion region;

  @AfterEach
  void stop() {
    region.stop();
  }

  @Test
  void fiftyConcurrentHealthChecksWaitTheirLatencyTogetherNotInTurn() {
    // One event-loop thread: were latency a sleep, 50 x 200 ms would take 10 s at least.
    region = MockRegion.builder("us-east-1").latencyMs(200).threads(1).build();
    region.start();
    TestHttp http = new TestHttp(region);

    List<CompletableFuture<HttpResponse<String>>> responses =
        IntStream.range(0, 50)
            .mapToObj(
                i ->
                    http.client.sendAsync(
                        http.getRequest("/health"), HttpResponse.BodyHandlers.ofString()))
            .toList();

    // Generous bound (half the sequential time) so a busy build machine does not make it flaky.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> responses.stream().allMatch(CompletableFuture::isDone));
    assertThat(responses).allSatisfy(f -> assertThat(f.join().statusCode()).isEqualTo(200));
    assertThat(region.stats().count("/health", 200)).isEqualTo(50);
  }

  @Test
  void aHangingRequestDoesNotHoldUpOtherConnections() {
    region = MockRegion.builder("us-east-1").threads(1).inferenceDelayMs(60_000).build();
    region.start();
    TestHttp http = new TestHttp(region);

    CompletableFuture<HttpResponse<String>> slow =
        http.client.sendAsync(
            http.postRequest("/v1/inference", "{\"prompt\":\"slow\"}"),
            HttpResponse.BodyHandlers.ofString());

    assertThat(http.get("/health").statusCode()).isEqualTo(200);
    assertThat(slow).isNotDone();
    slow.cancel(true);
  }
}
