package dev.regionrouter.router.exchange;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.error.RouterException;
import dev.regionrouter.router.exchange.AttemptLoop.Attempt;
import dev.regionrouter.router.exchange.AttemptLoop.Done;
import dev.regionrouter.router.exchange.AttemptLoop.Failed;
import dev.regionrouter.router.exchange.AttemptLoop.Result;
import dev.regionrouter.router.exchange.AttemptLoop.Served;
import dev.regionrouter.router.exchange.AttemptLoop.Throttled;
import dev.regionrouter.router.exchange.AttemptLoop.Try;
import dev.regionrouter.router.health.RegionHealth;
import dev.regionrouter.router.selection.AttemptPlan;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's walk down its plan: next() starts an attempt on the next region, and an attempt's
 * completion decides what comes after it (done, the same region again after a pause, or the next
 * region).
 */
final class AttemptRun<T> {

  private static final Logger log = LoggerFactory.getLogger(AttemptLoop.class);

  private final AttemptContext context;
  final AttemptPlan plan;
  final AttemptOrder order;
  final Deadline deadline;
  final Attempt<T> attempt;
  final ScheduledExecutorService timers;
  final CompletableFuture<Served<T>> served = new CompletableFuture<>();
  final List<String> failures = new ArrayList<>();

  /**
   * Regions tried in this request: at most max-attempts, so a list; room for two (most requests try
   * one region, a failover two) instead of the default ten.
   */
  final List<String> tried = new ArrayList<>(2);

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
   * The model the request names (null: none): its rate limits and failures are the model's, not the
   * region's.
   */
  final String model;

  AttemptRun(
      AttemptContext context,
      AttemptPlan plan,
      AttemptOrder order,
      Deadline deadline,
      Attempt<T> attempt,
      ScheduledExecutorService timers,
      String model) {
    this.context = context;
    this.order = order;
    this.model = model;
    this.plan = plan;
    this.deadline = deadline;
    this.attempt = attempt;
    this.timers = timers;
    served.whenComplete(
        (value, error) -> {
          CompletableFuture<Result<T>> current = inFlight;
          if (served.isCancelled()) {
            if (current != null) {
              current.cancel(false); // the caller left or the hedge lost: abort the region call
            }
            context.metrics().request(previous, "cancelled");
          }
        });
  }

