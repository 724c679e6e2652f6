package dev.regionrouter.router.proxy;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Envoy's retry budget: retries in progress may be at most a fraction of the requests in progress,
 * with a small minimum so a quiet router can still retry. When a whole fleet is sick this stops the
 * router from multiplying its load on the regions that are left.
 */
public class RetryBudget {

  private final double ratio;
  private final int minimum;
  private final AtomicInteger activeRequests = new AtomicInteger();
  private final AtomicInteger activeRetries = new AtomicInteger();

  public RetryBudget(double ratio, int minimum) {
    this.ratio = ratio;
    this.minimum = minimum;
  }

  public void requestStarted() {
    activeRequests.incrementAndGet();
  }

  public void requestEnded() {
    activeRequests.decrementAndGet();
  }

  /** Takes a retry slot if the budget allows; pair with {@link #retryEnded()}. */
  public boolean tryStartRetry() {
    while (true) {
      int retries = activeRetries.get();
      int allowed = Math.max(minimum, (int) (ratio * activeRequests.get()));
      if (retries >= allowed) {
        return false;
      }
      if (activeRetries.compareAndSet(retries, retries + 1)) {
        return true;
      }
    }
  }

  public void retryEnded() {
    activeRetries.decrementAndGet();
  }
}
