package dev.regionrouter.router.health;

import dev.regionrouter.api.probe.ProbeLatency;
import dev.regionrouter.api.probe.ProbeStateMachine;
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
  public enum FailureEffect {
    COUNTED,
    EJECTED,
    STALE
  }

  /** Probe samples whose minimum feeds the smoothed latency (see {@link ProbeLatency}). */
  static final int PROBE_WINDOW = ProbeLatency.WINDOW;

  private final String name;
  private final String endpoint;

  /** Where this region is listed while it is ejected (see {@link #tryEjectionTrial}). */
  private final Ejections ejectionSet;

  private final HealthProperties settings;

  /** Rate limits and failures of single models (requests that name a model). */
  private final ModelHealth models;

  /** The probes' verdict and the smoothed latency, as the operator computes them. */
  private final ProbeStateMachine probes;

  private final int healthyThreshold;
  private final double smoothing;
  private final Clock clock;

  /**
   * Told of every change that can move the region in a plan (see {@link #version()}); never null.
   */
  private final SelectionEpoch epoch;

  private boolean probeFailedSinceEjection;
  private double trafficLatencySeconds = Double.NaN;

  /** The smoothed latency when plans were last told of a change (see latencyMovedForPlans). */
  private double latencyAtLastChange = Double.NaN;

  private int failures;
  private Instant lastFailureAt;
  private int ejections;
  private Instant ejectedUntil;

  /**
   * The current ejection's start, or its last trial: the next trial is half-open-interval after it.
   */
  private Instant lastEjectionTrialAt;

  private Instant lastEjectionEnd;
  private boolean halfOpen;
  private Instant coolingUntil;

  /**
   * Written under the monitor, read without it by the planner (a plan reads it live, per request).
   */
  private volatile int inFlight;

  /**
   * Bumped (under the monitor) by every change that can move the region in a plan, except the
   * in-flight count and the traffic latency: the probes' verdict, the smoothed latency when it
   * moved by more than 2 % (see latencyMovedForPlans), failures, ejection and its end, half-open,
   * the cool-down. A cached ranking re-reads only the regions whose version moved.
   */
  private volatile long version;

  /**
   * When probes last confirmed the region back from down: attempts that timed out on the outage are
   * stale after it.
   */
  private Instant recoveredAt;

  /**
   * When the region last answered a request (any HTTP answer), and when that request had started.
   */
  private Instant lastAnswerAt;

  private Instant lastAnsweredStart;

  /** When requests in flight went from none to some. */
  private Instant busySince;

  private Instant lastTrialAt;
  private boolean stallLogged;

  /**
   * A request was moved on from this region because it answered nothing: stalled until it answers.
   */
  private boolean heldOut;

  public RegionHealth(
      String endpoint,
      HealthProperties settings,
      int unhealthyThreshold,
      int healthyThreshold,
      double smoothing,
      Clock clock) {
    this(
        endpoint,
        endpoint,
        settings,
        unhealthyThreshold,
        healthyThreshold,
        smoothing,
        clock,
        new SelectionEpoch(),
        new Ejections());
  }

  public RegionHealth(
      String name,
      String endpoint,
      HealthProperties settings,
      int unhealthyThreshold,
      int healthyThreshold,
      double smoothing,
      Clock clock,
      SelectionEpoch epoch,
      Ejections ejectionSet) {
    this.name = name;
    this.ejectionSet = ejectionSet;
    this.epoch = epoch;
    this.endpoint = endpoint;
    this.settings = settings;
    this.models = new ModelHealth(settings, clock);
    this.probes =
        new ProbeStateMachine(
            new ProbeStateMachine.Settings(unhealthyThreshold, healthyThreshold, smoothing));
    this.healthyThreshold = healthyThreshold;
    this.smoothing = smoothing;
    this.clock = clock;
  }

  /** The health of the region's single models. */
  public ModelHealth models() {
    return models;
  }

  /** The region's name in the table. */
  public String name() {
    return name;
  }

  public String endpoint() {
    return endpoint;
  }

  /**
   * See the field: moves whenever the region's {@link #view()} may have changed other than in
   * flight and traffic latency.
   */
  public long version() {
    return version;
  }

  /**
   * Requests in progress on the region through this router, read without locking (the planner's
   * live read).
   */
  public int inFlight() {
    return inFlight;
  }

  private void changed() {
    version++;
    epoch.bump();
    latencyAtLastChange = probes.latencySeconds();
  }

  /** The probes' verdict: healthy until probes say otherwise. */
  private boolean activeHealthy() {
    return probes.verdict() != ProbeStateMachine.Verdict.UNHEALTHY;
  }

  /**
   * Whether the next probe should follow soon rather than an interval later (see {@link
   * ProbeStateMachine#followUpDue()}).
   */
  public synchronized boolean probeFollowUpDue() {
    return probes.followUpDue();
  }

  /**
   * Whether the smoothed latency moved by more than 2 % (at least 0.5 ms) since plans last saw it:
   * a steady region's probes and stream heads move it by less on nearly every sample, and telling
   * plans each time would rebuild the ranking per sample (~64-87 µs at 1,000 regions).
   */
  private boolean latencyMovedForPlans() {
    double latencySeconds = probes.latencySeconds();
    double moved = Math.abs(latencySeconds - latencyAtLastChange);
    return Double.isNaN(moved)
        ? !Double.isNaN(latencySeconds)
        : moved > Math.max(0.0005, 0.02 * latencyAtLastChange);
  }

  /**
   * A probe's result. Returns true when it changed the active verdict. A region that probes bring
   * back from unhealthy is also un-ejected (Envoy's successful_active_health_check_uneject_host),
   * but only on that transition: a region whose health endpoint answers while its inference
   * endpoint hangs stays ejected.
   */
  public synchronized boolean recordProbe(boolean ok, Duration latency) {
    expire(clock.instant());
    boolean healthyBefore = activeHealthy();
    Instant ejectedBefore = ejectedUntil;
    boolean halfOpenBefore = halfOpen;
    int failuresBefore = failures;
    boolean verdictChanged = applyProbe(ok, latency);
    // the counters toward a verdict do not move the region in a plan; the verdict, an ejection's
    // end and the latency (when it moved enough) do
    if (activeHealthy() != healthyBefore
        || !java.util.Objects.equals(ejectedUntil, ejectedBefore)
        || halfOpen != halfOpenBefore
        || failures != failuresBefore
        || latencyMovedForPlans()) {
      changed();
    }
    return verdictChanged;
  }

  private boolean applyProbe(boolean ok, Duration latency) {
    boolean healthyBefore = activeHealthy();
    if (ok) {
      probes.success(latency.toNanos() / 1e9);
      if (ejectedUntil != null
          && probeFailedSinceEjection
          && probes.consecutiveSuccesses() >= healthyThreshold) {
        // probes saw the region down and up again since it was ejected: a confirmed recovery
        ejectedUntil = null;
        halfOpen = true;
        failures = 0;
        recoveredAt = clock.instant();
      }
      if (!healthyBefore && activeHealthy()) {
        ejectedUntil = null;
        halfOpen = false;
        failures = 0;
        recoveredAt = clock.instant();
        return true;
      }
      return false;
    }
    probes.failure();
    if (ejectedUntil != null) {
      probeFailedSinceEjection = true;
    }
    return healthyBefore && !activeHealthy();
  }

  /**
   * A real request's attempt succeeded after the given latency (time to first byte for streams).
   */
  public synchronized void recordSuccess(Duration latency) {
    Instant now = clock.instant();
    expire(now);
    if (failures != 0 || halfOpen) {
      changed();
    }
    failures = 0;
    halfOpen = false;
    if (ejectedUntil != null) {
      endEjection(
          now); // a trial (or a request sent before the ejection) was answered well: the region is
      // back
      changed();
    }
    epoch.trafficAnswered(); // the traffic latency ranks lowest-latency and lowest-cost only
    double sample = latency.toNanos() / 1e9;
    trafficLatencySeconds =
        Double.isNaN(trafficLatencySeconds)
            ? sample
            : smoothing * sample + (1 - smoothing) * trafficLatencySeconds;
  }

  /**
   * Real traffic's part in the smoothed latency that the default policy scores (probes feed it
   * too): the time until the head of a streamed answer (text/event-stream) arrived. An
   * OpenAI-compatible server sends a stream's head as soon as it takes the request, before
   * generating, so this is the region's round trip as real traffic meets it, comparable with a
   * probe's. A non-streamed answer's time includes the whole generation (and the regions that get
   * no traffic have none to compare): it feeds only the traffic latency (see recordSuccess).
   *
   * <p>Plans are told only when the latency moved enough (see latencyMovedForPlans).
   */
  public synchronized void recordStreamHead(Duration elapsed) {
    probes.blend(elapsed.toNanos() / 1e9);
    if (latencyMovedForPlans()) {
      changed();
    }
  }

  /** A real request's attempt failed (refused, reset, timeout, 5xx, malformed answer). */
  public synchronized FailureEffect recordFailure() {
    Instant now = clock.instant();
    expire(now);
    changed();
    if (lastFailureAt != null
        && Duration.between(lastFailureAt, now).compareTo(settings.failureExpiry()) > 0) {
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

  /**
   * An attempt timed out: a failure, not a latency sample (a timeout says the region did not
   * answer, not how fast it answers: fed to the average, one 15 s timeout outweighs every real
   * sample and keeps the region's traffic away long after it answers again; the failure count and
   * ejection deal with a region that keeps timing out). An attempt that started before probes
   * confirmed the region's recovery hung on the outage that is over: it is {@link
   * FailureEffect#STALE} and changes nothing. Otherwise the requests pinned on a hung region would
   * time out after it recovered and eject it again, keeping its traffic away for another ejection
   * period.
   */
  public synchronized FailureEffect recordTimeout(Duration timeout) {
    Instant started = clock.instant().minus(timeout);
    if (recoveredAt != null && started.isBefore(recoveredAt)) {
      return FailureEffect.STALE;
    }
    if (lastAnsweredStart != null && started.isBefore(lastAnsweredStart)) {
      // a request sent after this one was answered: the region works again (a hang is over)
      return FailureEffect.STALE;
    }
    return recordFailure();
  }

  /** The region answered 429: cool it down for its Retry-After (capped); not a failure. */
  public synchronized void recordThrottled(Duration retryAfter) {
    Instant until = clock.instant().plus(settings.coolingFor(retryAfter));
    if (coolingUntil == null || until.isAfter(coolingUntil)) {
      coolingUntil = until;
      changed();
    }
  }

  /** Takes an in-flight slot unless maxInFlight (when not null) is reached. */
  public synchronized boolean tryAcquire(Integer maxInFlight) {
    if (maxInFlight != null && inFlight >= maxInFlight) {
      return false;
    }
    if (inFlight == 0) {
      busySince = clock.instant();
    }
    inFlight++;
    return true;
  }

  /**
   * The region answered a request (any HTTP answer: it is not hung) that took this long. Ends a
   * stall, and makes the timeouts of requests sent before this one stale.
   */
  public synchronized void recordAnswer(Duration elapsed) {
    Instant now = clock.instant();
    Instant started = now.minus(elapsed);
    lastAnswerAt = now;
    if (lastAnsweredStart == null || started.isAfter(lastAnsweredStart)) {
      lastAnsweredStart = started;
    }
    stallLogged = false;
    heldOut = false;
  }

  /**
   * Whether the region holds requests it has not answered for stallAfter (or 4 x its usual answer
   * time, when longer), or had a held request moved on since it last answered: it may hang.
   * Time-based, so the attempt loop asks per request (a stalled region is skipped there like a full
   * one, not ranked differently).
   */
  public synchronized boolean stalled() {
    if (heldOut) {
      return true;
    }
    if (inFlight == 0) {
      return false;
    }
    Duration limit = holdLimit();
    return quietSince(busySince, clock.instant())
            .compareTo(limit == null ? settings.stallAfter() : limit)
        > 0;
  }

  /**
   * How long a request may wait on this region without the region answering anything before it is
   * moved to the next region (max(stallAfter, 4 x the usual answer time)); null while the usual
   * answer time is unknown (a first long answer must not be cut).
   */
  public synchronized Duration holdLimit() {
    if (Double.isNaN(trafficLatencySeconds)) {
      return null;
    }
    Duration usual = Duration.ofNanos((long) (4 * trafficLatencySeconds * 1e9));
    return usual.compareTo(settings.stallAfter()) > 0 ? usual : settings.stallAfter();
  }

  /**
   * How long the region has answered nothing (no request at all), counted from at most `since` ago:
   * an attempt asks with the time since it started.
   */
  public synchronized Duration quietFor(Duration since) {
    Instant now = clock.instant();
    return quietSince(now.minus(since), now);
  }

  /** How long the region has answered nothing, counted from `from` at the earliest. */
  private Duration quietSince(Instant from, Instant now) {
    return Duration.between(
        lastAnswerAt != null && lastAnswerAt.isAfter(from) ? lastAnswerAt : from, now);
  }

  /**
   * A request held by this region was moved on at its hold limit: the region stays stalled until it
   * answers anything. Without this, the region looked fresh again as soon as the requests it held
   * had moved on (nothing in flight), took the next requests as the best region and held them for
   * another hold limit, and so on: traffic came and went in waves for as long as the hang lasted.
   */
  public synchronized void recordHeldOut() {
    heldOut = true;
  }

  /** For a stalled region: one trial request a second may go (the first to ask gets it). */
  public synchronized boolean tryTrial() {
    Instant now = clock.instant();
    if (lastTrialAt != null
        && Duration.between(lastTrialAt, now).compareTo(Duration.ofSeconds(1)) < 0) {
      return false;
    }
    lastTrialAt = now;
    return true;
  }

  /**
   * How long a trial request on a stalled region may wait (2 x its usual answer time, at least 250
   * ms; stallAfter while it has none): a trial that meets the hang fails over quickly.
   */
  public synchronized Duration trialTimeout() {
    if (Double.isNaN(trafficLatencySeconds)) {
      return settings.stallAfter();
    }
    Duration twice = Duration.ofNanos((long) (2 * trafficLatencySeconds * 1e9));
    return twice.compareTo(Duration.ofMillis(250)) > 0 ? twice : Duration.ofMillis(250);
  }

  /** True once per stall: for a single log line. */
  public synchronized boolean firstNoticeOfStall() {
    if (stallLogged) {
      return false;
    }
    stallLogged = true;
    return true;
  }

  public synchronized void release() {
    inFlight--;
  }

  public synchronized HealthView view() {
    expire(clock.instant());
    return new HealthView(
        activeHealthy(),
        ejectedUntil,
        coolingUntil,
        probes.latencySeconds(),
        trafficLatencySeconds,
        failures,
        ejections,
        inFlight,
        halfOpen);
  }

  private void eject(Instant now) {
    if (lastEjectionEnd != null
        && Duration.between(lastEjectionEnd, now).compareTo(settings.maxEjectionTime()) > 0) {
      ejections = 0; // clean long enough: the backoff starts over
    }
    ejections++;
    Duration length = settings.baseEjectionTime().multipliedBy(ejections);
    if (length.compareTo(settings.maxEjectionTime()) > 0) {
      length = settings.maxEjectionTime();
    }
    ejectedUntil = now.plus(length);
    lastEjectionTrialAt = now;
    ejectionSet.add(this);
    halfOpen = false;
    probeFailedSinceEjection = false;
  }

  /**
   * Whether this request may be the ejected region's trial: one request every half-open-interval of
   * an ejection, however long the ejection. A trial that succeeds ends the ejection (see
   * recordSuccess); one that fails changes nothing (the ejection runs on, not longer), so a region
   * that recovers is back within about half-open-interval, while one that stays down costs one
   * failed-over attempt per interval.
   */
  public synchronized boolean tryEjectionTrial() {
    if (!ejectionTrialDue()) {
      return false;
    }
    lastEjectionTrialAt = clock.instant();
    return true;
  }

  /** Whether the region is ejected and its next trial is due (without taking it). */
  public synchronized boolean ejectionTrialDue() {
    Instant now = clock.instant();
    expire(now);
    return ejectedUntil != null
        && Duration.between(lastEjectionTrialAt, now).compareTo(settings.halfOpenInterval()) >= 0;
  }

  /** The region left the registry: it is no longer listed as ejected. */
  synchronized void forget() {
    ejectionSet.remove(this);
  }

  private void endEjection(Instant now) {
    lastEjectionEnd = now;
    ejectedUntil = null;
    ejectionSet.remove(this);
  }

  /** Ends an ejection or a cool-down whose time has passed. */
  private void expire(Instant now) {
    if (ejectedUntil != null && !now.isBefore(ejectedUntil)) {
      changed();
      endEjection(ejectedUntil);
      halfOpen = true;
      failures = 0;
    }
    if (coolingUntil != null && !now.isBefore(coolingUntil)) {
      changed();
      coolingUntil = null;
    }
  }
}
