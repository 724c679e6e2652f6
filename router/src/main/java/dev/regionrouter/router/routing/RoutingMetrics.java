package dev.regionrouter.router.routing;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Meters of the selection: requests by policy, estimated spend by region and policy, filter
 * mismatches and hedges. Tags are low cardinality: policy (4 names), region (the table's), filter
 * (4 names), outcome (a fixed vocabulary); never a caller, selector text or region list.
 */
public class RoutingMetrics {

  private final MeterRegistry registry;

  public RoutingMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A request was planned under this policy. */
  public void planned(String policy) {
    registry.counter("router.routing.requests", "policy", policy).increment();
  }

  /** A request's hard filters left no region (503 no_region_matches). */
  public void noMatch(String policy, String filter) {
    registry.counter("router.routing.no.match", "policy", policy, "filter", filter).increment();
  }

  /** Estimated spend: tokens used x the region's price. */
  public void cost(String region, String policy, double usd) {
    registry.counter("router.routing.cost.usd", "region", region, "policy", policy).increment(usd);
  }

  /** A hedge: started, won (the hedge answered first), lost, skipped_budget, skipped_no_target. */
  public void hedge(String outcome) {
    registry.counter("router.routing.hedges", "outcome", outcome).increment();
  }
}
