package dev.regionrouter.router.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Passive health (outlier ejection, as Envoy's): consecutive failed attempts of real requests eject
 * a region for baseEjectionTime x n (n = its ejection count), capped at maxEjectionTime; after that
 * it is half-open: one success restores it, one failure ejects it again.
 *
 * @param consecutiveFailures failed attempts in a row that eject a region
 * @param baseEjectionTime first ejection's length
 * @param maxEjectionTime cap of an ejection; also how long a region must stay clean before its
 *     ejection count starts over
 * @param failureExpiry a failure older than this no longer counts toward an ejection
 * @param defaultRetryAfter how long a region that answered 429 without Retry-After is cooled
 * @param maxRetryAfter cap of a region's Retry-After
 * @param halfOpenInterval while a region is ejected, one request every this long is its trial (it
 *     fails over to the next region inside the same request if the region still fails); a trial
 *     that succeeds ends the ejection at once, so a region that recovers gets its traffic back
 *     within about this long, however long its ejection was set to last
 * @param stallAfter a region with requests in flight that has answered none of them for this long
 *     (or for 4 x its usual answer time, when longer) is stalled: new requests go to the next
 *     region, but for one trial request a second, until it answers again; once its usual answer
 *     time is known, the requests it holds that long are moved to the next region too. This is how
 *     a region that hangs (its health endpoint still answering) is left long before the per-try
 *     timeout
 */
@Validated
@ConfigurationProperties("router.health")
public record HealthProperties(
    @Min(1) @DefaultValue("3") int consecutiveFailures,
    @NotNull @DefaultValue("30s") Duration baseEjectionTime,
    @NotNull @DefaultValue("300s") Duration maxEjectionTime,
    @NotNull @DefaultValue("60s") Duration failureExpiry,
    @NotNull @DefaultValue("1s") Duration defaultRetryAfter,
    @NotNull @DefaultValue("300s") Duration maxRetryAfter,
    @NotNull @DefaultValue("5s") Duration halfOpenInterval,
    @NotNull @DefaultValue("1s") Duration stallAfter) {

  /** The defaults for ejection trials and stall detection, for code that sets the other fields. */
  public HealthProperties(
      int consecutiveFailures,
      Duration baseEjectionTime,
      Duration maxEjectionTime,
      Duration failureExpiry,
      Duration defaultRetryAfter,
      Duration maxRetryAfter) {
    this(
        consecutiveFailures,
        baseEjectionTime,
        maxEjectionTime,
        failureExpiry,
        defaultRetryAfter,
        maxRetryAfter,
        Duration.ofSeconds(5),
        Duration.ofSeconds(1));
  }

  @ConstructorBinding
  public HealthProperties {}

  /**
   * How long a 429 cools what answered it: its Retry-After, or defaultRetryAfter without one, at
   * most maxRetryAfter.
   */
  public Duration coolingFor(Duration retryAfter) {
    Duration cool = retryAfter == null ? defaultRetryAfter : retryAfter;
    return cool.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : cool;
  }
}
