package dev.regionrouter.router.health;

import dev.regionrouter.router.config.HealthProperties;
import java.time.Duration;

/** router.health settings for the health package's unit tests. */
final class HealthSettings {

  private HealthSettings() {}

  /** The defaults (as bound from an empty configuration). */
  static final HealthProperties DEFAULTS =
      new HealthProperties(
          3,
          Duration.ofSeconds(30),
          Duration.ofSeconds(300),
          Duration.ofSeconds(60),
          Duration.ofSeconds(1),
          Duration.ofSeconds(300));

  /** The defaults but for stall detection's details and re-ranking, which tests set apart. */
  static HealthProperties stall(
      double holdFactor,
      Duration trialInterval,
      double trialTimeoutFactor,
      Duration trialTimeoutMin,
      double rerankChange,
      Duration rerankChangeMin) {
    HealthProperties d = DEFAULTS;
    return new HealthProperties(
        d.consecutiveFailures(),
        d.baseEjectionTime(),
        d.maxEjectionTime(),
        d.failureExpiry(),
        d.defaultRetryAfter(),
        d.maxRetryAfter(),
        d.halfOpenInterval(),
        d.stallAfter(),
        holdFactor,
        trialInterval,
        trialTimeoutFactor,
        trialTimeoutMin,
        rerankChange,
        rerankChangeMin);
  }
}
