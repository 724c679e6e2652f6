package dev.regionrouter.router.select;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.health.HealthView;

/** One region as the selector sees it: its table entry and an immutable view of its health. */
public record Candidate(RegionEntry entry, HealthView health) {

  public String name() {
    return entry.name();
  }

  public double cost() {
    return entry.costPer1kTokens() == null ? 0 : entry.costPer1kTokens();
  }

  /** True when the region's capacity.maxInFlight is set and reached. */
  public boolean atCapacity() {
    Integer max = entry.capacity() == null ? null : entry.capacity().maxInFlight();
    return max != null && health.inFlight() >= max;
  }

  public double score(RoutingPolicy policy) {
    double latency = Double.isNaN(health.latencySeconds()) ? policy.unknownLatencySeconds() : health.latencySeconds();
    int priority = entry.priority() == null ? 0 : entry.priority();
    return priority + policy.latencyWeight() * latency + policy.costWeight() * cost();
  }
}
