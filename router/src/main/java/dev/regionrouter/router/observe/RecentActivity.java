package dev.regionrouter.router.observe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Latency and spend over the last minutes, by region, for the status page: the upstream latency of
 * real attempts, the background probes' round trips and the estimated cost of answers, in {@link
 * #BUCKETS} buckets of {@link #BUCKET_MILLIS} each (count, mean, max per bucket). Bounded: a fixed
 * ring per region and kind, regions that leave the table are dropped.
 */
public final class RecentActivity {

  public static final int BUCKETS = 30;
  public static final long BUCKET_MILLIS = 10_000;

  /** One bucket: when it starts, how many samples, their mean and max (NaN when none). */
  public record Point(long startMillis, int count, double meanMs, double maxMs, int failures) {}

  private final LongSupplier clock;
  private final ConcurrentMap<String, Ring> upstream = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Ring> probes = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Ring> costs = new ConcurrentHashMap<>();

  public RecentActivity(LongSupplier clockMillis) {
    this.clock = clockMillis;
  }

  void upstream(String region, Duration latency) {
    upstream.computeIfAbsent(region, r -> new Ring()).add(clock.getAsLong(), millis(latency), true);
  }

  void probe(String region, boolean ok, Duration latency) {
    probes.computeIfAbsent(region, r -> new Ring()).add(clock.getAsLong(), millis(latency), ok);
  }

  void cost(String region, double usd) {
    costs.computeIfAbsent(region, r -> new Ring()).add(clock.getAsLong(), usd, true);
  }

  void retain(Set<String> regions) {
    upstream.keySet().retainAll(regions);
    probes.keySet().retainAll(regions);
    costs.keySet().retainAll(regions);
  }

  /**
   * Estimated USD the region's answers cost over the window (the last {@link #BUCKETS} buckets).
   */
  public double costUsd(String region) {
    double total = 0;
    for (Point p : points(costs.get(region))) {
      if (p.count() > 0) {
        total += p.meanMs() * p.count();
      }
    }
    return total;
  }

  /** The region's attempt latency, oldest bucket first, the current one last. */
  public List<Point> upstream(String region) {
    return points(upstream.get(region));
  }

  /** The region's probe round trips (failures counted), oldest bucket first. */
  public List<Point> probes(String region) {
    return points(probes.get(region));
  }

  private List<Point> points(Ring ring) {
    long now = clock.getAsLong();
    long current = now / BUCKET_MILLIS;
    List<Point> out = new ArrayList<>(BUCKETS);
    for (long b = current - BUCKETS + 1; b <= current; b++) {
      out.add(ring == null ? empty(b) : ring.point(b));
    }
    return out;
  }

  private static Point empty(long bucket) {
    return new Point(bucket * BUCKET_MILLIS, 0, Double.NaN, Double.NaN, 0);
  }

  private static double millis(Duration d) {
    return d.toNanos() / 1e6;
  }

  /** A ring of buckets; a slot is reused when its bucket number comes round again. */
  private static final class Ring {
    private final long[] bucket = new long[BUCKETS];
    private final int[] count = new int[BUCKETS];
    private final int[] failures = new int[BUCKETS];
    private final double[] sum = new double[BUCKETS];
    private final double[] max = new double[BUCKETS];

    Ring() {
      java.util.Arrays.fill(bucket, -1);
    }

    synchronized void add(long nowMillis, double ms, boolean ok) {
      long b = nowMillis / BUCKET_MILLIS;
      int slot = (int) (b % BUCKETS);
      if (bucket[slot] != b) {
        bucket[slot] = b;
        count[slot] = 0;
        failures[slot] = 0;
        sum[slot] = 0;
        max[slot] = 0;
      }
      count[slot]++;
      if (!ok) {
        failures[slot]++;
      }
      sum[slot] += ms;
      max[slot] = Math.max(max[slot], ms);
    }

    synchronized Point point(long b) {
      int slot = (int) (b % BUCKETS);
      if (bucket[slot] != b || count[slot] == 0) {
        return empty(b);
      }
      return new Point(
          b * BUCKET_MILLIS, count[slot], sum[slot] / count[slot], max[slot], failures[slot]);
    }
  }
}
