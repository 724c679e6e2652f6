package dev.regionrouter.router.exchange;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.observe.RouterMetrics;
import dev.regionrouter.router.selection.AttemptPlan;
import dev.regionrouter.router.selection.LatencyWindow;
import dev.regionrouter.router.selection.RouteRequest;
import dev.regionrouter.router.selection.TokenMeter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request from its plan to its end: what it asked for ({@link RouteRequest}), its deadline, the
 * token reservation (made on the plan's first region when planned, so capacity.tokensPerMinute
 * counts the request while it is in flight; settled exactly once when it ends) and its cost (one
 * metric, {@code router.cost.usd}, counted once, the same figure the answer's metadata shows).
 *
 * <p>The attempt loop runs its attempts and calls {@link #planned}; the endpoint that created it
 * ends it with {@link #served} or {@link #release}. A hedge's second leg is an exchange of its own
 * ({@link #pinnedTo}) whose reservation is given back when the leg ends: the request's own {@link
 * #served} puts what the serving region reported on that region, whichever leg won.
 */
public final class Exchange {

  private final RouteRequest route;
  private final Deadline deadline;
  private final Ledger ledger;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile String reservedOn;
  private volatile long reserved;

  /** Where exchanges settle: the token meter, the latency windows and the cost metric. */
  public record Ledger(TokenMeter tokens, LatencyWindow latencies, RouterMetrics metrics) {

    public Exchange open(RouteRequest route, Deadline deadline) {
      return new Exchange(route, deadline, this);
    }
  }

  private Exchange(RouteRequest route, Deadline deadline, Ledger ledger) {
    this.route = route;
    this.deadline = deadline;
    this.ledger = ledger;
  }

  public RouteRequest route() {
    return route;
  }

  public Deadline deadline() {
    return deadline;
  }

  /** The same request sent to one region only, under the same deadline (a hedge's second leg). */
  public Exchange pinnedTo(String region) {
    return new Exchange(route.pinnedTo(region), deadline, ledger);
  }

  /** The plan is made: reserves the request's token estimate on the region it tries first. */
  void planned(AttemptPlan plan) {
    long estimate = route.estimatedTokens();
    if (plan.isEmpty() || estimate <= 0 || reservedOn != null) {
      return;
    }
    String first = plan.order().get(0).candidate().name();
    ledger.tokens().add(first, estimate);
    reserved = estimate;
    reservedOn = first;
  }

  /**
   * The request was answered by {@code region}: the reservation becomes the tokens it reported (or
   * stays the estimate when it reported none), the answer's latency joins the region's window, and
   * the spend is counted. Only the first end of an exchange counts.
   *
   * @param tokensUsed the tokens the region reported, null when unknown
   * @param latency the answering attempt's latency, null when it is no sample (a relayed refusal)
   * @return the estimated cost in USD, or null when the tokens or the price are unknown
   */
  public Double served(RegionEntry region, Long tokensUsed, Duration latency) {
    if (!ended.compareAndSet(false, true)) {
      return null;
    }
    long actual =
        tokensUsed != null ? tokensUsed : reserved > 0 ? reserved : route.estimatedTokens();
    ledger.tokens().settle(reservedOn, reserved, region.name(), actual);
    if (latency != null) {
      ledger.latencies().record(region.name(), latency.toNanos() / 1e9);
    }
    if (tokensUsed == null || region.costPer1kTokens() == null) {
      return null;
    }
    double usd = tokensUsed * region.costPer1kTokens() / 1000.0;
    ledger.metrics().cost(region.name(), region.provider(), usd);
    return usd;
  }

  /**
   * The exchange ended without being served through it (an error, the caller left, or a hedge leg
   * whose answer, if any, the request's own exchange settles): gives the reservation back.
   */
  public void release() {
    if (ended.compareAndSet(false, true) && reservedOn != null) {
      ledger.tokens().release(reservedOn, reserved);
    }
  }
}
