package dev.regionrouter.router.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.selection.TokenMeter;
import dev.regionrouter.router.support.RawRegion;
import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Hedging over real sockets: the losing leg is cancelled on the wire, its token reservation and
 * in-flight slot are given back, requests not marked safe to repeat are never hedged, and the hedge
 * stays inside the request's hard filters. The per-try timeout is long (5 s), so a connection the
 * router closes within a few seconds was closed by the cancellation, not by a timeout. (The hedging
 * budget is in HedgingBudgetIT: it needs a context of its own.)
 */
@TestPropertySource(
    properties = {
      "router.proxy.try-timeout=5s",
      "router.proxy.request-timeout=10s",
      "router.routing.callers.search.hedge=true"
    })
class HedgingIT extends RouterIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BODY = "{\"prompt\":\"hello\",\"max_tokens\":100}";

  /** max_tokens + prompt characters / 4 */
  private static final long ESTIMATE = 101;

  private final TestRegion first = new TestRegion("first", 0);
  private final TestRegion second = new TestRegion("second", 0);
  private final TestRegion third = new TestRegion("third", 0);
  private final CountDownLatch release = new CountDownLatch(1);
  private RawRegion hanging;

  @Autowired HealthRegistry health;

  @Autowired TokenMeter tokens;

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    first.close();
    second.close();
    third.close();
    if (hanging != null) {
      hanging.close();
    }
  }

  private static JsonNode metadata(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).path("metadata");
  }

  /** The region answers after {@code millis}, reporting 10 tokens. */
  private static TestRegion.Handler slow(long millis) {
    return exchange -> {
      Thread.sleep(millis); // the region's simulated inference time
      exchange.getRequestBody().readAllBytes();
      TestRegion.send(
          exchange, 200, "application/json", "{\"output\":\"slow\",\"tokens_used\":10}");
    };
  }

  /** Waits for each region's first probe: until then the hedge delay has no latency to go by. */
  private void awaitProbed(String... regions) {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                Arrays.stream(regions)
                    .allMatch(
                        r ->
                            health.get(r) != null
                                && !Double.isNaN(health.get(r).view().latencySeconds())));
  }

  private int inFlight(String region) {
    return health.get(region).view().inFlight();
  }

  @Test
  void theLosingLegIsCancelledAndTheSlowRegionSeesItsConnectionClosed() throws Exception {
    hanging = new RawRegion(RawRegion.Fault.HANG);
    String slowName = fresh("hangs");
    String quickName = fresh("quick");
    useRegions(
        region(slowName, hanging.endpoint(), 1, 0.1), region(quickName, second.endpoint(), 2, 0.1));
    awaitProbed(slowName, quickName);

    JsonNode hedged = metadata(inference(BODY, "X-Region-Router-Hedge", "1"));
    assertThat(hedged.path("region").asText()).isEqualTo(quickName);
    assertThat(hedged.path("hedge").asText()).isEqualTo("won");

    // the first leg is aborted on the wire, well before its 5 s try timeout could close it
    await().atMost(Duration.ofSeconds(3)).until(() -> hanging.closedByRouter() == 1);
    await()
        .atMost(Duration.ofSeconds(3))
        .until(() -> inFlight(slowName) == 0 && inFlight(quickName) == 0);
    assertThat(hanging.faultsServed()).isEqualTo(1);
    // a cancelled leg is not the region's failure, and it does not fail over to the next region
    assertThat(health.get(slowName).view().failureCount()).isZero();
    assertThat(second.inferenceCalls()).isEqualTo(1);
    // the cancelled leg's reservation is gone; the winner is charged what it reported
    assertThat(tokens.usage(slowName)).isZero();
    assertThat(tokens.usage(quickName)).isEqualTo(100);
  }

  @Test
  void aCancelledHedgeLegLeavesNoTokensReservedOnItsRegion() throws Exception {
    hanging = new RawRegion(RawRegion.Fault.HANG);
    String firstName = fresh("held");
    String hedgeName = fresh("hangs");
    first.onInference(
        exchange -> {
          release.await(10, TimeUnit.SECONDS); // answers when the test says so
          exchange.getRequestBody().readAllBytes();
          TestRegion.send(
              exchange, 200, "application/json", "{\"output\":\"first\",\"tokens_used\":10}");
        });
    useRegions(
        region(firstName, first.endpoint(), 1, 0.1), region(hedgeName, hanging.endpoint(), 2, 0.1));
    awaitProbed(firstName, hedgeName);

    CompletableFuture<HttpResponse<String>> pending =
        CALLER.sendAsync(
            HttpRequest.newBuilder(URI.create(url("/v1/inference")))
                .header("Content-Type", "application/json")
                .header("X-Region-Router-Hedge", "1")
                .POST(HttpRequest.BodyPublishers.ofString(BODY))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(5)).until(() -> hanging.faultsServed() == 1);
    // while both legs are in flight, each region's window holds the request's estimate
    assertThat(tokens.usage(hedgeName)).isEqualTo(ESTIMATE);
    assertThat(tokens.usage(firstName)).isEqualTo(ESTIMATE);
    release.countDown();

    JsonNode answer = metadata(pending.get(10, TimeUnit.SECONDS));
    assertThat(answer.path("region").asText()).isEqualTo(firstName);
    assertThat(answer.path("hedge").asText()).isEqualTo("lost");
    await().atMost(Duration.ofSeconds(3)).until(() -> hanging.closedByRouter() == 1);
    await()
        .atMost(Duration.ofSeconds(3))
        .until(() -> inFlight(hedgeName) == 0 && inFlight(firstName) == 0);
    await().atMost(Duration.ofSeconds(3)).until(() -> tokens.usage(hedgeName) == 0);
    assertThat(tokens.usage(firstName)).isEqualTo(10);
    assertThat(health.get(hedgeName).view().failureCount()).isZero();
  }

  @Test
  void neverHedgesARequestNotMarkedSafeToRepeatEvenWhenTheFirstRegionIsSlow() throws Exception {
    String slowName = fresh("slow");
    String quickName = fresh("quick");
    first.onInference(slow(300));
    useRegions(
        region(slowName, first.endpoint(), 1, 0.1), region(quickName, second.endpoint(), 2, 0.1));
    awaitProbed(slowName, quickName);

    // the control: the caller's default marks its requests safe to repeat, and the slow region is
    // hedged
    JsonNode byDefault = metadata(inference(BODY, "X-Caller", "search"));
    assertThat(byDefault.path("hedge").asText()).isEqualTo("won");
    assertThat(second.inferenceCalls()).isEqualTo(1);

    // no header and no caller default
    JsonNode plain = metadata(inference(BODY));
    // the header turns the caller's default off
    JsonNode optedOut =
        metadata(inference(BODY, "X-Caller", "search", "X-Region-Router-Hedge", "0"));
    // a caller without defaults
    JsonNode stranger = metadata(inference(BODY, "X-Caller", "someone-else"));
    for (JsonNode answer : new JsonNode[] {plain, optedOut, stranger}) {
      assertThat(answer.path("region").asText()).isEqualTo(slowName);
      assertThat(answer.has("hedge")).isFalse();
    }
    assertThat(second.inferenceCalls()).isEqualTo(1);
    assertThat(first.inferenceCalls()).isEqualTo(4);
  }

  @Test
  void theHedgeNeverGoesToARegionOutsideTheRequestsHardFilters() throws Exception {
    String slowEu = fresh("slow-eu");
    String quickUs = fresh("quick-us");
    String quickEu = fresh("quick-eu");
    first.onInference(slow(300));
    // the US region is the next one in the router's order, but outside the request's residency
    useRegions(
        region(slowEu, first.endpoint(), 1, 0.1, "labels: {geo: eu}"),
        region(quickUs, second.endpoint(), 2, 0.1, "labels: {geo: us}"),
        region(quickEu, third.endpoint(), 3, 0.1, "labels: {geo: eu}"));
    awaitProbed(slowEu, quickUs, quickEu);

    JsonNode hedged =
        metadata(
            inference(
                BODY, "X-Region-Router-Hedge", "1", "X-Region-Router-Region-Selector", "geo=eu"));
    assertThat(hedged.path("hedge").asText()).isEqualTo("won");
    assertThat(hedged.path("region").asText()).isEqualTo(quickEu);

    // only one region passes the filter: no hedge at all, rather than one outside it
    JsonNode alone =
        metadata(
            inference(
                BODY, "X-Region-Router-Hedge", "1", "X-Region-Router-Allowed-Regions", slowEu));
    assertThat(alone.path("hedge").asText()).isEqualTo("skipped_no_target");
    assertThat(alone.path("region").asText()).isEqualTo(slowEu);

    assertThat(second.inferenceCalls()).isZero();
    assertThat(third.inferenceCalls()).isEqualTo(1);
  }
}
