package dev.regionrouter.router.selection;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a request asks of the selection: from its hint headers, or its caller's configured defaults.
 * Null fields are not set (the next level of defaults applies).
 *
 * @param policy the policy to use
 * @param latencyBudget cost-within-latency-budget's budget
 * @param maxCostPer1k hard filter: highest price, USD per 1k tokens
 * @param allowedRegions hard filter: region names
 * @param allowedProviders hard filter: providers
 * @param regionSelector hard filter: label selector over the regions' labels
 * @param hedge the request is safe to repeat: hedge it
 * @param debug explain the decision in the response
 */
public record RouteHints(
    PolicyKind policy,
    Duration latencyBudget,
    Double maxCostPer1k,
    Set<String> allowedRegions,
    Set<String> allowedProviders,
    LabelSelector regionSelector,
    Boolean hedge,
    Boolean debug) {

  public static final RouteHints NONE =
      new RouteHints(null, null, null, null, null, null, null, null);

  /** These hints, with the unset fields taken from {@code defaults}. */
  public RouteHints over(RouteHints defaults) {
    if (this == NONE) {
      return defaults;
    }
    return new RouteHints(
        policy != null ? policy : defaults.policy,
        latencyBudget != null ? latencyBudget : defaults.latencyBudget,
        maxCostPer1k != null ? maxCostPer1k : defaults.maxCostPer1k,
        allowedRegions != null ? allowedRegions : defaults.allowedRegions,
        allowedProviders != null ? allowedProviders : defaults.allowedProviders,
        regionSelector != null ? regionSelector : defaults.regionSelector,
        hedge != null ? hedge : defaults.hedge,
        debug != null ? debug : defaults.debug);
  }

  /** A caller's configured defaults as hints (validated at startup). */
  public static RouteHints of(RoutingProperties.CallerDefaults d) {
    return new RouteHints(
        d.policy() == null ? null : PolicyKind.parse(d.policy()),
        d.latencyBudget(),
        d.maxCostPer1k(),
        set(d.allowedRegions()),
        set(d.allowedProviders()),
        d.regionSelector() == null ? null : LabelSelector.parse(d.regionSelector()),
        d.hedge(),
        null);
  }

  public RouteFilters filters() {
    if (allowedRegions == null
        && allowedProviders == null
        && regionSelector == null
        && maxCostPer1k == null) {
      return RouteFilters.NONE;
    }
    return new RouteFilters(allowedRegions, allowedProviders, regionSelector, maxCostPer1k);
  }

  public boolean hedging() {
    return Boolean.TRUE.equals(hedge);
  }

  public boolean debugging() {
    return Boolean.TRUE.equals(debug);
  }

  private static Set<String> set(List<String> list) {
    return list == null ? null : new LinkedHashSet<>(list);
  }
}
