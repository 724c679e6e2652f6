package dev.regionrouter.router.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The hedging budget, in a context of its own (the budget's window is the router's): hedges may be
 * a quarter of the hedgeable requests, with no free hedges per second.
 */
@TestPropertySource(
    properties = {
      "router.routing.hedging.budget-ratio=0.25",
      "router.routing.hedging.budget-min-per-second=0"
    })
class HedgingBudgetIT extends RouterIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BODY = "{\"prompt\":\"hello\",\"max_tokens\":100}";
  private static final int REQUESTS = 12;

  @Autowired HealthRegistry health;

  private final TestRegion slow = new TestRegion("slow", 0);
  private final TestRegion quick = new TestRegion("quick", 0);

  @AfterEach
  void stop() {
    slow.close();
    quick.close();
  }

  @Test
  void hedgesNeverExceedTheirBudgetEvenWhenEveryRequestIsSlow() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    slow.onInference(
        exchange -> {
          // each answer is slower than the last: the hedge delay (the slowest answer seen so far,
          // then
          // its p90) never catches up, so every request is slow enough to want a hedge
          Thread.sleep(60 + 30L * calls.incrementAndGet());
          exchange.getRequestBody().readAllBytes();
          TestRegion.send(
              exchange, 200, "application/json", "{\"output\":\"slow\",\"tokens_used\":10}");
        });
    String slowName = fresh("slow");
    String quickName = fresh("quick");
    useRegions(
        region(slowName, slow.endpoint(), 1, 0.1), region(quickName, quick.endpoint(), 2, 0.1));
    // until the first probes, the hedge delay has no latency to go by
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                Stream.of(slowName, quickName)
                    .allMatch(
                        r ->
                            health.get(r) != null
                                && !Double.isNaN(health.get(r).view().latencySeconds())));

    Map<String, Integer> outcomes = new HashMap<>();
    for (int i = 0; i < REQUESTS; i++) {
      HttpResponse<String> response = inference(BODY, "X-Region-Router-Hedge", "1");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode metadata = JSON.readTree(response.body()).path("metadata");
      outcomes.merge(metadata.path("hedge").asText(), 1, Integer::sum);
    }
    int hedges = outcomes.getOrDefault("won", 0) + outcomes.getOrDefault("lost", 0);
    // a quarter of 12 requests: 3 hedges at most, and the second region saw no more than that
    assertThat(hedges).as(outcomes.toString()).isBetween(1, REQUESTS / 4);
    assertThat(quick.inferenceCalls()).as(outcomes.toString()).isBetween(1, hedges);
    assertThat(outcomes.getOrDefault("skipped_budget", 0)).as(outcomes.toString()).isPositive();
  }
}
