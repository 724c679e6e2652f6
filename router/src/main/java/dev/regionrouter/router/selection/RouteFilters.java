package dev.regionrouter.router.selection;

import dev.regionrouter.api.table.RegionEntry;
import java.util.Set;

/**
 * Hard filters of one request (per-request hints or the caller's defaults). A region that fails one
 * is never tried, not even by the panic guard: when none passes, the request fails with 503 naming
 * the filter, never routes outside the rules. Null fields do not filter.
 *
 * @param allowedRegions region names the request may use
 * @param allowedProviders providers the request may use
 * @param regionSelector a label selector over the region's labels (residency: {@code geo=eu})
 * @param maxCostPer1k the highest price (USD per 1k tokens) the request accepts
 * @param model the model the request names, when some region of the table declares its models: only
 *     the regions that serve it (or declare none) may take the request
 */
public record RouteFilters(
    Set<String> allowedRegions,
    Set<String> allowedProviders,
    LabelSelector regionSelector,
    Double maxCostPer1k,
    String model) {

  public static final RouteFilters NONE = new RouteFilters(null, null, null, null, null);

  public RouteFilters(
      Set<String> allowedRegions,
      Set<String> allowedProviders,
      LabelSelector regionSelector,
      Double maxCostPer1k) {
    this(allowedRegions, allowedProviders, regionSelector, maxCostPer1k, null);
  }

  /** These filters, and only regions that serve the model too. */
  public RouteFilters withModel(String model) {
    return new RouteFilters(allowedRegions, allowedProviders, regionSelector, maxCostPer1k, model);
  }

  public RouteFilters {
    allowedRegions = allowedRegions == null ? null : Set.copyOf(allowedRegions);
    allowedProviders = allowedProviders == null ? null : Set.copyOf(allowedProviders);
  }

  /** The filter names, in the order they are applied (also the hint header they come from). */
  public enum Filter {
    ALLOWED_REGIONS("allowed-regions"),
    ALLOWED_PROVIDERS("allowed-providers"),
    REGION_SELECTOR("region-selector"),
    MAX_COST("max-cost-per-1k"),
    MODEL("model");

    private final String id;

    Filter(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }
  }

  /** The first filter the region fails, or null when it passes all. */
  public Filter rejects(RegionEntry region) {
    if (allowedRegions != null && !allowedRegions.contains(region.name())) {
      return Filter.ALLOWED_REGIONS;
    }
    if (allowedProviders != null && !allowedProviders.contains(region.provider())) {
      return Filter.ALLOWED_PROVIDERS;
    }
    if (regionSelector != null && !regionSelector.matches(region.labels())) {
      return Filter.REGION_SELECTOR;
    }
    if (maxCostPer1k != null
        && (region.costPer1kTokens() == null ? 0 : region.costPer1kTokens()) > maxCostPer1k) {
      return Filter.MAX_COST;
    }
    if (model != null && !region.serves(model)) {
      return Filter.MODEL;
    }
    return null;
  }

  /** Why the region fails the filter, for the explain output. */
  public String describe(Filter filter, RegionEntry region) {
    return switch (filter) {
      case ALLOWED_REGIONS -> "region not in allowed regions " + sorted(allowedRegions);
      case ALLOWED_PROVIDERS ->
          "provider " + region.provider() + " not in allowed providers " + sorted(allowedProviders);
      case REGION_SELECTOR ->
          "labels "
              + (region.labels() == null ? "{}" : region.labels())
              + " do not match selector '"
              + regionSelector
              + "'";
      case MAX_COST -> "cost " + region.costPer1kTokens() + " USD/1k above max " + maxCostPer1k;
      case MODEL ->
          "serves no model " + model + " (its models: " + sorted(region.models().keySet()) + ")";
    };
  }

  /** The filter's value as the caller gave it. */
  public String value(Filter filter) {
    return switch (filter) {
      case ALLOWED_REGIONS -> String.join(",", sorted(allowedRegions));
      case ALLOWED_PROVIDERS -> String.join(",", sorted(allowedProviders));
      case REGION_SELECTOR -> String.valueOf(regionSelector);
      case MAX_COST -> String.valueOf(maxCostPer1k);
      case MODEL -> model;
    };
  }

  public boolean any() {
    return allowedRegions != null
        || allowedProviders != null
        || regionSelector != null
        || maxCostPer1k != null
        || model != null;
  }

  private static java.util.List<String> sorted(Set<String> set) {
    return set.stream().sorted().toList();
  }
}
