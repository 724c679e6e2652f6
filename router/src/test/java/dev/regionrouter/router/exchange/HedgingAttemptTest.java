package dev.regionrouter.router.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.api.table.RoutingTable;
import dev.regionrouter.router.config.ProxyProperties;
import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.observe.RouterMetrics;
import dev.regionrouter.router.selection.HintHeaders;
import dev.regionrouter.router.selection.LatencyWindow;
import dev.regionrouter.router.selection.RoutePlanner;
import dev.regionrouter.router.selection.RouteRequest;
import dev.regionrouter.router.selection.RoutingMetrics;
import dev.regionrouter.router.selection.RoutingProperties;
import dev.regionrouter.router.selection.TokenMeter;
import dev.regionrouter.router.support.RoutingCore;
import dev.regionrouter.router.table.TableHolder;
import dev.regionrouter.router.upstream.Credentials;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * The hedging wrapper around the real attempt loop and planner, with attempts that answer (or
 * block) in process: the bookkeeping of a hedged request (retry budget, token reservations), which
 * HTTP cannot observe. The wire behaviour (cancellation, budget, filters) is in HedgingIT.
 */
class HedgingAttemptTest {

  private static final long ESTIMATE = 100;

  private final Clock clock = Clock.systemUTC();
  private final RouterMetrics metrics = new RouterMetrics(new SimpleMeterRegistry());
  private final RoutingCore core = RoutingCore.over(clock).metrics(metrics).build();
  private final RoutingProperties routing = core.routing();
  private final HealthRegistry health = core.health();
  private final TableHolder tables = new TableHolder("test", clock, metrics);
  private final TokenMeter tokens = core.tokens();
  private final LatencyWindow latencies = core.latencies();
  private final RoutePlanner planner = core.planner();

  /**
   * Retries may be as many as the requests, no free ones: what it grants shows how many requests it
   * counted.
   */
  private final RetryBudget retries = new RetryBudget(1.0, 0);

  private final ProxyProperties proxy =
      new ProxyProperties(
          3,
          Duration.ofSeconds(5),
          Duration.ofSeconds(10),
          Duration.ofSeconds(1),
          Duration.ofSeconds(60),
          Duration.ofSeconds(5),
          Duration.ofSeconds(5),
          DataSize.ofKilobytes(64),
          Duration.ofSeconds(1),
          DataSize.ofMegabytes(1),
          0.2,
          10,
          1,
          Duration.ofMillis(100),
          Duration.ofSeconds(5),
          List.of("context_length_exceeded"),
          Duration.ofSeconds(1),
          false,
          false);
  private final AttemptLoop loop =
      new AttemptLoop(
          tables,
          health,
          routing,
          proxy,
          retries,
          Credentials.NONE,
          metrics,
          new Random(7),
          planner);
  private final HedgingAttempt hedging =
      new HedgingAttempt(
          health,
          latencies,
          RoutingProperties.Hedging.DEFAULTS,
          new RoutingMetrics(new SimpleMeterRegistry()),
          Duration.ofSeconds(5));
  private final Exchange.Ledger ledger = new Exchange.Ledger(tokens, latencies, metrics);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  /** The attempts on the region named "slow" answer when the test completes this. */
  private final CompletableFuture<Void> slowAnswers = new CompletableFuture<>();

  HedgingAttemptTest() {
    tables.addListener(health::onTable);
    tables.accept(
        RoutingTable.of(
            List.of(
                RegionEntry.of("slow", "http://slow", 0.1, 1, "aws"),
                RegionEntry.of("quick", "http://quick", 0.1, 2, "aws"))),
        "test");
    // one fast answer known: the hedge starts after the minimum delay (20 ms)
    latencies.record("slow", 0.001);
  }

  @AfterEach
  void stop() {
    slowAnswers.complete(null);
    timer.shutdownNow();
  }

