package dev.regionrouter.router.select;

/**
 * The scoring policy as data: score = priority + latencyWeight x latency seconds + costWeight x
 * cost per 1k tokens. Lowest wins; ties go to the lower cost.
 *
 * @param latencyWeight score points per second of latency (the reference: 10)
 * @param costWeight score points per USD per 1k tokens (the reference: 0, cost breaks ties only)
 * @param shareEpsilon candidates within this of the best score share load
 * @param unknownLatencySeconds latency assumed for a region with no measurement yet
 */
public record RoutingPolicy(double latencyWeight, double costWeight, double shareEpsilon,
    double unknownLatencySeconds) {

  /** The reference tutorial's policy. */
  public static RoutingPolicy reference() {
    return new RoutingPolicy(10, 0, 0.02, 1.0);
  }

  public String name() {
    return costWeight == 0 ? "priority+latency" : "priority+latency+cost";
  }
}
