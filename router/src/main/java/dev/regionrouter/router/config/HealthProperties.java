package dev.regionrouter.router.config;

import jakarta.validation.constraints.DecimalMin;
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
 * it is half-open: one success restores it, one failure ejects it again. Also the 429 cool-down,
 * stall detection and when a latency change re-ranks cached plans.
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
 *     (or for its hold limit, when longer) is stalled: new requests go to the next region, but for
 *     one trial request every stallTrialInterval, until it answers again; once its usual answer
 *     time is known, the requests it holds past the hold limit are moved to the next region too.
 *     This is how a region that hangs (its health endpoint still answering) is left long before the
 *     per-try timeout
 * @param stallHoldFactor the hold limit is max(stallAfter, this x the region's usual answer time):
 *     a region is not stalled while it takes no longer than its usual answers several times over
 * @param stallTrialInterval a stalled region gets one trial request every this long
 * @param stallTrialTimeoutFactor a stalled region's trial may wait this x its usual answer time (so
 *     a trial that meets the hang fails over quickly)
 * @param stallTrialTimeoutMin a trial's wait is never shorter than this (stallAfter while the usual
 *     answer time is unknown)
 * @param rerankLatencyChange a region's smoothed latency must move by more than this fraction since
 *     plans last saw it (and by more than rerankLatencyChangeMin) before cached rankings are
 *     rebuilt: a steady region's probes and stream heads move it a little on nearly every sample,
 *     and telling plans each time would rebuild the ranking at every sample
 * @param rerankLatencyChangeMin the least move that re-ranks, for regions with a tiny latency
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
    @NotNull @DefaultValue("1s") Duration stallAfter,
    @DecimalMin("1.0") @DefaultValue("4") double stallHoldFactor,
    @NotNull @DefaultValue("1s") Duration stallTrialInterval,
    @DecimalMin("0.0") @DefaultValue("2") double stallTrialTimeoutFactor,
    @NotNull @DefaultValue("250ms") Duration stallTrialTimeoutMin,
    @DecimalMin("0.0") @DefaultValue("0.02") double rerankLatencyChange,
    @NotNull @DefaultValue("500us") Duration rerankLatencyChangeMin) {

  /** The defaults for everything after the 429 cool-down, for code that sets the other fields. */
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

  /** The defaults for stall detection's details and re-ranking. */
  public HealthProperties(
      int consecutiveFailures,
      Duration baseEjectionTime,
      Duration maxEjectionTime,
      Duration failureExpiry,
      Duration defaultRetryAfter,
      Duration maxRetryAfter,
      Duration halfOpenInterval,
      Duration stallAfter) {
    this(
        consecutiveFailures,
        baseEjectionTime,
        maxEjectionTime,
        failureExpiry,
        defaultRetryAfter,
        maxRetryAfter,
        halfOpenInterval,
        stallAfter,
        4,
        Duration.ofSeconds(1),
        2,
        Duration.ofMillis(250),
        0.02,
        Duration.ofNanos(500_000));
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
