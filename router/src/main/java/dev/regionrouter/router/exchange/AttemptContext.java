package dev.regionrouter.router.exchange;

import dev.regionrouter.router.config.ProxyProperties;
import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.observe.RouterMetrics;
import dev.regionrouter.router.upstream.Credentials;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * What every {@link AttemptRun} shares with the others: the regions' health it reads and feeds, the
 * proxy settings it obeys, the retry budget and credentials it draws on, the meters and logs it
 * writes. A run owns only its own request's state; this is the rest, made once by the {@link
 * AttemptLoop}.
 *
 * @param lastNoRegionLog when a 503 was last logged (System.nanoTime): one line a second says why
 *     requests fail, without flooding the log
 */
record AttemptContext(
    HealthRegistry health,
    ProxyProperties proxy,
    RetryBudget budget,
    Credentials credentials,
    RouterMetrics metrics,
    HealthFeedback feedback,
    SelectionLog selections,
    RandomGenerator random,
    AtomicLong lastNoRegionLog) {

  AttemptContext(
      HealthRegistry health,
      ProxyProperties proxy,
      RetryBudget budget,
      Credentials credentials,
      RouterMetrics metrics,
      RandomGenerator random) {
    this(
        health,
        proxy,
        budget,
        credentials,
        metrics,
        new HealthFeedback(metrics),
        new SelectionLog(),
        random,
        new AtomicLong(System.nanoTime() - 2_000_000_000L));
  }

  /**
   * The pause before the n-th (from 0) retry on one region: retry-backoff x 2^n, jittered to 50-150
   * %.
   */
  Duration backoff(int n) {
    long base = proxy.retryBackoff().toNanos() << Math.min(n, 10);
    return Duration.ofNanos(base / 2 + (long) (random.nextDouble() * base));
  }
}
