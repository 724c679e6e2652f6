package dev.regionrouter.router.config;

import dev.regionrouter.router.select.RoutingPolicy;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The scoring policy: score = priority + latencyWeight x latency seconds, lowest wins, ties to the
 * lower cost (the reference tutorial's policy).
 *
 * @param latencyWeight score points per second of smoothed latency
 * @param costWeight score points per USD per 1k tokens (0: cost only breaks ties)
 * @param shareEpsilon regions whose score is within this of the best share load by
 *     power-of-two-choices on in-flight requests (0.02 = 2 ms of latency at weight 10)
 * @param unknownLatency latency assumed for a region not measured yet
 * @param latencySmoothing EWMA weight of a new latency sample (probe or real traffic)
 */
@Validated
@ConfigurationProperties("router.routing")
public record RoutingProperties(
    @DecimalMin("0.0") @DefaultValue("10") double latencyWeight,
    @DecimalMin("0.0") @DefaultValue("0") double costWeight,
    @DecimalMin("0.0") @DefaultValue("0.02") double shareEpsilon,
    @NotNull @DefaultValue("1s") Duration unknownLatency,
    @DecimalMin("0.01") @DecimalMax("1.0") @DefaultValue("0.3") double latencySmoothing) {

  public RoutingPolicy policy() {
    return new RoutingPolicy(latencyWeight, costWeight, shareEpsilon, unknownLatency.toNanos() / 1e9);
  }
}
