package dev.regionrouter.router.health;

import dev.regionrouter.router.config.HealthProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One region's health: the active probes' verdict with its thresholds, a smoothed latency, passive
 * outlier ejection with growing, capped backoff and half-open recovery, the 429 cool-down and the
 * in-flight count. Thread-safe (one monitor; every method is a few field updates). The clock is
 * injected so tests drive time.
 *
 * <p>Failures expire three ways: a success resets the consecutive count, a failure older than
 * failureExpiry no longer counts, and an ejection ends after its backoff. The ejection multiplier
 * itself starts over once the region has stayed clean for maxEjectionTime.
 */
public final class RegionHealth {

  /** What a recorded failure did, for metrics and logs. */
  public enum FailureEffect { COUNTED, EJECTED }

  private final String endpoint;
  private final HealthProperties settings;
  private final int unhealthyThreshold;
  private final int healthyThreshold;
  private final double smoothing;
  private final Clock clock;

  private boolean activeHealthy = true;
  private int probeSuccesses;
  private int probeFailures;
  private double latencySeconds = Double.NaN;
  /** How many coming probe samples replace the latency instead of averaging into it (see smoothProbe). */
  private int coldSamples = 2;
  private boolean probeFailedSinceEjection;
  private double trafficLatencySeconds = Double.NaN;
  private int failures;
  private Instant lastFailureAt;
  private int ejections;
  private Instant ejectedUntil;
  private Instant lastEjectionEnd;
  private boolean halfOpen;
  private Instant coolingUntil;
  private int inFlight;

  public RegionHealth(String endpoint, HealthProperties settings, int unhealthyThreshold, int healthyThreshold,
      double smoothing, Clock clock) {
    this.endpoint = endpoint;
    this.settings = settings;
    this.unhealthyThreshold = unhealthyThreshold;
    this.healthyThreshold = healthyThreshold;
    this.smoothing = smoothing;
    this.clock = clock;
  }

  public String endpoint() {
    return endpoint;
  }

  /**
   * A probe's result. Returns true when it changed the active verdict. A region that probes bring
   * back from unhealthy is also un-ejected (Envoy's successful_active_health_check_uneject_host),
   * but only on that transition: a region whose health endpoint answers while its inference
   * endpoint hangs stays ejected.
   */
  public synchronized boolean recordProbe(boolean ok, Duration latency) {
    expire(clock.instant());
    if (ok) {
      probeFailures = 0;
      probeSuccesses++;
      smoothProbe(latency);
      if (ejectedUntil != null && probeFailedSinceEjection && probeSuccesses >= healthyThreshold) {
        // probes saw the region down and up again since it was ejected: a confirmed recovery
        ejectedUntil = null;
        halfOpen = true;
        failures = 0;
      }
      if (!activeHealthy && probeSuccesses >= healthyThreshold) {
        activeHealthy = true;
        ejectedUntil = null;
        halfOpen = false;
        failures = 0;
        return true;
      }
    } else {
      probeSuccesses = 0;
      probeFailures++;
      coldSamples = 2;
      if (ejectedUntil != null) {
        probeFailedSinceEjection = true;
      }
      if (activeHealthy && probeFailures >= unhealthyThreshold) {
        activeHealthy = false;
        return true;
      }
    }
    return false;
  }

  /** A real request's attempt succeeded after the given latency (time to first byte for streams). */
  public synchronized void recordSuccess(Duration latency) {
    Instant now = clock.instant();
    expire(now);
    failures = 0;
    halfOpen = false;
    double sample = latency.toNanos() / 1e9;
    trafficLatencySeconds = Double.isNaN(trafficLatencySeconds)
        ? sample : smoothing * sample + (1 - smoothing) * trafficLatencySeconds;
  }

  /** A real request's attempt failed (refused, reset, timeout, 5xx, malformed answer). */
  public synchronized FailureEffect recordFailure() {
    Instant now = clock.instant();
    expire(now);
    if (lastFailureAt != null && Duration.between(lastFailureAt, now).compareTo(settings.failureExpiry()) > 0) {
      failures = 0;
    }
    failures++;
    lastFailureAt = now;
    if (ejectedUntil == null && (halfOpen || failures >= settings.consecutiveFailures())) {
      eject(now);
      return FailureEffect.EJECTED;
    }
    return FailureEffect.COUNTED;
  }

  /** An attempt timed out: a failure, and its timeout is a latency sample (the region is slow). */
  public synchronized FailureEffect recordTimeout(Duration timeout) {
    smoothLatency(timeout);
    return recordFailure();
  }

  /** The region answered 429: cool it down for its Retry-After (capped); not a failure. */
  public synchronized void recordThrottled(Duration retryAfter) {
    Duration cool = retryAfter == null ? settings.defaultRetryAfter() : retryAfter;
    if (cool.compareTo(settings.maxRetryAfter()) > 0) {
      cool = settings.maxRetryAfter();
    }
    Instant until = clock.instant().plus(cool);
    if (coolingUntil == null || until.isAfter(coolingUntil)) {
      coolingUntil = until;
    }
  }

  /** Takes an in-flight slot unless maxInFlight (when not null) is reached. */
  public synchronized boolean tryAcquire(Integer maxInFlight) {
    if (maxInFlight != null && inFlight >= maxInFlight) {
      return false;
    }
    inFlight++;
    return true;
  }

  public synchronized void release() {
    inFlight--;
  }

  public synchronized HealthView view() {
    expire(clock.instant());
    return new HealthView(activeHealthy, ejectedUntil, coolingUntil, latencySeconds, trafficLatencySeconds,
        failures, ejections, inFlight, halfOpen);
  }

  /**
   * The first probe of a region (and the first after a failed one) pays for a new connection and,
   * at startup, a cold JIT: it is kept only until the next sample replaces it, so a router ranks
   * regions right within two probes instead of after a dozen.
   */
  private void smoothProbe(Duration sample) {
    if (coldSamples > 0) {
      latencySeconds = sample.toNanos() / 1e9;
      coldSamples--;
      return;
    }
    smoothLatency(sample);
  }

  private void smoothLatency(Duration sample) {
    double seconds = sample.toNanos() / 1e9;
    latencySeconds = Double.isNaN(latencySeconds) ? seconds : smoothing * seconds + (1 - smoothing) * latencySeconds;
  }

  private void eject(Instant now) {
    if (lastEjectionEnd != null && Duration.between(lastEjectionEnd, now).compareTo(settings.maxEjectionTime()) > 0) {
      ejections = 0; // clean long enough: the backoff starts over
    }
    ejections++;
    Duration length = settings.baseEjectionTime().multipliedBy(ejections);
    if (length.compareTo(settings.maxEjectionTime()) > 0) {
      length = settings.maxEjectionTime();
    }
    ejectedUntil = now.plus(length);
    halfOpen = false;
    probeFailedSinceEjection = false;
  }

  /** Ends an ejection or a cool-down whose time has passed. */
  private void expire(Instant now) {
    if (ejectedUntil != null && !now.isBefore(ejectedUntil)) {
      lastEjectionEnd = ejectedUntil;
      ejectedUntil = null;
      halfOpen = true;
      failures = 0;
    }
    if (coolingUntil != null && !now.isBefore(coolingUntil)) {
      coolingUntil = null;
    }
  }
}
