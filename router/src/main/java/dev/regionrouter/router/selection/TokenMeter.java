package dev.regionrouter.router.selection;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Tokens per region over the last minute, for capacity.tokensPerMinute: a request reserves its
 * estimate (from max_tokens) on the region planned first, and is corrected with the tokens the
 * region reports (tokens_used) once it answers, on the region that actually served it. A sliding
 * window of 12 buckets of 5 s: cheap, and at most 5 s off at the window's edge.
 */
public class TokenMeter {

  static final int BUCKETS = 12;
  static final long BUCKET_MILLIS = 5_000;

  private final LongSupplier millis;
  private final Map<String, Window> regions = new ConcurrentHashMap<>();

  public TokenMeter(LongSupplier millis) {
    this.millis = millis;
  }

  /** Tokens used and reserved on the region over the last minute. */
  public long usage(String region) {
    Window window = regions.get(region);
    return window == null ? 0 : window.sum(millis.getAsLong() / BUCKET_MILLIS);
  }

  public void add(String region, long tokens) {
    if (tokens != 0) {
      regions
          .computeIfAbsent(region, r -> new Window())
          .add(millis.getAsLong() / BUCKET_MILLIS, tokens);
    }
  }

  /**
   * Replaces a reservation on {@code reservedOn} by the actual tokens on {@code servedBy} (either
   * may be null).
   */
  public void settle(String reservedOn, long reserved, String servedBy, long actual) {
    if (reservedOn != null) {
      add(reservedOn, -reserved);
    }
    if (servedBy != null) {
      add(servedBy, actual);
    }
  }

  /** Gives back a reservation that no answer will replace (a cancelled or losing hedge leg). */
  public void release(String reservedOn, long reserved) {
    settle(reservedOn, reserved, null, 0);
  }

  /** Forgets regions that left the table. */
  public void retain(java.util.Set<String> names) {
    regions.keySet().retainAll(names);
  }

  private static final class Window {
    private final long[] slot = new long[BUCKETS];
    private final long[] tokens = new long[BUCKETS];

    synchronized void add(long bucket, long amount) {
      int i = (int) Math.floorMod(bucket, (long) BUCKETS);
      if (slot[i] != bucket) {
        slot[i] = bucket;
        tokens[i] = 0;
      }
      tokens[i] += amount;
    }

    synchronized long sum(long now) {
      long total = 0;
      for (int i = 0; i < BUCKETS; i++) {
        if (slot[i] > now - BUCKETS && slot[i] <= now) {
          total += tokens[i];
        }
      }
      return Math.max(0, total);
    }
  }
}
