package dev.regionrouter.router.exchange;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.config.ProxyProperties;
import dev.regionrouter.router.error.RouterException;
import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.health.RegionHealth;
import dev.regionrouter.router.observe.RouterMetrics;
import dev.regionrouter.router.selection.AttemptPlan;
import dev.regionrouter.router.selection.Candidate;
import dev.regionrouter.router.selection.FilteredPlan;
import dev.regionrouter.router.selection.RouteFilters;
import dev.regionrouter.router.selection.RoutePlanner;
import dev.regionrouter.router.selection.RouteRequest;
import dev.regionrouter.router.selection.RoutingProperties;
import dev.regionrouter.router.table.TableHolder;
import dev.regionrouter.router.table.TableSnapshot;
import dev.regionrouter.router.upstream.Credentials;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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

  private final TableHolder tables;
  private final HealthRegistry health;
  private final RoutingProperties routing;
  private final ProxyProperties proxy;
  private final RetryBudget budget;
  private final Credentials credentials;
  private final RouterMetrics metrics;
  private final RandomGenerator random;

  /**
   * When a 503 was last logged: one line a second says why requests fail, without flooding the log.
   */
  private final java.util.concurrent.atomic.AtomicLong lastNoRegionLog =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - 2_000_000_000L);

  private final SelectionLog selections = new SelectionLog();

  /** Plans with the request's hints, filters and routing state. */
  private final RoutePlanner planner;

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
    this.health = health;
    this.routing = routing;
    this.proxy = proxy;
    this.budget = budget;
    this.credentials = credentials;
    this.metrics = metrics;
    this.random = random;
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
      RouteRequest route, Deadline deadline, ScheduledExecutorService timers, Attempt<T> attempt) {
    TableSnapshot snapshot = tables.current();
    if (snapshot == null) {
      metrics.request(null, "no_table");
      return CompletableFuture.failedFuture(
          new RouterException(
              503, "no_routing_table", "no routing table loaded yet", proxy.retryAfter(), 0));
    }
    if (snapshot.table().regions().isEmpty()) {
      metrics.request(null, "no_regions");
      return CompletableFuture.failedFuture(
          new RouterException(
              503,
              "no_regions_configured",
              "the routing table ("
                  + snapshot.source()
                  + ") has no regions: declare InferenceRegions in the router's "
                  + "namespace (or regions in its file)",
              proxy.retryAfter(),
              0));
    }
    if (route.pinnedRegion() == null) {
      // a hedged request is one request: its second leg is paid for by the hedging budget and
      // must not also raise the retry budget (which would let it allow more retries than it should)
      budget.requestStarted();
    }
    AttemptPlan plan = planner.plan(snapshot, route, random);
    Run<T> run = new Run<>(plan, deadline, attempt, timers, route.model());
    run.snapshot = snapshot;
    // a hedge leg is pinned to one region: it never reaches for others
    run.lastResorts = route.pinnedRegion() != null ? null : route.filters();
    run.next();
    return run.served;
  }

  /**
   * One request's walk down its plan: next() starts an attempt on the next region, and an attempt's
   * completion decides what comes after it (done, the same region again after a pause, or the next
   * region).
   */
  private final class Run<T> {
    final AttemptPlan plan;
    final Deadline deadline;
    final Attempt<T> attempt;
    final ScheduledExecutorService timers;
    final CompletableFuture<Served<T>> served = new CompletableFuture<>();
    final List<String> failures = new ArrayList<>();

    /** Walked lazily: a plan builds its order only as far as it is read. */
    java.util.Iterator<AttemptPlan.Scored> order;

    /** The best region skipped as stalled: tried when no other region could take the request. */
    AttemptPlan.Scored deferred;

    boolean lastResort;
    TableSnapshot snapshot;

    /** The request's hard filters, for the unavailable regions tried last; null: none are tried. */
    RouteFilters lastResorts;

    /**
     * Regions tried in this request: at most max-attempts, so a list (its array allocated on the
     * first add).
     */
    final List<String> tried = new ArrayList<>();

    boolean stopped;
    int attempts;

    /** Tries of the current region after a transient fault. */
    int sameRegionRetries;

    /**
     * The throttled region whose Retry-After (or backoff) is shortest: tried again when no other
     * region serves.
     */
    Throttled throttled;

    boolean throttledRetried;
    Duration throttledFor;
    boolean onlyThrottled = true;

    /**
     * A region's answer that declined the request (DECLINED): relayed when no other region serves.
     */
    Done<T> declined;

    RegionEntry declinedBy;
    String previous;
    String stopReason;
    boolean lastReachedRegion = true;
    volatile CompletableFuture<Result<T>> inFlight;

    /**
     * The model the request names (null: none): its rate limits and failures are the model's, not
     * the region's.
     */
    final String model;

    /**
     * Regions passed over because the request's model is cooling or ejected there: tried after the
     * plan.
     */
    List<AttemptPlan.Scored> modelUnavailable;

    Run(
        AttemptPlan plan,
        Deadline deadline,
        Attempt<T> attempt,
        ScheduledExecutorService timers,
        String model) {
      this.model = model;
      this.plan = plan;
      this.deadline = deadline;
      this.attempt = attempt;
      this.timers = timers;
      this.order = plan.order().iterator();
      served.whenComplete(
          (value, error) -> {
            CompletableFuture<Result<T>> current = inFlight;
            if (served.isCancelled()) {
              if (current != null) {
                current.cancel(false); // the caller left or the hedge lost: abort the region call
              }
              metrics.request(previous, "cancelled");
            }
          });
    }

    /** Starts an attempt on the next region that can take the request, or ends the request. */
    void next() {
      if (attempts == 0 && startEjectionTrial()) {
        return;
      }
      while (!served.isDone()) {
        AttemptPlan.Scored scored = nextInOrder();
        if (scored == null) {
          break;
        }
        if (tried.size() >= proxy.maxAttempts() || deadline.passed()) {
          stopped = true;
          break;
        }
        RegionEntry region = scored.candidate().entry();
        if (tried.contains(region.name())) {
          continue; // already tried in this request
        }
        RegionHealth regionHealth = health.get(region.name());
        if (regionHealth == null) {
          continue; // left the table since the plan was made
        }
        if (model != null && !lastResort && !regionHealth.models().available(model)) {
          metrics.attempt(region.name(), "model_unavailable");
          if (modelUnavailable == null) {
            modelUnavailable = new ArrayList<>(2);
          }
          modelUnavailable.add(scored);
          continue;
        }
        Optional<String> token = token(region);
        if (token == null) {
          continue;
        }
        boolean trial = false;
        if (!lastResort && regionHealth.stalled()) {
          if (regionHealth.firstNoticeOfStall()) {
            log.warn(
                "region {} has requests in flight and answered none for a while: new requests go to the next"
                    + " region (one trial a second) until it answers",
                region.name());
          }
          if (!regionHealth.tryTrial()) {
            metrics.attempt(region.name(), "stalled");
            if (deferred == null) {
              deferred = scored;
            }
            continue;
          }
          trial = true; // this one finds out whether the region answers again
        }
        if (!acquire(region, regionHealth)) {
          if (stopped) {
            break;
          }
          continue; // spill over to the next region
        }
        tried.add(region.name());
        sameRegionRetries = 0;
        if (previous != null) {
          metrics.failover(previous);
        }
        previous = region.name();
        start(region, regionHealth, token, trial);
        return;
      }
      if (served.isDone()) {
        return;
      }
      if (throttled != null && !throttledRetried && waitOutThrottle()) {
        return;
      }
      if (declined != null) {
        settleServed(
            declinedBy, declined); // every region that could serve declined: the caller gets why
        return;
      }
      served.completeExceptionally(giveUp());
    }

    /**
     * The request's first attempt goes to an ejected region whose trial is due (see
     * RegionHealth.tryEjectionTrial), when the request may use it (its filters; not a hedge leg)
     * and it ranks no lower by priority than the plan's first region: a trial that succeeds ends
     * the ejection, one that fails moves the request on to its plan. True when the trial started.
     */
    private boolean startEjectionTrial() {
      if (health.ejections().none() || lastResorts == null) {
        return false;
      }
      java.util.Iterator<AttemptPlan.Scored> planned = plan.order().iterator();
      int bestPriority =
          planned.hasNext() ? planned.next().candidate().entry().priority() : Integer.MAX_VALUE;
      for (RegionHealth ejected : health.ejections().current()) {
        if (!ejected.ejectionTrialDue() || health.get(ejected.name()) != ejected) {
          continue;
        }
        RegionEntry region =
            snapshot.table().regions().stream()
                .filter(r -> r.name().equals(ejected.name()))
                .findFirst()
                .orElse(null);
        if (region == null
            || region.priority() > bestPriority
            || lastResorts.rejects(region) != null) {
          continue;
        }
        Optional<String> token = token(region);
        if (token == null || !ejected.tryEjectionTrial() || !acquire(region, ejected)) {
          continue;
        }
        log.debug("request is the trial of ejected region {}", region.name());
        tried.add(region.name());
        previous = region.name();
        start(region, ejected, token, false);
        return true;
      }
      return false;
    }

    /**
     * The next region of the plan, then the unavailable ones, then the stalled one; null when none
     * is left.
     */
    private AttemptPlan.Scored nextInOrder() {
      if (!order.hasNext() && !stopped && modelUnavailable != null) {
        // every region that serves the model well is gone, full or failed: one where it is cooling
        // beats a 503
        order = modelUnavailable.iterator();
        modelUnavailable = null;
        lastResort = true;
      }
      if (!order.hasNext() && !stopped && deferred == null && lastResorts != null && attempts > 0) {
        order = unavailableRegions();
        lastResorts = null;
        lastResort = true;
      }
      if (!order.hasNext()) {
        if (deferred == null || stopped) {
          return null;
        }
        // every other region is gone, full or failed: the stalled one is better than a 503
        order = List.of(deferred).iterator();
        deferred = null;
        lastResort = true;
      }
      return order.next();
    }

    /**
     * The region's token (empty when it needs none); null when it needs one that is not available.
     */
    private Optional<String> token(RegionEntry region) {
      if (region.credentialsSecretRef() == null) {
        return Optional.empty();
      }
      Optional<String> token = credentials.token(region.credentialsSecretRef());
      if (token.isEmpty()) {
        metrics.attempt(region.name(), "no_credentials");
        failures.add(region.name() + ": credentials not available");
        log.warn(
            "region {} skipped: its credentials (Secret {}) are not available",
            region.name(),
            region.credentialsSecretRef().name());
        return null;
      }
      return token;
    }

    /**
     * Takes an in-flight slot on the region and, for any attempt after the first that reaches a
     * region, a retry from the budget; false when either is refused (stopped: the budget).
     */
    private boolean acquire(RegionEntry region, RegionHealth regionHealth) {
      Integer maxInFlight = region.capacity() == null ? null : region.capacity().maxInFlight();
      if (!regionHealth.tryAcquire(maxInFlight)) {
        metrics.attempt(region.name(), "over_capacity");
        return false;
      }
      // a retry after a connection that was never made (refused, connect timeout) is free: the
      // region never saw the request, so it adds no load (gRPC's transparent retries); this is
      // what lets a burst in flight when a region dies fail over whole
      if (attempts > 0 && lastReachedRegion && !budget.tryStartRetry()) {
        regionHealth.release();
        stopReason = "retry budget exhausted";
        stopped = true;
        return false;
      }
      return true;
    }

    /** One attempt on the region; its completion settles it and decides what comes next. */
    private void start(
        RegionEntry region, RegionHealth regionHealth, Optional<String> token, boolean trial) {
      attempts++;
      Duration remaining = deadline.remaining();
      boolean clamped = remaining.compareTo(proxy.tryTimeout()) < 0;
      Duration timeout = clamped ? remaining : proxy.tryTimeout();
      if (trial && regionHealth.trialTimeout().compareTo(timeout) < 0) {
        timeout = regionHealth.trialTimeout();
        clamped = false;
      }
      boolean deadlineBound = clamped;
      Duration tryTimeout = timeout;
      long start = System.nanoTime();
      CompletableFuture<Result<T>> call;
      try {
        call =
            attempt.call(
                new Try(
                    region,
                    attempts,
                    tryTimeout,
                    token,
                    () -> regionHealth.recordAnswer(Duration.ofNanos(System.nanoTime() - start)),
                    regionHealth::recordStreamHead));
      } catch (RuntimeException e) {
        call = CompletableFuture.failedFuture(e);
      }
      inFlight = call;
      if (served.isCancelled()) {
        call.cancel(false);
      }
      HoldCheck hold = holdCheck(call, regionHealth, tryTimeout, start);
      call.whenComplete(
          (result, error) -> {
            if (!(result instanceof Done<T> done && done.tail() != null)) {
              regionHealth.release(); // a committed stream keeps its slot until its tail ends
            }
            if (hold != null) {
              hold.cancel();
            }
            if (hold != null && hold.heldOut) {
              // moved on from a region that answers nothing: not counted, so a hung region stays
              // stalled (one
              // trial a second) rather than ejected, and is back within a second of answering again
              result = Failed.of(Outcome.STALLED);
              error = null;
            }
            if (served.isDone()) {
              return; // cancelled meanwhile
            }
            if (error != null) {
              Throwable cause = unwrap(error);
              if (!(cause instanceof IOException)) {
                served.completeExceptionally(
                    cause); // a bug, or the caller's own failure: not the region's
                return;
              }
              Outcome outcome = classify(cause, deadlineBound);
              // a trial that met the hang again: expected while stalled, the held requests decide
              // about ejection
              result =
                  Failed.of(trial && outcome == Outcome.TIMEOUT ? Outcome.TRIAL_TIMEOUT : outcome);
            }
            settle(region, regionHealth, result, start, tryTimeout);
            if (result instanceof Done<T> done) {
              settleServed(region, done);
            } else if (!retrySameRegion(region, regionHealth, token, (Failed<T>) result)) {
              next();
            }
          });
    }

    /**
     * After a transient fault (500, 502, 504, a reset before the head), the same region once more
     * (router.proxy.same-region-retries) after a jittered backoff, when the deadline leaves room
     * and the retry budget allows; true when the retry is under way.
     */
    private boolean retrySameRegion(
        RegionEntry region, RegionHealth regionHealth, Optional<String> token, Failed<T> failed) {
      if (!failed.outcome().transientFault() || sameRegionRetries >= proxy.sameRegionRetries()) {
        return false;
      }
      Duration pause = backoff(sameRegionRetries);
      if (deadline.remaining().compareTo(pause.multipliedBy(2)) <= 0
          || regionHealth.view().ejectedUntil() != null) {
        return false;
      }
      if (!acquire(region, regionHealth)) {
        return false;
      }
      sameRegionRetries++;
      later(pause, () -> start(region, regionHealth, token, false));
      return true;
    }

    /**
     * No other region served: the throttled region with the shortest wait gets the request again
     * once its Retry-After (or, without one, a jittered backoff) has passed, when that is within
     * router.proxy.max-retry-after-wait and the deadline; true when that retry is under way.
     */
    private boolean waitOutThrottle() {
      throttledRetried = true;
      Throttled candidate = throttled;
      if (candidate.pause().compareTo(proxy.maxRetryAfterWait()) > 0
          || deadline.remaining().compareTo(candidate.pause().plus(Duration.ofMillis(100))) <= 0) {
        return false;
      }
      RegionHealth regionHealth = health.get(candidate.region().name());
      if (regionHealth == null) {
        return false;
      }
      Optional<String> token = token(candidate.region());
      if (token == null || !acquire(candidate.region(), regionHealth)) {
        return false;
      }
      later(candidate.pause(), () -> start(candidate.region(), regionHealth, token, false));
      return true;
    }

    /**
     * Runs the task after the pause on the request's timers (at once without them), unless the
     * request is done.
     */
    private void later(Duration pause, Runnable task) {
      Runnable guarded =
          () -> {
            if (served.isDone()) {
              return;
            }
            task.run();
          };
      if (timers == null || pause.isZero()) {
        guarded.run();
      } else {
        timers.schedule(guarded, pause.toNanos(), TimeUnit.NANOSECONDS);
      }
    }

    /**
     * If the attempt is still waiting and the region has answered nothing at all for the hold
     * limit, counted from the attempt's start or from the region's last answer, whichever is later,
     * the region hangs: the attempt is cancelled and the request moves on. An answer in between
     * re-arms the check for the limit after that answer, so the requests a region had taken before
     * it began to hang still finish while the later ones move on.
     */
    private HoldCheck holdCheck(
        CompletableFuture<Result<T>> call,
        RegionHealth regionHealth,
        Duration tryTimeout,
        long start) {
      Duration limit = timers == null ? null : regionHealth.holdLimit();
      if (limit == null || limit.compareTo(tryTimeout) >= 0) {
        return null;
      }
      HoldCheck check = new HoldCheck(call, regionHealth, limit, start);
      check.arm(limit);
      return check;
    }

    /** The hold limit's check of one attempt (see {@link #holdCheck}). */
    private final class HoldCheck implements Runnable {
      final CompletableFuture<Result<T>> call;
      final RegionHealth regionHealth;
      final Duration limit;
      final long start;
      volatile boolean heldOut;
      volatile ScheduledFuture<?> pending;

      HoldCheck(
          CompletableFuture<Result<T>> call,
          RegionHealth regionHealth,
          Duration limit,
          long start) {
        this.call = call;
        this.regionHealth = regionHealth;
        this.limit = limit;
        this.start = start;
      }

      void arm(Duration delay) {
        pending = timers.schedule(this, delay.toNanos(), TimeUnit.NANOSECONDS);
      }

      @Override
      public void run() {
        if (call.isDone()) {
          return; // committed or failed: nothing to hold any more
        }
        Duration quiet = regionHealth.quietFor(Duration.ofNanos(System.nanoTime() - start));
        if (quiet.compareTo(limit) >= 0) {
          heldOut = true;
          regionHealth.recordHeldOut();
          call.cancel(false);
        } else {
          arm(limit.minus(quiet));
        }
      }

      void cancel() {
        ScheduledFuture<?> current = pending;
        if (current != null) {
          current.cancel(false);
        }
      }
    }

    /**
     * Every region of the plan failed: the ones left out as unavailable (ejected, unhealthy,
     * cooling) are tried last, best first, inside the request's filters, before a 503. An ejection
     * can outlast the outage that caused it, while the only region left fails too (Envoy's panic
     * mode covers the same case by a healthy-share threshold).
     */
    private java.util.Iterator<AttemptPlan.Scored> unavailableRegions() {
      List<Candidate> rest = new ArrayList<>();
      for (Candidate candidate : Candidate.all(health, snapshot)) {
        if (!candidate.health().available() && !tried.contains(candidate.name())) {
          rest.add(candidate);
        }
      }
      return rest.isEmpty()
          ? java.util.Collections.emptyIterator()
          : FilteredPlan.plan(rest, routing.policy(), lastResorts, 0, random).order().iterator();
    }

    /** Records one attempt's result in the region's health and the metrics. */
    void settle(
        RegionEntry region,
        RegionHealth regionHealth,
        Result<T> result,
        long start,
        Duration timeout) {
      Outcome outcome =
          switch (result) {
            case Done<T> done -> done.outcome();
            case Failed<T> failed -> failed.outcome();
          };
      metrics.attempt(region.name(), outcome.tag());
      if (outcome.regionAnswered()) {
        regionHealth.recordAnswer(Duration.ofNanos(System.nanoTime() - start));
      }
      if (result instanceof Done<T> done) {
        metrics.upstreamLatency(region.name(), done.latency());
        if (outcome.countsAsFailure()) {
          recordFailure(region, regionHealth, null);
        } else {
          regionHealth.recordSuccess(done.latency());
          if (model != null) {
            regionHealth.models().recordSuccess(model);
          }
        }
        if (done.tail() != null) {
          done.tail()
              .whenComplete(
                  (whole, error) -> {
                    regionHealth.release();
                    if (error != null || !whole) {
                      metrics.attempt(region.name(), Outcome.STREAM_BROKEN.tag());
                      recordFailure(region, regionHealth, null);
                    }
                  });
        }
        return;
      }
      Failed<T> failed = (Failed<T>) result;
      failures.add(region.name() + ": " + outcome.tag());
      lastReachedRegion = !outcome.unreached();
      // the region's HTTP answers about a named model (429, 5xx, a bad answer) are that model's; a
      // connection that fails is the region's
      boolean modelsOwn = model != null && outcome.regionAnswered();
      if (outcome == Outcome.THROTTLED) {
        if (modelsOwn) {
          regionHealth.models().recordThrottled(model, failed.retryAfter());
        } else {
          regionHealth.recordThrottled(failed.retryAfter());
        }
        Duration cool = failed.retryAfter() == null ? proxy.retryAfter() : failed.retryAfter();
        throttledFor =
            throttledFor == null || cool.compareTo(throttledFor) < 0 ? cool : throttledFor;
        Duration wait = failed.retryAfter() != null ? failed.retryAfter() : backoff(0);
        if (throttled == null || wait.compareTo(throttled.pause()) < 0) {
          throttled = new Throttled(region, wait);
        }
      } else {
        onlyThrottled = false;
        if (outcome == Outcome.DECLINED) {
          declined = failed.declined();
          declinedBy = region;
        }
        if (outcome.countsAsFailure() && modelsOwn) {
          if (regionHealth.models().recordFailure(model)) {
            log.warn(
                "model {} of region {} ejected after consecutive failures (its other models still serve)",
                model,
                region.name());
          }
        } else if (outcome.countsAsFailure()) {
          recordFailure(region, regionHealth, outcome == Outcome.TIMEOUT ? timeout : null);
        }
      }
      log.debug(
          "attempt {} on {} failed after {} ms: {}",
          attempts,
          region.name(),
          (System.nanoTime() - start) / 1_000_000,
          outcome);
    }

    /** The request is served by this region's answer. */
    void settleServed(RegionEntry region, Done<T> done) {
      metrics.request(region.name(), done.outcome().tag());
      selections.selected(region, health.get(region.name()));
      served.complete(
          new Served<>(
              done.value(), region, attempts, done.latency(), plan.panic(), plan.policy()));
    }

    RouterException giveUp() {
      String tried = failures.isEmpty() ? "" : " (" + String.join(", ", failures) + ")";
      if (deadline.passed()) {
        metrics.request(null, "deadline");
        return new RouterException(
            504,
            "deadline_exceeded",
            "the request's deadline passed after " + attempts + " attempt(s)" + tried,
            null,
            attempts);
      }
      metrics.request(null, "no_region");
      String why =
          stopReason != null
              ? stopReason
              : plan.isEmpty()
                  ? "every region is at capacity or none is configured"
                  : "no region could serve the request";
      Duration retryAfter =
          onlyThrottled && throttledFor != null ? throttledFor : proxy.retryAfter();
      String message = why + " after " + attempts + " attempt(s)" + tried;
      long now = System.nanoTime();
      long last = lastNoRegionLog.get();
      if (now - last > 1_000_000_000L && lastNoRegionLog.compareAndSet(last, now)) {
        log.warn("503 no_region_available (logged at most once a second): {}", message);
      }
      return new RouterException(503, "no_region_available", message, retryAfter, attempts);
    }
  }

  /** A region that answered 429, and how long the request would wait before asking it again. */
  private record Throttled(RegionEntry region, Duration pause) {}

  /**
   * The pause before the n-th (from 0) retry on one region: retry-backoff x 2^n, jittered to 50-150
   * %.
   */
  private Duration backoff(int n) {
    long base = proxy.retryBackoff().toNanos() << Math.min(n, 10);
    return Duration.ofNanos(base / 2 + (long) (random.nextDouble() * base));
  }

  private static Outcome classify(Throwable cause, boolean clamped) {
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

  /**
   * timeout: the per-try timeout when the attempt timed out (a timeout may be stale, see
   * RegionHealth.recordTimeout).
   */
  private void recordFailure(RegionEntry region, RegionHealth regionHealth, Duration timeout) {
    RegionHealth.FailureEffect effect =
        timeout == null ? regionHealth.recordFailure() : regionHealth.recordTimeout(timeout);
    if (effect == RegionHealth.FailureEffect.EJECTED) {
      metrics.ejection(region.name());
      log.warn(
          "region {} ejected until {} after consecutive failures",
          region.name(),
          regionHealth.view().ejectedUntil());
    }
  }
}