  private Exchange hedgeable() {
    return ledger.open(
        new RouteRequest(HintHeaders.parse(Map.of(HintHeaders.HEDGE, "1")::get), null, ESTIMATE),
        Deadline.in(Duration.ofSeconds(10)));
  }

  /**
   * "slow" answers when the test lets it (or never, when the leg is cancelled first); the others at
   * once.
   */
  private CompletableFuture<AttemptLoop.Result<String>> attempt(AttemptLoop.Try attempt) {
    AttemptLoop.Result<String> done =
        new AttemptLoop.Done<>(attempt.region().name(), Duration.ofMillis(1), Outcome.SUCCESS);
    if (attempt.region().name().equals("slow")) {
      CompletableFuture<AttemptLoop.Result<String>> answer = slowAnswers.thenApply(v -> done);
      return answer;
    }
    return CompletableFuture.completedFuture(done);
  }

  private AttemptLoop.Served<String> run(Exchange request) throws Exception {
    return hedging
        .run(request, leg -> loop.run(leg, null, this::attempt), timer)
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void aHedgedRequestCountsOnceInTheRetryBudget() throws Exception {
    Exchange request = hedgeable();
    AttemptLoop.Served<String> served = run(request);
    assertThat(served.region().name()).isEqualTo("quick");
    assertThat(request.route().hedge()).isEqualTo("won");
    // one request counted (not two, one per leg): with a ratio of 1 and no free retries, one retry
    assertThat(retries.tryStartRetry()).isTrue();
    assertThat(retries.tryStartRetry()).isFalse();
  }

  @Test
  void aLosingHedgeLegGivesBackItsTokenReservation() throws Exception {
    // the hedge leg goes to "quick" but is made to hang there, so the first leg ("slow") wins
    CompletableFuture<AttemptLoop.Result<String>> quickHangs = new CompletableFuture<>();
    CountDownLatch quickCalled = new CountDownLatch(1);
    Exchange request = hedgeable();
    CompletableFuture<AttemptLoop.Served<String>> result =
        hedging.run(
            request,
            leg ->
                loop.run(
                    leg,
                    null,
                    t -> {
                      if (t.region().name().equals("quick")) {
                        quickCalled.countDown();
                        return quickHangs; // until the leg is cancelled
                      }
                      return attempt(t);
                    }),
            timer);
    assertThat(quickCalled.await(5, TimeUnit.SECONDS)).isTrue();
    // while the hedge is in flight its region counts it
    assertThat(tokens.usage("quick")).isEqualTo(ESTIMATE);
    assertThat(tokens.usage("slow")).isEqualTo(ESTIMATE);
    slowAnswers.complete(null);
    AttemptLoop.Served<String> served = result.get(5, TimeUnit.SECONDS);
    assertThat(quickHangs).as("the losing leg's region call is cancelled").isCancelled();
    assertThat(served.region().name()).isEqualTo("slow");
    assertThat(request.route().hedge()).isEqualTo("lost");
    // the cancelled leg leaves nothing reserved; the winner's reservation waits for the request's
    // settle
    await().atMost(Duration.ofSeconds(5)).until(() -> tokens.usage("quick") == 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> health.get("quick").view().inFlight() == 0);
    request.served(served.region(), 40L, served.latency());
    assertThat(tokens.usage("slow")).isEqualTo(40);
    assertThat(tokens.usage("quick")).isZero();
  }

  @Test
  void aWinningHedgeLegIsChargedOnlyWhatItsRegionReported() throws Exception {
    Exchange request = hedgeable();
    AttemptLoop.Served<String> served = run(request);
    assertThat(request.route().hedge()).isEqualTo("won");
    request.served(served.region(), 40L, served.latency());
    await().atMost(Duration.ofSeconds(5)).until(() -> health.get("slow").view().inFlight() == 0);
    assertThat(tokens.usage("quick")).isEqualTo(40);
    assertThat(tokens.usage("slow")).isZero();
  }
}
