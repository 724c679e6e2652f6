package dev.regionrouter.router.exchange;

import java.time.Duration;

/** How the attempt loop reads a region's Retry-After (its statuses: {@link Outcome}). */
final class RegionStatus {

  private RegionStatus() {}

  /** Retry-After in seconds (the HTTP-date form is rare from APIs and ignored), or null. */
  static Duration retryAfter(String value) {
    if (value == null) {
      return null;
    }
    try {
      long seconds = Long.parseLong(value.trim());
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
