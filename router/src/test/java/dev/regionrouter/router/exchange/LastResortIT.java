package dev.regionrouter.router.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An ejection can outlast the outage behind it: when every region the plan holds fails, the regions
 * left out as unavailable are tried last, before a 503 (found by bench/soak: a region ejected after
 * a short burst of 500s, the only other one answering 503 a moment later).
 */
class LastResortIT extends RouterIT {

  private static final String PROMPT = "{\"prompt\":\"Hello\",\"max_tokens\":5}";

  @Autowired HealthRegistry health;

  private final AtomicInteger primaryStatus = new AtomicInteger(500);
  private final AtomicInteger fallbackStatus = new AtomicInteger(200);
  private final TestRegion primary =
      new TestRegion("primary", 0)
          .onInference(
              exchange ->
                  TestRegion.send(
                      exchange,
                      primaryStatus.get(),
                      "application/json",
                      "{\"output\":\"primary\",\"tokens_used\":1}"));
  private final TestRegion fallback =
      new TestRegion("fallback", 0)
          .onInference(
              exchange ->
                  TestRegion.send(
                      exchange,
                      fallbackStatus.get(),
                      "application/json",
                      "{\"output\":\"fallback\",\"tokens_used\":1}"));

  @AfterEach
  void stop() {
    primary.close();
    fallback.close();
  }

  @Test
  void anEjectedRegionIsTriedLastWhenEveryAvailableOneFailed() throws Exception {
    PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);
    for (int i = 0; i < 3; i++) {
      assertThat(inference(PROMPT).statusCode()).isEqualTo(200); // served by the fallback
    }
    assertThat(health.get(names.primary()).view().ejectedUntil())
        .as("three 500s in a row")
        .isNotNull();

    primaryStatus.set(200); // the primary's outage is over, its ejection is not
    fallbackStatus.set(503); // and now the fallback fails
    HttpResponse<String> response = inference(PROMPT);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Region-Router-Region")).contains(names.primary());
    assertThat(response.headers().firstValue("X-Region-Router-Attempts")).contains("2");
  }
}
