package dev.regionrouter.router.exchange;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.config.ProxyProperties;
import dev.regionrouter.router.error.RouterException;
import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.observe.RouterMetrics;
import dev.regionrouter.router.selection.AttemptPlan;
import dev.regionrouter.router.selection.RoutePlanner;
import dev.regionrouter.router.selection.RouteRequest;
import dev.regionrouter.router.selection.RoutingPolicy;
import dev.regionrouter.router.selection.RoutingProperties;
import dev.regionrouter.router.table.TableHolder;
import dev.regionrouter.router.table.TableSnapshot;
import dev.regionrouter.router.upstream.Credentials;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's attempts, asynchronously: plan the regions ({@link RoutePlanner}), then try them in
 * order, each within the per-try timeout and all within the request's deadline, at most
 * maxAttempts, a retry only when the retry budget allows. Every attempt's result feeds the region's
 * health (and may eject it). What an attempt does on the wire is the caller's {@link Attempt}: a
 * buffered JSON exchange or a streamed relay. An attempt that wrote to the client returns {@link
 * Done}: from then on nothing is retried.
 */
public class AttemptLoop {

  private static final Logger log = LoggerFactory.getLogger(AttemptLoop.class);

  final TableHolder tables;

  /** The routing settings' policy, made once (the settings do not change while running). */
  private final RoutingPolicy defaultPolicy;

  /** What every run shares: health, settings, budget, credentials, meters. */
  final AttemptContext context;

  /** Plans with the request's hints, filters and routing state. */
  final RoutePlanner planner;

  public AttemptLoop(
      TableHolder tables,
      HealthRegistry health,
      RoutingProperties routing,
      ProxyProperties proxy,
      RetryBudget budget,
      Credentials credentials,
      RouterMetrics metrics,
      RandomGenerator random,
      RoutePlanner planner) {
    this.tables = tables;
    this.defaultPolicy = routing.policy();
    this.context = new AttemptContext(health, proxy, budget, credentials, metrics, random);
    this.planner = planner;
  }

  /**
   * What one attempt on one region sees. answered: to call when the region's answer starts (the
   * response headers of a stream), so a long stream is not taken for a hung region. streamHead: to
   * call with the time until the head of a streamed (text/event-stream) answer arrived: real
   * traffic's sample of the region's latency (see RegionHealth.recordStreamHead).
   */
  public record Try(
      RegionEntry region,
      int number,
      Duration timeout,
      Optional<String> token,
      Runnable answered,
      java.util.function.Consumer<Duration> streamHead) {}

  /**
   * One attempt on the wire, asynchronous. Its future fails with the client's exceptions, which are
   * classified here: refused, connect timeout, timeout, reset. Cancelling it aborts the attempt.
   */
  @FunctionalInterface
  public interface Attempt<T> {
    CompletableFuture<Result<T>> call(Try attempt);
  }

  public sealed interface Result<T> permits Done, Failed {}

  /**
   * The attempt reached its commit point: its answer goes to the caller (success, or a 4xx that is
   * the caller's fault), and the request is bound to this region. The attempt is over for the loop:
   * nothing it runs (the hold check, the next region) can touch the request any more. tail: for a
   * streamed answer, the rest of the stream, completing with true when it ended whole (or the
   * caller left) and false when the region broke it; the region keeps its in-flight slot until
   * then, and a broken tail counts as its failure. null when the answer was whole.
   */
  public record Done<T>(T value, Duration latency, Outcome outcome, CompletableFuture<Boolean> tail)
      implements Result<T> {
    public Done(T value, Duration latency, Outcome outcome) {
      this(value, latency, outcome, null);
    }
  }

  /**
   * Nothing reached the caller; the request moves on (or tries the region again, see {@link
   * Outcome#transientFault()}). retryAfter: a 429's Retry-After, or null. declined: for {@link
   * Outcome#DECLINED}, the region's answer, relayed when no other region serves.
   */
  public record Failed<T>(Outcome outcome, Duration retryAfter, Done<T> declined)
      implements Result<T> {
    public static <T> Failed<T> of(Outcome outcome) {
      return new Failed<>(outcome, null, null);
    }

    public static <T> Failed<T> throttled(Duration retryAfter) {
      return new Failed<>(Outcome.THROTTLED, retryAfter, null);
    }

    /**
     * A region declined what another region may serve (such as a context too long for its model).
     */
    public static <T> Failed<T> declined(Done<T> answer) {
      return new Failed<>(Outcome.DECLINED, null, answer);
    }
  }

  /** The result of a served request. */
  public record Served<T>(
      T value, RegionEntry region, int attempts, Duration latency, boolean panic, String policy) {}

  /**
   * Plans the request (or hedge leg) now and runs its attempts. The future completes with the
   * served answer, or fails with a {@link RouterException} (503, 504). Cancelling it aborts the
   * attempt in flight and stops. timers: where the request's hold checks, first-byte limits and
   * retry backoffs run (its event loop; null: no hold checks, retries without a pause); with them,
   * a request that a region holds past its hold limit while the region answers nothing at all is
   * moved on at once (a hung region) instead of at the per-try timeout.
   */
  public <T> CompletableFuture<Served<T>> run(
      Exchange exchange, ScheduledExecutorService timers, Attempt<T> attempt) {
    RouteRequest route = exchange.route();
    Deadline deadline = exchange.deadline();
    TableSnapshot snapshot = tables.current();
    if (snapshot == null) {
      context.metrics().request(null, "no_table");
      return CompletableFuture.failedFuture(
          new RouterException(
              503,
              "no_routing_table",
              "no routing table loaded yet",
              context.proxy().retryAfter(),
              0));
    }
    if (snapshot.table().regions().isEmpty()) {
      context.metrics().request(null, "no_regions");
      return CompletableFuture.failedFuture(
          new RouterException(
              503,
              "no_regions_configured",
              "the routing table ("
                  + snapshot.source()
                  + ") has no regions: declare InferenceRegions in the router's "
                  + "namespace (or regions in its file)",
              context.proxy().retryAfter(),
              0));
    }
    if (route.pinnedRegion() == null) {
      // a hedged request is one request: its second leg is paid for by the hedging budget and
      // must not also raise the retry budget (which would let it allow more retries than it should)
      context.budget().requestStarted();
    }
    AttemptPlan plan = planner.plan(snapshot, route, context.random());
    exchange.planned(plan);
    // a hedge leg is pinned to one region: it never reaches for others
    AttemptOrder order =
        new AttemptOrder(
            plan,
            snapshot,
            route.pinnedRegion() != null ? null : route.filters(),
            context.health(),
            defaultPolicy,
            context.random());
    AttemptRun<T> run =
        new AttemptRun<>(context, plan, order, deadline, attempt, timers, route.model());
    run.next();
    return run.served;
  }

  /** A region that answered 429, and how long the request would wait before asking it again. */
  record Throttled(RegionEntry region, Duration pause) {}

  static Outcome classify(Throwable cause, boolean clamped) {
    if (cause instanceof HttpConnectTimeoutException) {
      return Outcome.CONNECT_TIMEOUT;
    }
    if (cause instanceof HttpTimeoutException) {
      return clamped ? Outcome.DEADLINE : Outcome.TIMEOUT;
    }
    if (cause instanceof ConnectException) {
      return Outcome.REFUSED;
    }
    return Outcome.RESET;
  }

  /** The cause inside a CompletionException. */
  public static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof java.util.concurrent.CompletionException
            || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
