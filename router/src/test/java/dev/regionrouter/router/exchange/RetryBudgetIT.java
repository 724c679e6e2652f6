package dev.regionrouter.router.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The retry budget end to end: a fleet that keeps failing gets each request once plus retries up to
 * the budget's ratio, not maxAttempts times every request. (No per-second minimum here, so the
 * count is exact; the window is 10 s, longer than this test.) Retries after a refused connection
 * are not charged.
 */
@TestPropertySource(
    properties = {
      "router.proxy.retry-budget-ratio=0.2",
      "router.proxy.retry-budget-min-per-second=0"
    })
class RetryBudgetIT extends RouterIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestRegion first =
      new TestRegion("first", 0)
          .onInference(ex -> TestRegion.send(ex, 503, "text/plain", "overloaded"));
  private final TestRegion second =
      new TestRegion("second", 0)
          .onInference(ex -> TestRegion.send(ex, 503, "text/plain", "overloaded"));
  private final TestRegion third =
      new TestRegion("third", 0)
          .onInference(ex -> TestRegion.send(ex, 503, "text/plain", "overloaded"));

  @AfterEach
  void stopRegions() {
    first.close();
    second.close();
    third.close();
  }

  @Test
  void failingFleetIsNotHammeredBeyondTheRetryBudget() throws Exception {
    useRegions(
        region(fresh("first"), first.endpoint(), 0, 0.1),
        region(fresh("second"), second.endpoint(), 1, 0.1),
        region(fresh("third"), third.endpoint(), 2, 0.1));
    int requests = 100;
    int budgetRefusals = 0;
    for (int i = 0; i < requests; i++) {
      HttpResponse<String> response = inference("{\"prompt\":\"x\"}");
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).isPresent();
      String message = JSON.readTree(response.body()).path("error").path("message").asText();
      if (message.startsWith("retry budget exhausted")) {
        budgetRefusals++;
      }
    }
    int upstreamCalls = first.inferenceCalls() + second.inferenceCalls() + third.inferenceCalls();
    // without a budget: 3 attempts x 100 requests = 300 calls; with it: 100 + 20 % of 100 (+1: the
    // very first request may retry at once, its own count making the ratio)
    assertThat(upstreamCalls).isBetween(requests + 1, requests + 21);
    assertThat(budgetRefusals).isGreaterThan(requests / 2);

    // the budget is spent, yet a region that refuses connections still fails over: a connection
    // never made put no load on anyone, so its retry is free
    TestRegion alive = new TestRegion("alive", 0);
    try (alive) {
      useRegions(
          region(fresh("dead"), "http://127.0.0.1:" + deadPort(), 0, 0.1),
          region(
              fresh("alive"),
              alive.endpoint(),
              20,
              0.1)); // 20: outranks the dead one's unmeasured latency
      HttpResponse<String> response = inference("{\"prompt\":\"x\"}");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.headers().firstValue("X-Region-Router-Attempts")).hasValue("2");
    }
  }
}
