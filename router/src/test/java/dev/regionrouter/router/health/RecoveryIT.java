package dev.regionrouter.router.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A region that flaps while its health check stays green (its inference answers 503, /health 200)
 * gets its traffic back within 10 s of recovering under steady traffic, with the default ejection
 * settings: while it is ejected, one request every router.health.half-open-interval (5 s) is its
 * trial, and a trial that succeeds ends the ejection. A trial that meets the outage fails over to
 * the next region inside the same request, so callers see no error at any time.
 */
class RecoveryIT extends RouterIT {

  private static final String PROMPT = "{\"prompt\":\"Hello\",\"max_tokens\":5}";

  @Autowired HealthRegistry health;

  private final AtomicBoolean failing = new AtomicBoolean(true);
  private final TestRegion primary =
      new TestRegion("primary", 0)
          .onInference(
              exchange -> {
                if (failing.get()) {
                  TestRegion.send(exchange, 503, "application/json", "{\"error\":\"overloaded\"}");
                } else {
                  TestRegion.send(
                      exchange,
                      200,
                      "application/json",
                      "{\"output\":\"primary\",\"tokens_used\":1}");
                }
              });
  private final TestRegion fallback = new TestRegion("fallback", 0);

  @AfterEach
  void stop() {
    primary.close();
    fallback.close();
  }

  private String servedBy() throws Exception {
    HttpResponse<String> response = inference(PROMPT);
    assertThat(response.statusCode()).as("no caller sees the outage").isEqualTo(200);
    return response.headers().firstValue("X-Region-Router-Region").orElseThrow();
  }

  @Test
  void aRegionThatRecoversGetsItsTrafficBackWithinTenSeconds() throws Exception {
    PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);
    // the outage, met by steady traffic (one request every 500 ms for 8 s): the primary is
    // ejected, and its trials during the ejection meet the outage too
    for (int i = 0; i < 16; i++) {
      assertThat(servedBy()).isEqualTo(names.fallback());
      Thread.sleep(500); // the traffic's pace, not a wait for an outcome
    }
    assertThat(health.get(names.primary()).view().ejected()).isTrue();
    int callsDuringOutage = primary.inferenceCalls();
    assertThat(callsDuringOutage)
        .as("an ejected region gets only its trials")
        .isLessThanOrEqualTo(6);

    failing.set(false);

    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> servedBy().equals(names.primary()));
    assertThat(health.get(names.primary()).view().ejected()).isFalse();
  }
}
