package dev.regionrouter.router.health;

import dev.regionrouter.router.config.HealthProperties;
import java.time.Duration;
import java.time.Instant;

/**
 * Passive outlier ejection of one region: consecutive failed attempts eject it for baseEjectionTime
 * x n, capped at maxEjectionTime; then it is half-open (one failure ejects it again, one success
 * clears it). While it is ejected, one request every halfOpenInterval is its trial.
 *
 * <p>Failures expire three ways: a success resets the consecutive count, a failure older than
 * failureExpiry no longer counts, and an ejection ends after its backoff. The backoff multiplier
 * itself starts over once the region has stayed clean for maxEjectionTime.
 *
 * <p>Not thread-safe: {@link RegionHealth} calls it under its monitor.
 */
final class Ejection {

  private final HealthProperties settings;

  /** Where the region is listed while it is ejected, so requests find due trials quickly. */
  private final Ejections ejected;

  private final RegionHealth region;

  private int failures;
  private Instant lastFailureAt;
  private int ejections;
  private Instant until;

  /** The current ejection's start, or its last trial: the next trial is halfOpenInterval after. */
  private Instant lastTrialAt;

  private Instant lastEnd;
  private boolean halfOpen;

  /** A probe failed since the ejection began: good probes after it confirm a recovery. */
  private boolean probeFailedSince;

  Ejection(HealthProperties settings, Ejections ejected, RegionHealth region) {
    this.settings = settings;
    this.ejected = ejected;
    this.region = region;
  }

  /** A failed attempt; true when it ejected the region. */
  boolean failed(Instant now) {
    if (lastFailureAt != null
        && Duration.between(lastFailureAt, now).compareTo(settings.failureExpiry()) > 0) {
      failures = 0;
    }
    failures++;
    lastFailureAt = now;
    if (until == null && (halfOpen || failures >= settings.consecutiveFailures())) {
      eject(now);
      return true;
    }
    return false;
  }

  /**
   * A successful attempt: failures and half-open are over, and an ejection ends (a trial, or a
   * request sent before the ejection, was answered well). True when that changed anything.
   */
  boolean succeeded(Instant now) {
    boolean changed = failures != 0 || halfOpen || until != null;
    failures = 0;
    halfOpen = false;
    if (until != null) {
      end(now);
    }
    return changed;
  }

  /** A probe failed. */
  void probeFailed() {
    if (until != null) {
      probeFailedSince = true;
    }
  }

  /**
   * Probes saw the region down and up again since it was ejected: a confirmed recovery ends the
   * ejection, half-open. True when it did.
   */
  boolean endIfProbesSawRecovery() {
    if (until == null || !probeFailedSince) {
      return false;
    }
    until = null;
    ejected.remove(region);
    halfOpen = true;
    failures = 0;
    return true;
  }

  /**
   * Probes brought the region back from unhealthy: its ejection, half-open state and failures are
   * over (Envoy's successful_active_health_check_uneject_host).
   */
  void clear() {
    until = null;
    ejected.remove(region);
    halfOpen = false;
    failures = 0;
  }

  /** Ends an ejection whose time has passed, half-open; true when it ended one. */
  boolean expire(Instant now) {
    if (until != null && !now.isBefore(until)) {
      end(until);
      halfOpen = true;
      failures = 0;
      return true;
    }
    return false;
  }

  /**
   * Whether this request may be the trial: one every halfOpenInterval of an ejection, however long
   * the ejection. A trial that succeeds ends the ejection ({@link #succeeded}); one that fails
   * changes nothing (the ejection runs on, not longer).
   */
  boolean tryTrial(Instant now) {
    if (!trialDue(now)) {
      return false;
    }
    lastTrialAt = now;
    return true;
  }

  /** Whether the region is ejected and its next trial is due (without taking it). */
  boolean trialDue(Instant now) {
    return until != null
        && Duration.between(lastTrialAt, now).compareTo(settings.halfOpenInterval()) >= 0;
  }

  /** The region left the registry: no longer listed as ejected. */
  void forget() {
    ejected.remove(region);
  }

  int failures() {
    return failures;
  }

  int ejections() {
    return ejections;
  }

  /** The end of the current ejection, or null when not ejected. */
  Instant until() {
    return until;
  }

  boolean halfOpen() {
    return halfOpen;
  }

  private void eject(Instant now) {
    if (lastEnd != null
        && Duration.between(lastEnd, now).compareTo(settings.maxEjectionTime()) > 0) {
      ejections = 0; // clean long enough: the backoff starts over
    }
    ejections++;
    Duration length = settings.baseEjectionTime().multipliedBy(ejections);
    if (length.compareTo(settings.maxEjectionTime()) > 0) {
      length = settings.maxEjectionTime();
    }
    until = now.plus(length);
    lastTrialAt = now;
    ejected.add(region);
    halfOpen = false;
    probeFailedSince = false;
  }

  private void end(Instant at) {
    lastEnd = at;
    until = null;
    ejected.remove(region);
  }
}
