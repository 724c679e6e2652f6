package dev.regionrouter.router.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Per-request hints, caller defaults, hard filters, token capacity, hedging and the explain output,
 * over HTTP.
 */
@TestPropertySource(
    properties = {
      "router.routing.callers.team-eu.region-selector=geo=eu",
      "router.routing.callers.team-eu.policy=lowest-cost",
      "router.routing.caller-header=X-Caller"
    })
class RoutingHintsIT extends RouterIT {

  private static final String BODY = "{\"prompt\":\"hello\",\"max_tokens\":100}";

  private final TestRegion us = new TestRegion("us", 0);
  private final TestRegion eu = new TestRegion("eu", 0);

  @AfterEach
  void stop() {
    us.close();
    eu.close();
  }

  private String[] twoRegions() throws Exception {
    String usName = fresh("us");
    String euName = fresh("eu");
    useRegions(
        region(usName, us.endpoint(), 1, 0.2, "labels: {geo: us}"),
        region(euName, eu.endpoint(), 2, 0.5, "labels: {geo: eu}"));
    return new String[] {usName, euName};
  }

  @Test
  void filtersThatMatchNoRegionAnswer503NamingTheFilter() throws Exception {
    twoRegions();
    HttpResponse<String> response = inference(BODY, "X-Region-Router-Allowed-Providers", "gcp");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).isPresent();
    JsonNode error = json(response).path("error");
    assertThat(error.path("code").asText()).isEqualTo("no_region_matches");
    assertThat(error.path("message").asText()).contains("allowed-providers=gcp");
    assertThat(us.inferenceCalls() + eu.inferenceCalls()).isZero();
  }

  @Test
  void aDownRegionInsideTheFilterIsTriedButNoRegionOutsideIt() throws Exception {
    String[] names = twoRegions();
    eu.stop();
    HttpResponse<String> response = inference(BODY, "X-Region-Router-Region-Selector", "geo=eu");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(json(response).path("error").path("code").asText()).isEqualTo("no_region_available");
    assertThat(us.inferenceCalls()).isZero();
    assertThat(names).hasSize(2);
  }

  @Test
  void malformedHintIs400NamingTheHeader() throws Exception {
    twoRegions();
    HttpResponse<String> response =
        inference(BODY, "X-Region-Router-Region-Selector", "geo in (eu");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("error").path("code").asText()).isEqualTo("invalid_hint");
    assertThat(json(response).path("error").path("message").asText())
        .startsWith("X-Region-Router-Region-Selector:");
  }

  @Test
  void regionSelectorKeepsTheRequestInItsResidency() throws Exception {
    String[] names = twoRegions();
    assertThat(json(inference(BODY)).path("metadata").path("region").asText()).isEqualTo(names[0]);
    HttpResponse<String> eu = inference(BODY, "X-Region-Router-Region-Selector", "geo in (eu, ch)");
    assertThat(eu.statusCode()).isEqualTo(200);
    assertThat(json(eu).path("metadata").path("region").asText()).isEqualTo(names[1]);
  }

  @Test
  void callerDefaultsApplyByTheCallerHeaderAndRequestHintsOverrideThem() throws Exception {
    String[] names = twoRegions();
    JsonNode teamEu = json(inference(BODY, "X-Caller", "team-eu")).path("metadata");
    assertThat(teamEu.path("region").asText()).isEqualTo(names[1]);
    assertThat(teamEu.path("policy").asText()).isEqualTo("lowest-cost");
    JsonNode overridden =
        json(inference(BODY, "X-Caller", "team-eu", "X-Region-Router-Region-Selector", "geo=us"))
            .path("metadata");
    assertThat(overridden.path("region").asText()).isEqualTo(names[0]);
    assertThat(
            json(inference(BODY, "X-Caller", "someone-else"))
                .path("metadata")
                .path("policy")
                .asText())
        .isEqualTo("priority-latency");
  }

  @Test
  void debugHeaderExplainsTheDecision() throws Exception {
    String[] names = twoRegions();
    HttpResponse<String> response =
        inference(
            BODY,
            "X-Region-Router-Debug",
            "1",
            "X-Region-Router-Policy",
            "lowest-cost",
            "X-Region-Router-Max-Cost-Per-1k",
            "0.3");
    assertThat(response.statusCode()).isEqualTo(200);
    String header = response.headers().firstValue("X-Region-Router-Decision").orElseThrow();
    assertThat(header)
        .startsWith("policy=lowest-cost; chosen=" + names[0])
        .contains("why=lowest cost 0.2 USD/1k")
        .contains(names[1] + "[filtered")
        .contains("above max 0.3");
    JsonNode decision = json(response).path("metadata").path("decision");
    assertThat(decision.path("chosen").asText()).isEqualTo(names[0]);
    assertThat(decision.path("candidates")).hasSize(2);
    JsonNode first = null;
    JsonNode other = null;
    for (JsonNode candidate : decision.path("candidates")) {
      if (candidate.path("region").asText().equals(names[0])) {
        first = candidate;
      } else {
        other = candidate;
      }
    }
    assertThat(first).isNotNull();
    assertThat(first.path("outcome").asText()).isEqualTo("chosen");
    assertThat(
            first.has("priority")
                && first.has("latency_ms")
                && first.has("cost_per_1k")
                && first.has("health")
                && first.has("capacity")
                && first.has("score"))
        .isTrue();
    assertThat(other.path("outcome").asText()).isEqualTo("filtered");
    // without the header: no explanation
    HttpResponse<String> plain = inference(BODY);
    assertThat(plain.headers().firstValue("X-Region-Router-Decision")).isEmpty();
    assertThat(json(plain).path("metadata").has("decision")).isFalse();
  }

  @Test
  void statusShowsScorePartsAndTheLastDecision() throws Exception {
    String[] names = twoRegions();
    assertThat(inference(BODY).statusCode()).isEqualTo(200);
    JsonNode status = json(get("/regions/status")).path("regions");
    JsonNode chosen = status.path(names[0]);
    assertThat(chosen.path("latency_cache").isNumber()).isTrue();
    assertThat(chosen.has("failure_count")).isTrue();
    assertThat(chosen.path("score_parts").path("priority").asInt()).isEqualTo(1);
    assertThat(chosen.path("score_parts").has("latency_term")).isTrue();
    assertThat(chosen.path("labels").path("geo").asText()).isEqualTo("us");
    assertThat(chosen.path("last_decision").path("outcome").asText()).isEqualTo("chosen");
    assertThat(chosen.path("last_decision").path("reason").asText()).startsWith("lowest score");
    assertThat(status.path(names[1]).path("last_decision").path("outcome").asText())
        .isEqualTo("ranked");
    JsonNode decision = json(get("/regions/decision"));
    assertThat(decision.path("chosen").asText()).isEqualTo(names[0]);
    assertThat(decision.path("policy").asText()).isEqualTo("priority-latency");
  }

  @Test
  void tokensPerMinuteSpillsTheExcessToTheNextRegion() throws Exception {
    String a = fresh("tpm");
    String b = fresh("spill");
    useRegions(
        region(a, us.endpoint(), 1, 0.2, "capacity: {tokensPerMinute: 150}"),
        region(b, eu.endpoint(), 2, 0.5));
    // the first takes the empty window; the region reports tokens_used = max_tokens = 100
    assertThat(json(inference(BODY)).path("metadata").path("region").asText()).isEqualTo(a);
    // 100 used + ~101 estimated > 150: the next one goes to the next region
    assertThat(json(inference(BODY)).path("metadata").path("region").asText()).isEqualTo(b);
    assertThat(
            json(get("/regions/status"))
                .path("regions")
                .path(a)
                .path("tokens_last_minute")
                .asLong())
        .isEqualTo(100);
  }

  @Test
  void costWithinLatencyBudgetLeavesARegionWhoseTailMissesTheBudget() throws Exception {
    String cheap = fresh("cheap");
    String dear = fresh("dear");
    us.onInference(
        exchange -> {
          Thread.sleep(150); // the cheap region is slow: over a 100 ms budget
          exchange.getRequestBody().readAllBytes();
          TestRegion.send(
              exchange, 200, "application/json", "{\"output\":\"slow\",\"tokens_used\":10}");
        });
    useRegions(region(cheap, us.endpoint(), 1, 0.1), region(dear, eu.endpoint(), 1, 0.9));
    String[] hints = {
      "X-Region-Router-Policy",
      "cost-within-latency-budget",
      "X-Region-Router-Latency-Budget-Ms",
      "100"
    };
    // both probed first: unmeasured regions count as 1 s, over the budget, and the cheap one would
    // not be tried
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              JsonNode status = json(get("/regions/status")).path("regions");
              return status.path(cheap).path("latency_cache").isNumber()
                  && status.path(dear).path("latency_cache").isNumber();
            });
    // with no traffic measured the cheap one is tried on its probe latency; its answers then show
    // it is slow
    // (the traffic EWMA at once, the p90 once 8 answers are known)
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                json(inference(BODY, hints)).path("metadata").path("region").asText().equals(dear));
    assertThat(us.inferenceCalls()).isBetween(1, 12);
    for (int i = 0; i < 5; i++) {
      assertThat(json(inference(BODY, hints)).path("metadata").path("region").asText())
          .isEqualTo(dear);
    }
  }

  @Test
  void aHedgedRequestIsAnsweredByTheSecondRegionWhenTheFirstIsSlow() throws Exception {
    String slow = fresh("slow");
    String quick = fresh("quick");
    us.onInference(
        exchange -> {
          Thread.sleep(500); // under the 700 ms try timeout: only a hedge gets an earlier answer
          exchange.getRequestBody().readAllBytes();
          TestRegion.send(
              exchange, 200, "application/json", "{\"output\":\"slow\",\"tokens_used\":10}");
        });
    useRegions(region(slow, us.endpoint(), 1, 0.1), region(quick, eu.endpoint(), 2, 0.1));
    JsonNode hedged = json(inference(BODY, "X-Region-Router-Hedge", "1")).path("metadata");
    assertThat(hedged.path("region").asText()).isEqualTo(quick);
    assertThat(hedged.path("hedge").asText()).isEqualTo("won");
    JsonNode plain = json(inference(BODY)).path("metadata");
    assertThat(plain.path("region").asText()).isEqualTo(slow);
    assertThat(plain.has("hedge")).isFalse();
    assertThat(List.of(eu.inferenceCalls())).containsExactly(1);
  }
}
