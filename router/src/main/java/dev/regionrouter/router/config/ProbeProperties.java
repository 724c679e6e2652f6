package dev.regionrouter.router.config;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Background active health checks (HAProxy/Envoy style). A region's own {@code probe} settings in
 * the routing table override interval and timeout.
 *
 * @param interval time between two probes of one region
 * @param timeout a probe slower than this fails
 * @param jitter fraction of the interval added or removed at random, so probes of many routers do
 *     not hit a region in lockstep
 * @param unhealthyThreshold consecutive failed probes that mark a region unhealthy
 * @param healthyThreshold consecutive good probes that mark it healthy again
 * @param maxBodySize a health answer larger than this fails its probe (a health answer is a few
 *     bytes; a region that sends more must not fill the router's memory)
 */
@Validated
@ConfigurationProperties("router.probe")
public record ProbeProperties(
    @NotNull @DefaultValue("2s") Duration interval,
    @NotNull @DefaultValue("1s") Duration timeout,
    @DecimalMin("0.0") @DecimalMax("0.5") @DefaultValue("0.1") double jitter,
    @Min(1) @DefaultValue("3") int unhealthyThreshold,
    @Min(1) @DefaultValue("2") int healthyThreshold,
    @NotNull @DefaultValue("64KB") DataSize maxBodySize) {

  /** The default maxBodySize, for code that sets the other fields. */
  public ProbeProperties(
      Duration interval,
      Duration timeout,
      double jitter,
      int unhealthyThreshold,
      int healthyThreshold) {
    this(interval, timeout, jitter, unhealthyThreshold, healthyThreshold, DataSize.ofKilobytes(64));
  }

  @ConstructorBinding
  public ProbeProperties {}
}
