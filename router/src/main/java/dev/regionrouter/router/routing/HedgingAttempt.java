package dev.regionrouter.router.routing;

import dev.regionrouter.router.config.RoutingProperties;
import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.health.HealthView;
import dev.regionrouter.router.health.RegionHealth;
import dev.regionrouter.router.proxy.AttemptLoop;
import dev.regionrouter.router.proxy.RetryBudget;
import dev.regionrouter.router.proxy.RouterException;
import dev.regionrouter.router.select.AttemptPlan;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Hedged requests (opt-in, for requests marked safe to repeat, buffered answers only): the request
 * runs its attempt loop as usual; when it has not answered within the delay (delayQuantile of its
 * first region's recent latencies, or ewmaMultiplier x its EWMA), the same request goes to the next
 * region of its plan too. The first answer wins and the other is cancelled (its thread interrupted,
 * which cancels its upstream exchange). Hedges come out of their own budget (a fraction of the
 * hedgeable requests over 10 s), so a slow fleet cannot double its own load.
 *
 * <p>It wraps the whole loop rather than living inside it: each leg keeps the loop's bookkeeping
 * (in-flight slots, health, metrics) and the loop itself stays sequential and simple.
 */
public class HedgingAttempt implements AutoCloseable {

  private final RouteContext context;
  private final HealthRegistry health;
  private final LatencyWindow latencies;
  private final RoutingProperties.Hedging settings;
  private final RoutingMetrics metrics;
  private final TokenMeter tokens;
  private final ExecutorService executor;
  private final RetryBudget budget;
  private final Duration planWait;

  public HedgingAttempt(RouteContext context, HealthRegistry health, LatencyWindow latencies,
      RoutingProperties.Hedging settings, RoutingMetrics metrics, TokenMeter tokens, ExecutorService executor,
      Duration planWait) {
    this.context = context;
    this.health = health;
    this.latencies = latencies;
    this.settings = settings;
    this.metrics = metrics;
    this.tokens = tokens;
    this.executor = executor;
    this.budget = new RetryBudget(settings.budgetRatio(), settings.budgetMinPerSecond());
    this.planWait = planWait;
  }

  public <T> AttemptLoop.Served<T> run(RouteRequest request, Supplier<AttemptLoop.Served<T>> call) {
    if (!settings.enabled() || !request.hints().hedging()) {
      return context.with(request, call);
    }
    budget.requestStarted();
    ExecutorCompletionService<AttemptLoop.Served<T>> race = new ExecutorCompletionService<>(executor);
    Future<AttemptLoop.Served<T>> primary = race.submit(() -> context.with(request, call));
    Future<AttemptLoop.Served<T>> hedge = null;
    boolean finished = false;
    try {
      long start = System.nanoTime();
      if (!request.awaitPlan(planWait.toNanos()) || request.plan() == null) {
        finished = true;
        return result(primary); // failed before planning (no table, no match): its error
      }
      AttemptPlan plan = request.plan();
      String target = target(plan);
      if (target == null) {
        request.hedge("skipped_no_target");
        metrics.hedge("skipped_no_target");
        finished = true;
        return result(primary);
      }
      long waitNanos = delay(plan.order().get(0).candidate().name()).toNanos() - (System.nanoTime() - start);
      Future<AttemptLoop.Served<T>> early = race.poll(Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
      if (early != null) {
        request.hedge("not_needed");
        finished = true;
        return result(early);
      }
      if (!budget.tryStartRetry()) {
        request.hedge("skipped_budget");
        metrics.hedge("skipped_budget");
        finished = true;
        return result(primary);
      }
      metrics.hedge("started");
      RouteRequest second = request.pinnedTo(target);
      hedge = race.submit(() -> hedgeLeg(second, call));
      Future<AttemptLoop.Served<T>> first = race.take();
      try {
        AttemptLoop.Served<T> served = first.get();
        String outcome = first == hedge ? "won" : "lost";
        request.hedge(outcome);
        metrics.hedge(outcome);
        finished = true;
        return served;
      } catch (ExecutionException e) {
        // the first to finish failed: the other one's answer (or error) decides
        Future<AttemptLoop.Served<T>> other = race.take();
        request.hedge(other == hedge ? "won" : "lost");
        metrics.hedge(other == hedge ? "won" : "lost");
        finished = true;
        return result(other);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RouterException(503, "shutting_down", "the router is shutting down", null, 0);
    } finally {
      // the loser (or both, when this thread was interrupted) is cancelled: its upstream call aborts
      if (!finished || !primary.isDone()) {
        primary.cancel(true);
      }
      if (hedge != null && !hedge.isDone()) {
        hedge.cancel(true);
      }
    }
  }

  /**
   * The second leg, on its own thread. Its token reservation (made when it planned) is given back
   * here, whatever the leg's fate: when it wins, the request's settle puts the tokens the region
   * reported on it; when it loses or is cancelled, nothing replaces it. Released on the leg's
   * thread, after its planning, so a leg cancelled while planning cannot reserve after the release.
   */
  private <T> AttemptLoop.Served<T> hedgeLeg(RouteRequest second, Supplier<AttemptLoop.Served<T>> call) {
    try {
      return context.with(second, call);
    } finally {
      if (second.reservedOn() != null) {
        tokens.release(second.reservedOn(), second.reservedTokens());
      }
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  /** The next available region of the plan, or null (a panic plan, or a single region, has none). */
  private static String target(AttemptPlan plan) {
    if (plan.panic() || plan.order().size() < 2) {
      return null;
    }
    AttemptPlan.Scored next = plan.order().get(1);
    return next.candidate().health().available() ? next.candidate().name() : null;
  }

  /** How long the first region gets before the hedge starts. */
  Duration delay(String region) {
    double seconds = latencies.quantile(region, settings.delayQuantile());
    if (Double.isNaN(seconds)) {
      RegionHealth h = health.get(region);
      HealthView view = h == null ? null : h.view();
      double ewma = view == null ? Double.NaN
          : !Double.isNaN(view.trafficLatencySeconds()) ? view.trafficLatencySeconds() : view.latencySeconds();
      seconds = Double.isNaN(ewma) ? planWait.toNanos() / 1e9 : settings.ewmaMultiplier() * ewma;
    }
    Duration delay = Duration.ofNanos((long) (seconds * 1e9));
    return delay.compareTo(settings.minDelay()) < 0 ? settings.minDelay() : delay;
  }

  private static <T> T result(Future<T> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    }
  }
}
