package dev.regionrouter.router.selection;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Recent traffic latencies per region (the last {@code size} successful answers, each at most
 * {@code maxAgeMillis} old) and their quantiles: what cost-within-latency-budget compares to the
 * budget and what hedging waits for. A mean (the EWMA) says nothing about the tail a budget is
 * about; a quantile of a small ring does, cheaply: the sorted copy is recomputed at most every
 * {@value #RECOMPUTE_EVERY} samples or second, so a plan reads a cached number.
 */
public class LatencyWindow {

  static final int RECOMPUTE_EVERY = 16;

  private final int size;
  private final int minSamples;
  private final long maxAgeMillis;
  private final LongSupplier millis;
  private final Map<String, Ring> regions = new ConcurrentHashMap<>();

  /**
   * Moves whenever a sample makes some region's next quantile a new computation (see {@link
   * #version}).
   */
  private final AtomicLong version = new AtomicLong();

  public LatencyWindow(int size, int minSamples, long maxAgeMillis, LongSupplier millis) {
    this.size = size;
    this.minSamples = minSamples;
    this.maxAgeMillis = maxAgeMillis;
    this.millis = millis;
  }

  public void record(String region, double seconds) {
    if (regions.computeIfAbsent(region, r -> new Ring(size)).add(seconds, millis.getAsLong())) {
      version.incrementAndGet();
    }
  }

  /**
   * Moves whenever a recorded sample makes a region's next {@link #quantile} a recomputation (its
   * answer may change); together with {@link #stableUntilMillis} it tells a cached ranking that the
   * quantiles it read still hold: until then, quantile answers what it answered.
   */
  public long version() {
    return version.get();
  }

  /**
   * Until when (millis of this window's clock, exclusive) the region's quantile stays what it last
   * answered unless {@link #version} moves: its once-a-second recomputation. Long.MAX_VALUE for a
   * region with no samples.
   */
  public long stableUntilMillis(String region) {
    Ring ring = regions.get(region);
    return ring == null ? Long.MAX_VALUE : ring.stableUntil();
  }

  /**
   * The q-quantile of the region's fresh samples; while fewer than minSamples are fresh, the
   * slowest of them (a cautious estimate from little data); NaN when none is fresh.
   */
  public double quantile(String region, double q) {
    Ring ring = regions.get(region);
    return ring == null
        ? Double.NaN
        : ring.quantile(q, millis.getAsLong(), minSamples, maxAgeMillis);
  }

  /** Fresh samples of the region (status page). */
  public int samples(String region) {
    Ring ring = regions.get(region);
    return ring == null ? 0 : ring.fresh(millis.getAsLong(), maxAgeMillis);
  }

  public void retain(java.util.Set<String> names) {
    regions.keySet().retainAll(names);
  }

  private static final class Ring {
    private final double[] values;
    private final long[] at;
    private int next;
    private int count;
    private long added;
    private double[] sorted = new double[0];
    private long sortedAtAdded = -1;
    private long sortedAtMillis;

    Ring(int size) {
      values = new double[size];
      at = new long[size];
    }

    /**
     * Adds a sample; true when the next quantile will be recomputed from it (see quantile's
     * conditions).
     */
    synchronized boolean add(double seconds, long now) {
      values[next] = seconds;
      at[next] = now;
      next = (next + 1) % values.length;
      count = Math.min(count + 1, values.length);
      added++;
      return sortedAtAdded < 0
          || added - sortedAtAdded >= RECOMPUTE_EVERY
          || sorted.length < RECOMPUTE_EVERY;
    }

    synchronized long stableUntil() {
      return sortedAtAdded < 0 ? Long.MIN_VALUE : sortedAtMillis + 1000;
    }

    synchronized int fresh(long now, long maxAge) {
      int n = 0;
      for (int i = 0; i < count; i++) {
        if (now - at[i] <= maxAge) {
          n++;
        }
      }
      return n;
    }

    synchronized double quantile(double q, long now, int minSamples, long maxAge) {
      if (sortedAtAdded < 0
          || added - sortedAtAdded >= RECOMPUTE_EVERY
          || now - sortedAtMillis >= 1000
          || (added != sortedAtAdded && sorted.length < RECOMPUTE_EVERY)) {
        double[] fresh = new double[count];
        int n = 0;
        for (int i = 0; i < count; i++) {
          if (now - at[i] <= maxAge) {
            fresh[n++] = values[i];
          }
        }
        sorted = Arrays.copyOf(fresh, n);
        Arrays.sort(sorted);
        sortedAtAdded = added;
        sortedAtMillis = now;
      }
      if (sorted.length == 0) {
        return Double.NaN;
      }
      if (sorted.length < minSamples) {
        return sorted[sorted.length - 1];
      }
      int index = (int) Math.ceil(q * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
  }
}
