package dev.regionrouter.router.selection;

import dev.regionrouter.router.observe.RouterMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Meters of the selection: requests by policy, filter mismatches and hedges. Tags are low
 * cardinality: policy (4 names), region (the table's), filter (4 names), outcome (a fixed
 * vocabulary); never a caller, selector text or region list. Meters are looked up once and kept (a
 * registry lookup on every request costs more than the increment).
 */
public class RoutingMetrics {

  private final MeterRegistry registry;
  private final ConcurrentMap<String, Counter> planned = new ConcurrentHashMap<>();

  public RoutingMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A request was planned under this policy. */
  public void planned(String policy) {
    planned
        .computeIfAbsent(
            policy, p -> registry.counter(RouterMetrics.PREFIX + "routing.requests", "policy", p))
        .increment();
  }

  /** A request's hard filters left no region (503 no_region_matches). */
  public void noMatch(String policy, String filter) {
    registry
        .counter(RouterMetrics.PREFIX + "routing.no.match", "policy", policy, "filter", filter)
        .increment();
  }

  /** A hedge: started, won (the hedge answered first), lost, skipped_budget, skipped_no_target. */
  public void hedge(String outcome) {
    registry.counter(RouterMetrics.PREFIX + "routing.hedges", "outcome", outcome).increment();
  }
}
