package dev.regionrouter.router.selection;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Selection: the policy and its parameters, the router's and callers' default hints, hedging. The
 * default policy (priority-latency) is the reference tutorial's: score = priority + latencyWeight x
 * latency seconds, lowest wins, ties to the lower cost. See docs/routing.md.
 *
 * @param latencyWeight score points per second of smoothed latency
 * @param costWeight score points per USD per 1k tokens (0: cost only breaks ties)
 * @param shareEpsilon regions whose score is within this of the best share load by
 *     power-of-two-choices on in-flight requests (0.02 = 2 ms of latency at weight 10)
 * @param unknownLatency latency assumed for a region not measured yet
 * @param latencySmoothing EWMA weight of a new latency sample (probe or real traffic)
 * @param defaultPolicy the default policy: priority-latency, lowest-latency, lowest-cost or
 *     cost-within-latency-budget (a request may ask for another with X-Region-Router-Policy)
 * @param latencyBudget the default budget of cost-within-latency-budget
 * @param respectPriorityTiers for the non-default policies: choose inside priority tiers (lower
 *     first, spilling gradually to the next as a tier's available share drops) instead of across
 *     all regions
 * @param overprovisioningFactor Envoy's: a tier keeps all its load while factor x its available
 *     share is >= 100 %
 * @param budgetQuantile the quantile of recent traffic latencies compared to the budget
 * @param latencyWindowSize traffic latencies kept per region for that quantile
 * @param latencyWindowMinSamples samples needed before the quantile is used (with fewer: the
 *     slowest of them; with none: the probe EWMA)
 * @param latencyWindowMaxAge samples older than this are forgotten (a region that was slow is tried
 *     again on its probe latency)
 * @param callerHeader request header naming the caller, whose defaults apply (an API gateway sets
 *     it, e.g. from an API key's name)
 * @param callers default hints per caller (keyed by the caller header's value)
 * @param hedging hedged requests (opt-in per request or caller)
 */
@Validated
@ConfigurationProperties("router.routing")
public record RoutingProperties(
    @DecimalMin("0.0") double latencyWeight,
    @DecimalMin("0.0") double costWeight,
    @DecimalMin("0.0") double shareEpsilon,
    @NotNull Duration unknownLatency,
    @DecimalMin("0.01") @DecimalMax("1.0") double latencySmoothing,
    @NotNull String defaultPolicy,
    @NotNull Duration latencyBudget,
    boolean respectPriorityTiers,
    @DecimalMin("1.0") double overprovisioningFactor,
    @DecimalMin("0.5") @DecimalMax("1.0") double budgetQuantile,
    @Min(8) int latencyWindowSize,
    @Min(1) int latencyWindowMinSamples,
    @NotNull Duration latencyWindowMaxAge,
    @NotNull String callerHeader,
    Map<String, CallerDefaults> callers,
    Hedging hedging) {

  @ConstructorBinding
  public RoutingProperties(
      @DefaultValue("10") double latencyWeight,
      @DefaultValue("0") double costWeight,
      @DefaultValue("0.02") double shareEpsilon,
      @DefaultValue("1s") Duration unknownLatency,
      @DefaultValue("0.3") double latencySmoothing,
      @DefaultValue("priority-latency") String defaultPolicy,
      @DefaultValue("500ms") Duration latencyBudget,
      @DefaultValue("true") boolean respectPriorityTiers,
      @DefaultValue("1.4") double overprovisioningFactor,
      @DefaultValue("0.99") double budgetQuantile,
      @DefaultValue("512") int latencyWindowSize,
      @DefaultValue("8") int latencyWindowMinSamples,
      @DefaultValue("60s") Duration latencyWindowMaxAge,
      @DefaultValue("X-Caller") String callerHeader,
      Map<String, CallerDefaults> callers,
      @DefaultValue Hedging hedging) {
    this.latencyWeight = latencyWeight;
    this.costWeight = costWeight;
    this.shareEpsilon = shareEpsilon;
    this.unknownLatency = unknownLatency;
    this.latencySmoothing = latencySmoothing;
    this.defaultPolicy = defaultPolicy;
    this.latencyBudget = latencyBudget;
    this.respectPriorityTiers = respectPriorityTiers;
    this.overprovisioningFactor = overprovisioningFactor;
    this.budgetQuantile = budgetQuantile;
    this.latencyWindowSize = latencyWindowSize;
    this.latencyWindowMinSamples = latencyWindowMinSamples;
    this.latencyWindowMaxAge = latencyWindowMaxAge;
    this.callerHeader = callerHeader;
    this.callers = callers == null ? Map.of() : Map.copyOf(callers);
    this.hedging = hedging == null ? Hedging.DEFAULTS : hedging;
    PolicyKind.parse(defaultPolicy); // fail at startup on an unknown name
    this.callers.forEach(
        (caller, defaults) -> defaults.validate("router.routing.callers." + caller));
  }

  /** The reference's scorer with the given weights, everything else at its default. */
  public RoutingProperties(
      double latencyWeight,
      double costWeight,
      double shareEpsilon,
      Duration unknownLatency,
      double latencySmoothing) {
    this(
        latencyWeight,
        costWeight,
        shareEpsilon,
        unknownLatency,
        latencySmoothing,
        "priority-latency",
        Duration.ofMillis(500),
        true,
        1.4,
        0.99,
        512,
        8,
        Duration.ofSeconds(60),
        "X-Caller",
        Map.of(),
        Hedging.DEFAULTS);
  }

  /** The router's default policy. */
  public RoutingPolicy policy() {
    return new RoutingPolicy(
        latencyWeight,
        costWeight,
        shareEpsilon,
        unknownLatency.toNanos() / 1e9,
        PolicyKind.parse(defaultPolicy),
        latencyBudget.toNanos() / 1e9,
        respectPriorityTiers,
        overprovisioningFactor);
  }

  /**
   * One caller's default hints; a request's own hint headers override them field by field.
   *
   * @param policy policy name
   * @param latencyBudget budget for cost-within-latency-budget
   * @param maxCostPer1k highest accepted price, USD per 1k tokens
   * @param allowedRegions region names the caller may use
   * @param allowedProviders providers the caller may use
   * @param regionSelector label selector over the regions' labels (geo=eu)
   * @param hedge hedge this caller's requests (they are safe to repeat)
   */
  public record CallerDefaults(
      String policy,
      Duration latencyBudget,
      Double maxCostPer1k,
      List<String> allowedRegions,
      List<String> allowedProviders,
      String regionSelector,
      Boolean hedge) {

    void validate(String prefix) {
      try {
        if (policy != null) {
          PolicyKind.parse(policy);
        }
        if (regionSelector != null) {
          LabelSelector.parse(regionSelector);
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(prefix + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Hedging: for a request marked safe to repeat, a second attempt goes to the next region when the
   * first has not answered within delayQuantile of the first region's recent latencies (or
   * ewmaMultiplier x its EWMA while too few are known); the first answer wins, the other is
   * cancelled.
   *
   * @param enabled whether requests may ask for hedging at all
   * @param delayQuantile quantile of the first region's recent traffic latencies to wait for
   * @param ewmaMultiplier fallback: this many times its latency EWMA
   * @param minDelay never hedge sooner than this
   * @param budgetRatio over the last 10 s, hedges may be at most this fraction of hedgeable
   *     requests ...
   * @param budgetMinPerSecond ... plus this many per second
   */
  public record Hedging(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("0.9") double delayQuantile,
      @DefaultValue("2.0") double ewmaMultiplier,
      @DefaultValue("20ms") Duration minDelay,
      @DefaultValue("0.1") double budgetRatio,
      @DefaultValue("1") int budgetMinPerSecond) {

    public static final Hedging DEFAULTS =
        new Hedging(true, 0.9, 2.0, Duration.ofMillis(20), 0.1, 1);
  }
}
