package dev.regionrouter.router.exchange;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.health.RegionHealth;
import dev.regionrouter.router.observe.RouterMetrics;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one attempt's outcome teaches the region's health and the metrics: an answer, a success or a
 * failure (which may eject the region), a 429's cooling, the end of a committed stream. A named
 * model's own HTTP answers (429, 5xx, a bad answer) are that model's; a connection that fails is
 * the region's.
 */
final class HealthFeedback {

  private static final Logger log = LoggerFactory.getLogger(AttemptLoop.class);

  private final RouterMetrics metrics;

  HealthFeedback(RouterMetrics metrics) {
    this.metrics = metrics;
  }

  /**
   * Records the attempt begun at {@code start} (System.nanoTime()).
   *
   * @param model the model the request names, or null
   * @param timeout the per-try timeout (a timeout may be stale, see RegionHealth.recordTimeout)
   */
  void record(
      RegionEntry region,
      RegionHealth regionHealth,
      AttemptLoop.Result<?> result,
      String model,
      long start,
      Duration timeout) {
    Outcome outcome =
        switch (result) {
          case AttemptLoop.Done<?> done -> done.outcome();
          case AttemptLoop.Failed<?> failed -> failed.outcome();
        };
    metrics.attempt(region.name(), outcome.tag());
    if (outcome.regionAnswered()) {
      regionHealth.recordAnswer(Duration.ofNanos(System.nanoTime() - start));
    }
    if (result instanceof AttemptLoop.Done<?> done) {
      metrics.upstreamLatency(region.name(), done.latency());
      if (outcome.countsAsFailure()) {
        failure(region, regionHealth, null);
      } else {
        regionHealth.recordSuccess(done.latency());
        if (model != null) {
          regionHealth.models().recordSuccess(model);
        }
      }
      if (done.tail() != null) {
        done.tail()
            .whenComplete(
                (whole, error) -> {
                  regionHealth.release(); // a committed stream keeps its slot until its tail ends
                  if (error != null || !whole) {
                    metrics.attempt(region.name(), Outcome.STREAM_BROKEN.tag());
                    failure(region, regionHealth, null);
                  }
                });
      }
      return;
    }
    AttemptLoop.Failed<?> failed = (AttemptLoop.Failed<?>) result;
    boolean modelsOwn = model != null && outcome.regionAnswered();
    if (outcome == Outcome.THROTTLED) {
      if (modelsOwn) {
        regionHealth.models().recordThrottled(model, failed.retryAfter());
      } else {
        regionHealth.recordThrottled(failed.retryAfter());
      }
    } else if (outcome.countsAsFailure() && modelsOwn) {
      if (regionHealth.models().recordFailure(model)) {
        log.warn(
            "model {} of region {} ejected after consecutive failures (its other models still serve)",
            model,
            region.name());
      }
    } else if (outcome.countsAsFailure()) {
      failure(region, regionHealth, outcome == Outcome.TIMEOUT ? timeout : null);
    }
  }

  /** timeout: the per-try timeout when the attempt timed out, else null. */
  private void failure(RegionEntry region, RegionHealth regionHealth, Duration timeout) {
    RegionHealth.FailureEffect effect =
        timeout == null ? regionHealth.recordFailure() : regionHealth.recordTimeout(timeout);
    if (effect == RegionHealth.FailureEffect.EJECTED) {
      metrics.ejection(region.name());
      log.warn(
          "region {} ejected until {} after consecutive failures",
          region.name(),
          regionHealth.view().ejectedUntil());
    }
  }
}
