package dev.regionrouter.router.exchange;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A retry budget over a sliding window (Finagle's and gRPC's retry throttling, in the spirit of
 * Envoy's budget): over the last {@value #WINDOW_SECONDS} seconds, retries may be at most {@code
 * ratio} of the requests, plus {@code minPerSecond} retries per second so a quiet router can still
 * retry.
 *
 * <p>Why a window and not a cap on concurrent retries: when the primary region dies, every request
 * in flight to it fails at the same instant and each needs one retry. A cap on retries in progress
 * (Envoy's 20 % of active requests) refuses most of that burst and turns a region failure into
 * failed requests; a window lets the burst through, paid for by the traffic that came before, while
 * a fleet that keeps failing still cannot more than add {@code ratio} to its load.
 */
public class RetryBudget {

  static final int WINDOW_SECONDS = 10;

  private final double ratio;
  private final int minPerSecond;
  private final LongSupplier nanoClock;
  private final AtomicReferenceArray<Bucket> buckets = new AtomicReferenceArray<>(WINDOW_SECONDS);

  public RetryBudget(double ratio, int minPerSecond) {
    this(ratio, minPerSecond, System::nanoTime);
  }

  RetryBudget(double ratio, int minPerSecond, LongSupplier nanoClock) {
    this.ratio = ratio;
    this.minPerSecond = minPerSecond;
    this.nanoClock = nanoClock;
  }

  /** Counts a request (its first attempt) into the window. */
  public void requestStarted() {
    bucket(second()).requests.increment();
  }

  /** Takes one retry from the budget; false when the window's retries are used up. */
  public boolean tryStartRetry() {
    long now = second();
    long requests = 0;
    long retries = 0;
    for (int i = 0; i < WINDOW_SECONDS; i++) {
      Bucket bucket = buckets.get(i);
      if (bucket != null && bucket.second > now - WINDOW_SECONDS) {
        requests += bucket.requests.sum();
        retries += bucket.retries.sum();
      }
    }
    double allowed = (double) minPerSecond * WINDOW_SECONDS + ratio * requests;
    if (retries >= allowed) {
      return false;
    }
    bucket(now).retries.increment();
    return true;
  }

  private long second() {
    return TimeUnit.NANOSECONDS.toSeconds(nanoClock.getAsLong());
  }

  private Bucket bucket(long second) {
    int index = (int) Math.floorMod(second, (long) WINDOW_SECONDS);
    Bucket bucket = buckets.get(index);
    while (bucket == null || bucket.second != second) {
      Bucket fresh = new Bucket(second);
      if (buckets.compareAndSet(index, bucket, fresh)) {
        return fresh;
      }
      bucket = buckets.get(index);
    }
    return bucket;
  }

  private static final class Bucket {
    final long second;
    final LongAdder requests = new LongAdder();
    final LongAdder retries = new LongAdder();

    Bucket(long second) {
      this.second = second;
    }
  }
}
