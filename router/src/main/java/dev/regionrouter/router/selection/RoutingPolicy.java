package dev.regionrouter.router.selection;

/**
 * The selection policy as data.
 *
 * <p>{@link PolicyKind#PRIORITY_LATENCY} (the default, the reference's): score = priority +
 * latencyWeight x latency seconds + costWeight x cost per 1k tokens. Lowest wins; ties go to the
 * lower cost. The other kinds rank by their own key (latency, cost, cost within the budget) and,
 * when respectPriorityTiers is set, inside priority tiers with Envoy's gradual spill-over.
 *
 * @param latencyWeight score points per second of latency (the reference: 10)
 * @param costWeight score points per USD per 1k tokens (the reference: 0, cost breaks ties only)
 * @param shareEpsilon candidates within this of the best score share load (for the latency-ranked
 *     kinds: within shareEpsilon / latencyWeight seconds, 2 ms by default)
 * @param unknownLatencySeconds latency assumed for a region with no measurement yet
 * @param kind which policy ranks the regions
 * @param latencyBudgetSeconds the budget of {@link PolicyKind#COST_WITHIN_LATENCY_BUDGET}
 * @param respectPriorityTiers non-default kinds: rank inside priority tiers (lower first) with
 *     gradual spill-over, instead of across all regions
 * @param overprovisioningFactor Envoy's: a tier keeps all its load while overprovisioningFactor x
 *     its healthy share stays >= 100 % (1.4: until more than ~29 % of it is unavailable)
 */
public record RoutingPolicy(
    double latencyWeight,
    double costWeight,
    double shareEpsilon,
    double unknownLatencySeconds,
    PolicyKind kind,
    double latencyBudgetSeconds,
    boolean respectPriorityTiers,
    double overprovisioningFactor) {

  public RoutingPolicy {
    if (kind == null) {
      kind = PolicyKind.PRIORITY_LATENCY;
    }
  }

  /** The reference's scorer with the given weights (the router's default policy). */
  public RoutingPolicy(
      double latencyWeight, double costWeight, double shareEpsilon, double unknownLatencySeconds) {
    this(
        latencyWeight,
        costWeight,
        shareEpsilon,
        unknownLatencySeconds,
        PolicyKind.PRIORITY_LATENCY,
        0.5,
        true,
        1.4);
  }

  /** The reference tutorial's policy. */
  public static RoutingPolicy reference() {
    return new RoutingPolicy(10, 0, 0.02, 1.0);
  }

  public RoutingPolicy withKind(PolicyKind newKind) {
    return new RoutingPolicy(
        latencyWeight,
        costWeight,
        shareEpsilon,
        unknownLatencySeconds,
        newKind,
        latencyBudgetSeconds,
        respectPriorityTiers,
        overprovisioningFactor);
  }

  public RoutingPolicy withLatencyBudgetSeconds(double seconds) {
    return new RoutingPolicy(
        latencyWeight,
        costWeight,
        shareEpsilon,
        unknownLatencySeconds,
        kind,
        seconds,
        respectPriorityTiers,
        overprovisioningFactor);
  }

  public RoutingPolicy withPriorityTiers(boolean respect) {
    return new RoutingPolicy(
        latencyWeight,
        costWeight,
        shareEpsilon,
        unknownLatencySeconds,
        kind,
        latencyBudgetSeconds,
        respect,
        overprovisioningFactor);
  }

  /** Latency difference (seconds) under which the latency-ranked kinds treat regions as equal. */
  public double latencyEpsilonSeconds() {
    return latencyWeight > 0 ? shareEpsilon / latencyWeight : 0.002;
  }

  public String name() {
    return kind.id();
  }
}