  /** Starts an attempt on the next region that can take the request, or ends the request. */
  void next() {
    if (attempts == 0 && startEjectionTrial()) {
      return;
    }
    while (!served.isDone()) {
      AttemptPlan.Scored scored = order.next(stopped, attempts, tried);
      if (scored == null) {
        break;
      }
      if (tried.size() >= context.proxy().maxAttempts() || deadline.passed()) {
        stopped = true;
        break;
      }
      RegionEntry region = scored.candidate().entry();
      if (tried.contains(region.name())) {
        continue; // already tried in this request
      }
      RegionHealth regionHealth = context.health().get(region.name());
      if (regionHealth == null) {
        continue; // left the table since the plan was made
      }
      if (model != null && !order.lastResort() && !regionHealth.models().available(model)) {
        context.metrics().attempt(region.name(), "model_unavailable");
        order.modelUnavailable(scored);
        continue;
      }
      Optional<String> token = token(region);
      if (token == null) {
        continue;
      }
      boolean trial = false;
      if (!order.lastResort() && regionHealth.stalled()) {
        if (regionHealth.firstNoticeOfStall()) {
          log.warn(
              "region {} has requests in flight and answered none for a while: new requests go to the next"
                  + " region (one trial a second) until it answers",
              region.name());
        }
        if (!regionHealth.tryTrial()) {
          context.metrics().attempt(region.name(), "stalled");
          order.deferStalled(scored);
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
        context.metrics().failover(previous);
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
   * RegionHealth.tryEjectionTrial), when the request may use it (its filters; not a hedge leg) and
   * it ranks no lower by priority than the plan's first region: a trial that succeeds ends the
   * ejection, one that fails moves the request on to its plan. True when the trial started.
   */
  private boolean startEjectionTrial() {
    if (context.health().ejections().none() || order.filters() == null) {
      return false;
    }
    java.util.Iterator<AttemptPlan.Scored> planned = plan.order().iterator();
    int bestPriority =
        planned.hasNext() ? planned.next().candidate().entry().priority() : Integer.MAX_VALUE;
    for (RegionHealth ejected : context.health().ejections().current()) {
      if (!ejected.ejectionTrialDue() || context.health().get(ejected.name()) != ejected) {
        continue;
      }
      RegionEntry region = order.entry(ejected.name());
      if (region == null
          || region.priority() > bestPriority
          || order.filters().rejects(region) != null) {
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
   * The region's token (empty when it needs none); null when it needs one that is not available.
   */
  private Optional<String> token(RegionEntry region) {
    if (region.credentialsSecretRef() == null) {
      return Optional.empty();
    }
    Optional<String> token = context.credentials().token(region.credentialsSecretRef());
    if (token.isEmpty()) {
      context.metrics().attempt(region.name(), "no_credentials");
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
      context.metrics().attempt(region.name(), "over_capacity");
      return false;
    }
    // a retry after a connection that was never made (refused, connect timeout) is free: the
    // region never saw the request, so it adds no load (gRPC's transparent retries); this is
    // what lets a burst in flight when a region dies fail over whole
    if (attempts > 0 && lastReachedRegion && !context.budget().tryStartRetry()) {
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
    boolean clamped = remaining.compareTo(context.proxy().tryTimeout()) < 0;
    Duration timeout = clamped ? remaining : context.proxy().tryTimeout();
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
    HoldCheck hold = HoldCheck.arm(call, regionHealth, tryTimeout, start, timers);
    call.whenComplete(
        (result, error) -> {
          if (!(result instanceof Done<T> done && done.tail() != null)) {
            regionHealth.release(); // a committed stream keeps its slot until its tail ends
          }
          if (hold != null) {
            hold.cancel();
          }
          if (hold != null && hold.heldOut()) {
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
            Throwable cause = AttemptLoop.unwrap(error);
            if (!(cause instanceof IOException)) {
              served.completeExceptionally(
                  cause); // a bug, or the caller's own failure: not the region's
              return;
            }
            Outcome outcome = AttemptLoop.classify(cause, deadlineBound);
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
   * (router.proxy.same-region-retries) after a jittered backoff, when the deadline leaves room and
   * the retry budget allows; true when the retry is under way.
   */
  private boolean retrySameRegion(
      RegionEntry region, RegionHealth regionHealth, Optional<String> token, Failed<T> failed) {
    if (!failed.outcome().transientFault()
        || sameRegionRetries >= context.proxy().sameRegionRetries()) {
      return false;
    }
    Duration pause = context.backoff(sameRegionRetries);
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
   * No other region served: the throttled region with the shortest wait gets the request again once
   * its Retry-After (or, without one, a jittered backoff) has passed, when that is within
   * router.proxy.max-retry-after-wait and the deadline; true when that retry is under way.
   */
  private boolean waitOutThrottle() {
    throttledRetried = true;
    Throttled candidate = throttled;
    if (candidate.pause().compareTo(context.proxy().maxRetryAfterWait()) > 0
        || deadline.remaining().compareTo(candidate.pause().plus(Duration.ofMillis(100))) <= 0) {
      return false;
    }
    RegionHealth regionHealth = context.health().get(candidate.region().name());
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
   * Records one attempt's result: in the region's health and the metrics, and, for a failure, in
   * what the request does next (the throttled region to wait out, the declining answer to relay).
   */
  void settle(
      RegionEntry region,
      RegionHealth regionHealth,
      Result<T> result,
      long start,
      Duration timeout) {
    context.feedback().record(region, regionHealth, result, model, start, timeout);
    if (!(result instanceof Failed<T> failed)) {
      return;
    }
    Outcome outcome = failed.outcome();
    failures.add(region.name() + ": " + outcome.tag());
    lastReachedRegion = !outcome.unreached();
    if (outcome == Outcome.THROTTLED) {
      Duration cool =
          failed.retryAfter() == null ? context.proxy().retryAfter() : failed.retryAfter();
      throttledFor = throttledFor == null || cool.compareTo(throttledFor) < 0 ? cool : throttledFor;
      Duration wait = failed.retryAfter() != null ? failed.retryAfter() : context.backoff(0);
      if (throttled == null || wait.compareTo(throttled.pause()) < 0) {
        throttled = new Throttled(region, wait);
      }
    } else {
      onlyThrottled = false;
      if (outcome == Outcome.DECLINED) {
        declined = failed.declined();
        declinedBy = region;
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
    context.metrics().request(region.name(), done.outcome().tag());
    context.selections().selected(region, context.health().get(region.name()));
    served.complete(
        new Served<>(done.value(), region, attempts, done.latency(), plan.panic(), plan.policy()));
  }

  RouterException giveUp() {
    String tried = failures.isEmpty() ? "" : " (" + String.join(", ", failures) + ")";
    if (deadline.passed()) {
      context.metrics().request(null, "deadline");
      return new RouterException(
          504,
          "deadline_exceeded",
          "the request's deadline passed after " + attempts + " attempt(s)" + tried,
          null,
          attempts);
    }
    context.metrics().request(null, "no_region");
    String why =
        stopReason != null
            ? stopReason
            : plan.isEmpty()
                ? "every region is at capacity or none is configured"
                : "no region could serve the request";
    Duration retryAfter =
        onlyThrottled && throttledFor != null ? throttledFor : context.proxy().retryAfter();
    String message = why + " after " + attempts + " attempt(s)" + tried;
    long now = System.nanoTime();
    long last = context.lastNoRegionLog().get();
    if (now - last > 1_000_000_000L && context.lastNoRegionLog().compareAndSet(last, now)) {
      log.warn("503 no_region_available (logged at most once a second): {}", message);
    }
    return new RouterException(503, "no_region_available", message, retryAfter, attempts);
  }
}
