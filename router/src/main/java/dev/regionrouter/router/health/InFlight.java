package dev.regionrouter.router.health;

import java.time.Instant;

/**
 * The requests a region holds through this router, bounded by its capacity, and since when it has
 * held any (stall detection counts from there).
 *
 * <p>Changed only under {@link RegionHealth}'s monitor; {@link #count()} is read without it (a plan
 * reads the count live, per request).
 */
final class InFlight {

  private volatile int count;

  /** When the count went from none to some. */
  private Instant busySince;

  /** Takes a slot unless maxInFlight (when not null) is reached. */
  boolean tryAcquire(Integer maxInFlight, Instant now) {
    if (maxInFlight != null && count >= maxInFlight) {
      return false;
    }
    if (count == 0) {
      busySince = now;
    }
    count++;
    return true;
  }

  void release() {
    count--;
  }

  int count() {
    return count;
  }

  /** When the region last went from idle to busy; meaningful while {@link #count()} > 0. */
  Instant busySince() {
    return busySince;
  }
}
