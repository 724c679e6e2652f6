package dev.regionrouter.router.proxy;

import java.time.Duration;

/** How the attempt loop reads a region's HTTP status. */
final class RegionStatus {

  private RegionStatus() {}

  /** 500, 502, 503, 504: the region's fault, try the next one. */
  static boolean retryable5xx(int status) {
    return status == 500 || status == 502 || status == 503 || status == 504;
  }

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
