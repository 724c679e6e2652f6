package dev.regionrouter.router.exchange;

import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.health.HealthView;
import dev.regionrouter.router.health.RegionHealth;
import dev.regionrouter.router.selection.AttemptPlan;
import dev.regionrouter.router.selection.LatencyWindow;
import dev.regionrouter.router.selection.RouteRequest;
import dev.regionrouter.router.selection.RoutingMetrics;
import dev.regionrouter.router.selection.RoutingProperties;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Hedged requests (opt-in, for requests marked safe to repeat, buffered answers only): the request
 * runs its attempt loop as usual; when it has not answered within the delay (delayQuantile of its
 * first region's recent latencies, or ewmaMultiplier x its EWMA), the same request goes to the next
 * region of its plan too. The first answer wins and the other is cancelled (which aborts its
 * upstream exchange). Hedges come out of their own budget (a fraction of the hedgeable requests
 * over 10 s), so a slow fleet cannot double its own load.
 *
 * <p>It wraps the whole loop rather than living inside it: each leg keeps the loop's bookkeeping
 * (in-flight slots, health, metrics) and the loop itself stays sequential and simple.
 */
public class HedgingAttempt {

  private final HealthRegistry health;
  private final LatencyWindow latencies;
  private final RoutingProperties.Hedging settings;
  private final RoutingMetrics metrics;
  private final RetryBudget budget;

  /** The delay when nothing is known of the first region's latency. */
  private final Duration unknownLatencyDelay;

  public HedgingAttempt(
      HealthRegistry health,
      LatencyWindow latencies,
      RoutingProperties.Hedging settings,
      RoutingMetrics metrics,
      Duration unknownLatencyDelay) {
    this.health = health;
    this.latencies = latencies;
    this.settings = settings;
    this.metrics = metrics;
    this.budget = new RetryBudget(settings.budgetRatio(), settings.budgetMinPerSecond());
    this.unknownLatencyDelay = unknownLatencyDelay;
  }

  /**
   * Runs the request (call starts an attempt loop for the request or leg it is given, which plans
   * at once), hedging it when asked. timer: where the hedge's delay runs (the request's event
   * loop).
   */
  public <T> CompletableFuture<AttemptLoop.Served<T>> run(
      Exchange exchange,
      Function<Exchange, CompletableFuture<AttemptLoop.Served<T>>> call,
      ScheduledExecutorService timer) {
    RouteRequest request = exchange.route();
    if (!settings.enabled() || !request.hints().hedging()) {
      return call.apply(exchange);
    }
    budget.requestStarted();
    long start = System.nanoTime();
    CompletableFuture<AttemptLoop.Served<T>> primary = call.apply(exchange);
    AttemptPlan plan = request.plan();
    if (plan == null || primary.isDone()) {
      return primary; // failed before planning (no table, no match): its error
    }
    String target = target(plan);
    if (target == null) {
      request.hedge("skipped_no_target");
      metrics.hedge("skipped_no_target");
      return primary;
    }
    Race<T> race = new Race<>(exchange, primary);
    long waitNanos =
        delay(plan.order().iterator().next().candidate().name()).toNanos()
            - (System.nanoTime() - start);
    ScheduledFuture<?> hedgeTimer =
        timer.schedule(
            () -> race.hedge(target, call), Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
    race.result.whenComplete((served, error) -> hedgeTimer.cancel(false));
    return race.result;
  }

  /** The two legs of one hedged request; the first answer wins. */
  private final class Race<T> {
    final Exchange exchange;
    final RouteRequest request;
    final CompletableFuture<AttemptLoop.Served<T>> primary;
    final CompletableFuture<AttemptLoop.Served<T>> result = new CompletableFuture<>();
    volatile CompletableFuture<AttemptLoop.Served<T>> second;

    Race(Exchange exchange, CompletableFuture<AttemptLoop.Served<T>> primary) {
      this.exchange = exchange;
      this.request = exchange.route();
      this.primary = primary;
      primary.whenComplete((served, error) -> finished(primary, served, error));
      // the caller gave up (went away): both legs are abandoned
      result.whenComplete(
          (served, error) -> {
            if (result.isCancelled()) {
              primary.cancel(false);
              CompletableFuture<AttemptLoop.Served<T>> leg = second;
              if (leg != null) {
                leg.cancel(false);
              }
            }
          });
    }

    synchronized void hedge(
        String target, Function<Exchange, CompletableFuture<AttemptLoop.Served<T>>> call) {
      if (result.isDone()) {
        return;
      }
      if (!budget.tryStartRetry()) {
        request.hedge("skipped_budget");
        metrics.hedge("skipped_budget");
        return;
      }
      metrics.hedge("started");
      Exchange leg = exchange.pinnedTo(target);
      CompletableFuture<AttemptLoop.Served<T>> started;
      try {
        started = call.apply(leg);
      } catch (RuntimeException e) {
        started = CompletableFuture.failedFuture(e);
      }
      second = started;
      // the second leg's token reservation (made when it planned) is given back whatever its
      // fate: when it wins, the request's own exchange puts the tokens the region reported on it
      started.whenComplete(
          (served, error) -> {
            leg.release();
            finished(second, served, error);
          });
    }

    synchronized void finished(
        CompletableFuture<AttemptLoop.Served<T>> leg,
        AttemptLoop.Served<T> served,
        Throwable error) {
      if (result.isDone()) {
        return;
      }
      CompletableFuture<AttemptLoop.Served<T>> other = leg == primary ? second : primary;
      boolean otherRunning = other != null && !other.isDone();
      if (error != null && otherRunning) {
        return; // the first to finish failed: the other one's answer (or error) decides
      }
      if (second != null) {
        String outcome = leg == primary ? "lost" : "won";
        request.hedge(outcome);
        metrics.hedge(outcome);
      } else if (error == null && request.hedge() == null) {
        request.hedge("not_needed"); // answered before the delay (not: skipped for the budget)
      }
      if (error != null) {
        result.completeExceptionally(AttemptLoop.unwrap(error));
      } else {
        result.complete(served);
      }
      if (otherRunning) {
        other.cancel(false); // the loser: its upstream call aborts
      }
    }
  }

  /**
   * The next available region of the plan, or null (a panic plan, or a single region, has none).
   */
  private static String target(AttemptPlan plan) {
    if (plan.panic()) {
      return null;
    }
    java.util.Iterator<AttemptPlan.Scored> order =
        plan.order().iterator(); // not size(): it would build the whole order
    if (!order.hasNext()) {
      return null;
    }
    order.next();
    if (!order.hasNext()) {
      return null;
    }
    AttemptPlan.Scored next = order.next();
    return next.candidate().health().available() ? next.candidate().name() : null;
  }

  /** How long the first region gets before the hedge starts. */
  Duration delay(String region) {
    double seconds = latencies.quantile(region, settings.delayQuantile());
    if (Double.isNaN(seconds)) {
      RegionHealth h = health.get(region);
      HealthView view = h == null ? null : h.view();
      double ewma =
          view == null
              ? Double.NaN
              : !Double.isNaN(view.trafficLatencySeconds())
                  ? view.trafficLatencySeconds()
                  : view.latencySeconds();
      seconds =
          Double.isNaN(ewma)
              ? unknownLatencyDelay.toNanos() / 1e9
              : settings.ewmaMultiplier() * ewma;
    }
    Duration delay = Duration.ofNanos((long) (seconds * 1e9));
    return delay.compareTo(settings.minDelay()) < 0 ? settings.minDelay() : delay;
  }
}
