package dev.regionrouter.router.health;

import dev.regionrouter.router.config.HealthProperties;
import java.time.Duration;
import java.time.Instant;

/**
 * A region's 429 cool-down: it answered "too many requests", so it is left alone for its
 * Retry-After (capped), which is not a failure.
 *
 * <p>Not thread-safe: {@link RegionHealth} calls it under its monitor.
 */
final class Cooling {

  private final HealthProperties settings;
  private Instant until;

  Cooling(HealthProperties settings) {
    this.settings = settings;
  }

  /** The region answered 429; true when this lengthened the cool-down. */
  boolean throttled(Duration retryAfter, Instant now) {
    Instant next = now.plus(settings.coolingFor(retryAfter));
    if (until == null || next.isAfter(until)) {
      until = next;
      return true;
    }
    return false;
  }

  /** Ends a cool-down whose time has passed; true when it ended one. */
  boolean expire(Instant now) {
    if (until != null && !now.isBefore(until)) {
      until = null;
      return true;
    }
    return false;
  }

  /** The end of the cool-down, or null when not cooling. */
  Instant until() {
    return until;
  }
}
