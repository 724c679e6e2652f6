package dev.regionrouter.router.selection;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.health.HealthView;
import dev.regionrouter.router.health.RegionHealth;
import dev.regionrouter.router.table.TableSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * One region as the selector sees it: its table entry, an immutable view of its health, and the
 * routing state kept beside health.
 *
 * @param tokensInWindow tokens used (and reserved by requests in flight) on the region over the
 *     last minute, for capacity.tokensPerMinute
 * @param budgetLatencySeconds a high quantile (p99 by default) of the region's recent traffic
 *     latencies (the slowest of them while fewer than the window's minimum are known), NaN when
 *     none is recent; what cost-within-latency-budget compares to the budget
 */
public record Candidate(
    RegionEntry entry, HealthView health, long tokensInWindow, double budgetLatencySeconds) {

  public Candidate(RegionEntry entry, HealthView health) {
    this(entry, health, 0, Double.NaN);
  }

  public String name() {
    return entry.name();
  }

  public double cost() {
    return entry.costPer1kTokens() == null ? 0 : entry.costPer1kTokens();
  }

  public int priority() {
    return entry.priority() == null ? 0 : entry.priority();
  }

  public Integer maxInFlight() {
    return entry.capacity() == null ? null : entry.capacity().maxInFlight();
  }

  public Long tokensPerMinute() {
    return entry.capacity() == null ? null : entry.capacity().tokensPerMinute();
  }

  /** True when the region's capacity.maxInFlight is set and reached. */
  public boolean atCapacity() {
    Integer max = maxInFlight();
    return max != null && health.inFlight() >= max;
  }

  /**
   * True when capacity.tokensPerMinute is set and this request's estimated tokens would pass it. A
   * region with an empty window always takes the request (one larger than the whole minute's budget
   * could otherwise never be served).
   */
  public boolean overTokenBudget(long estimatedTokens) {
    Long max = tokensPerMinute();
    return max != null && tokensInWindow > 0 && tokensInWindow + estimatedTokens > max;
  }

  public double score(RoutingPolicy policy) {
    double latency =
        Double.isNaN(health.latencySeconds())
            ? policy.unknownLatencySeconds()
            : health.latencySeconds();
    return priority() + policy.latencyWeight() * latency + policy.costWeight() * cost();
  }

  /**
   * The latency the policy ranks by. priority-latency: the probes' EWMA (the reference's
   * latency_cache). lowest-latency and lowest-cost: the EWMA of real traffic when measured, else
   * the probes'. cost-within-latency-budget: the traffic quantile (p99 by default) of the last
   * minutes when known, else the probes' EWMA: a region with no recent traffic is judged
   * optimistically on its network distance, so it is tried again and its answers show whether it
   * meets the budget (not a region excluded for good by an old EWMA); while that exploratory
   * request is in flight the region counts as unknown, so one request explores, not a burst. Each
   * falls back to the unknown-latency default.
   */
  public double latencySeconds(PolicyKind kind, double unknownLatencySeconds) {
    if (kind == PolicyKind.COST_WITHIN_LATENCY_BUDGET) {
      if (!Double.isNaN(budgetLatencySeconds)) {
        return budgetLatencySeconds;
      }
      if (health.inFlight() > 0) {
        return unknownLatencySeconds; // exploring: one request at a time until its answer is known
      }
    }
    if (kind != PolicyKind.PRIORITY_LATENCY
        && kind != PolicyKind.COST_WITHIN_LATENCY_BUDGET
        && !Double.isNaN(health.trafficLatencySeconds())) {
      return health.trafficLatencySeconds();
    }
    return Double.isNaN(health.latencySeconds()) ? unknownLatencySeconds : health.latencySeconds();
  }

  /** Where {@link #latencySeconds} came from, for the explain output. */
  public String latencySource(PolicyKind kind) {
    if (kind == PolicyKind.COST_WITHIN_LATENCY_BUDGET && !Double.isNaN(budgetLatencySeconds)) {
      return "traffic_quantile";
    }
    if (kind == PolicyKind.COST_WITHIN_LATENCY_BUDGET && health.inFlight() > 0) {
      return "exploring";
    }
    if (kind != PolicyKind.PRIORITY_LATENCY
        && kind != PolicyKind.COST_WITHIN_LATENCY_BUDGET
        && !Double.isNaN(health.trafficLatencySeconds())) {
      return "traffic_ewma";
    }
    return Double.isNaN(health.latencySeconds()) ? "unknown" : "probe_ewma";
  }

  /** The health part of the explain output. */
  public String healthState() {
    if (!health.activeHealthy()) {
      return "unhealthy";
    }
    if (health.ejected()) {
      return "ejected";
    }
    if (health.cooling()) {
      return "cooling";
    }
    return health.halfOpen() ? "half_open" : "healthy";
  }

  /** Each region of the table with a view of its health; regions without health are left out. */
  public static List<Candidate> all(HealthRegistry registry, TableSnapshot snapshot) {
    List<Candidate> candidates = new ArrayList<>(snapshot.table().regions().size());
    for (RegionEntry entry : snapshot.table().regions()) {
      RegionHealth h = registry.get(entry.name());
      if (h != null) {
        candidates.add(new Candidate(entry, h.view()));
      }
    }
    return candidates;
  }
}
