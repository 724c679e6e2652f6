package dev.regionrouter.router.health;

import dev.regionrouter.api.probe.ProbeLatency;
import dev.regionrouter.api.probe.ProbeStateMachine;
import dev.regionrouter.router.config.HealthProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One region's health, as its callers see it: the probes' verdict and latency ({@link
 * ActiveHealth}), real traffic's latency ({@link LatencyAverages}), passive ejection with trials
 * ({@link Ejection}), the 429 cool-down ({@link Cooling}), the requests in flight ({@link
 * InFlight}) and stall detection ({@link StallWatch}). This class owns their one monitor, reads the
 * clock, and tells cached plans when something they rank by changed ({@link #version()}); every
 * method is a few field updates. The clock is injected so tests drive time.
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
  private final Clock clock;

  /** Told of every change that can move the region in a plan (see {@link #version()}). */
  private final SelectionEpoch epoch;

  /** Rate limits and failures of single models (requests that name a model). */
  private final ModelHealth models;

  private final ActiveHealth probes;
  private final LatencyAverages latency;
  private final Ejection ejection;
  private final Cooling cooling;
  private final InFlight inFlight = new InFlight();
  private final StallWatch stall;

  /**
   * Bumped (under the monitor) by every change that can move the region in a plan, except the
   * in-flight count and the traffic latency: the probes' verdict, the smoothed latency when it
   * moved enough (see {@link LatencyAverages#movedForPlans}), failures, ejection and its end,
   * half-open, the cool-down. A cached ranking re-reads only the regions whose version moved.
   */
  private volatile long version;

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
      Ejections ejections) {
    this.name = name;
    this.endpoint = endpoint;
    this.clock = clock;
    this.epoch = epoch;
    this.models = new ModelHealth(settings, clock);
    this.probes =
        new ActiveHealth(
            new ProbeStateMachine.Settings(unhealthyThreshold, healthyThreshold, smoothing));
    this.latency = new LatencyAverages(smoothing, settings);
    this.ejection = new Ejection(settings, ejections, this);
    this.cooling = new Cooling(settings);
    this.stall = new StallWatch(settings);
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
   * Moves whenever the region's {@link #view()} may have changed other than in flight and traffic
   * latency.
   */
  public long version() {
    return version;
  }

  /**
   * Requests in progress on the region through this router, read without locking (the planner's
   * live read).
   */
  public int inFlight() {
    return inFlight.count();
  }

  private void changed() {
    version++;
    epoch.bump();
    latency.seenByPlans(probes.latencySeconds());
  }

  // --- probes

  /**
   * A probe's result. Returns true when it changed the active verdict. A region that probes bring
   * back from unhealthy is also un-ejected (Envoy's successful_active_health_check_uneject_host),
   * but only on that transition: a region whose health endpoint answers while its inference
   * endpoint hangs stays ejected.
   */
  public synchronized boolean recordProbe(boolean ok, Duration sample) {
    Instant now = clock.instant();
    expire(now);
    boolean healthyBefore = probes.healthy();
    Instant ejectedBefore = ejection.until();
    boolean halfOpenBefore = ejection.halfOpen();
    int failuresBefore = ejection.failures();
    if (ok) {
      probes.success(sample);
      if (probes.upConfirmed() && ejection.endIfProbesSawRecovery()) {
        probes.recovered(now);
      }
      if (!healthyBefore && probes.healthy()) {
        ejection.clear();
        probes.recovered(now);
      }
    } else {
      probes.failure();
      ejection.probeFailed();
    }
    // the counters toward a verdict do not move the region in a plan; the verdict, an ejection's
    // end and the latency (when it moved enough) do
    if (probes.healthy() != healthyBefore
        || !Objects.equals(ejection.until(), ejectedBefore)
        || ejection.halfOpen() != halfOpenBefore
        || ejection.failures() != failuresBefore
        || latency.movedForPlans(probes.latencySeconds())) {
      changed();
    }
    return probes.healthy() != healthyBefore;
  }

  /**
   * Whether the next probe should follow soon rather than an interval later (see {@link
   * ProbeStateMachine#followUpDue()}).
   */
  public synchronized boolean probeFollowUpDue() {
    return probes.followUpDue();
  }

  // --- attempts

  /**
   * A real request's attempt succeeded after the given latency (time to first byte for streams).
   */
  public synchronized void recordSuccess(Duration elapsed) {
    Instant now = clock.instant();
    expire(now);
    if (ejection.succeeded(now)) {
      changed();
    }
    epoch.trafficAnswered(); // the traffic latency ranks lowest-latency and lowest-cost only
    latency.traffic(elapsed);
  }

  /**
   * Real traffic's part in the smoothed latency that the default policy scores (probes feed it
   * too): the time until the head of a streamed answer (text/event-stream) arrived. An
   * OpenAI-compatible server sends a stream's head as soon as it takes the request, before
   * generating, so this is the region's round trip as real traffic meets it, comparable with a
   * probe's. A non-streamed answer's time includes the whole generation (and the regions that get
   * no traffic have none to compare): it feeds only the traffic latency (see recordSuccess).
   *
   * <p>Plans are told only when the latency moved enough (see {@link
   * LatencyAverages#movedForPlans}).
   */
  public synchronized void recordStreamHead(Duration elapsed) {
    probes.blend(elapsed);
    if (latency.movedForPlans(probes.latencySeconds())) {
      changed();
    }
  }

  /** A real request's attempt failed (refused, reset, timeout, 5xx, malformed answer). */
  public synchronized FailureEffect recordFailure() {
    Instant now = clock.instant();
    expire(now);
    changed();
    return ejection.failed(now) ? FailureEffect.EJECTED : FailureEffect.COUNTED;
  }

  /**
   * An attempt timed out: a failure, not a latency sample (a timeout says the region did not
   * answer, not how fast it answers: fed to the average, one per-try timeout outweighs every real
   * sample and keeps the region's traffic away long after it answers again; the failure count and
   * ejection deal with a region that keeps timing out). An attempt that started before probes
   * confirmed the region's recovery, or before a request the region answered, hung on a hang that
   * is over: it is {@link FailureEffect#STALE} and changes nothing. Otherwise the requests pinned
   * on a hung region would time out after it recovered and eject it again, keeping its traffic away
   * for another ejection period.
   */
  public synchronized FailureEffect recordTimeout(Duration timeout) {
    Instant started = clock.instant().minus(timeout);
    if (probes.startedBeforeRecovery(started) || stall.answeredOneSentAfter(started)) {
      return FailureEffect.STALE;
    }
    return recordFailure();
  }

  /** The region answered 429: cool it down for its Retry-After (capped); not a failure. */
  public synchronized void recordThrottled(Duration retryAfter) {
    if (cooling.throttled(retryAfter, clock.instant())) {
      changed();
    }
  }

  // --- in flight

  /** Takes an in-flight slot unless maxInFlight (when not null) is reached. */
  public synchronized boolean tryAcquire(Integer maxInFlight) {
    return inFlight.tryAcquire(maxInFlight, clock.instant());
  }

  public synchronized void release() {
    inFlight.release();
  }

  // --- stall

  /**
   * The region answered a request (any HTTP answer: it is not hung) that took this long. Ends a
   * stall, and makes the timeouts of requests sent before this one stale.
   */
  public synchronized void recordAnswer(Duration elapsed) {
    stall.answered(elapsed, clock.instant());
  }

  /**
   * Whether the region holds requests it has not answered for its hold limit (stall-after while its
   * usual answer time is unknown), or had a held request moved on since it last answered: it may
   * hang. Time-based, so the attempt loop asks per request (a stalled region is skipped there like
   * a full one, not ranked differently).
   */
  public synchronized boolean stalled() {
    return stall.stalled(
        inFlight.count(), inFlight.busySince(), stall.holdLimit(latency), clock.instant());
  }

  /**
   * How long a request may wait on this region without the region answering anything before it is
   * moved to the next region (max(stall-after, stall-hold-factor x the usual answer time)); null
   * while the usual answer time is unknown (a first long answer must not be cut).
   */
  public synchronized Duration holdLimit() {
    return stall.holdLimit(latency);
  }

  /**
   * How long the region has answered nothing (no request at all), counted from at most `since` ago:
   * an attempt asks with the time since it started.
   */
  public synchronized Duration quietFor(Duration since) {
    Instant now = clock.instant();
    return stall.quietSince(now.minus(since), now);
  }

  /**
   * A request held by this region was moved on at its hold limit: the region stays stalled until it
   * answers anything.
   */
  public synchronized void recordHeldOut() {
    stall.heldOut();
  }

  /**
   * For a stalled region: one trial request per stall-trial-interval (the first to ask gets it).
   */
  public synchronized boolean tryTrial() {
    return stall.tryTrial(clock.instant());
  }

  /**
   * How long a trial request on a stalled region may wait (stall-trial-timeout-factor x its usual
   * answer time, at least stall-trial-timeout-min; stall-after while it has none): a trial that
   * meets the hang fails over quickly.
   */
  public synchronized Duration trialTimeout() {
    return stall.trialTimeout(latency);
  }

  /** True once per stall: for a single log line. */
  public synchronized boolean firstNoticeOfStall() {
    return stall.firstNotice();
  }

  // --- ejection trials

  /**
   * Whether this request may be the ejected region's trial: one request every half-open-interval of
   * an ejection, however long the ejection. A trial that succeeds ends the ejection (see
   * recordSuccess); one that fails changes nothing (the ejection runs on, not longer), so a region
   * that recovers is back within about half-open-interval, while one that stays down costs one
   * failed-over attempt per interval.
   */
  public synchronized boolean tryEjectionTrial() {
    Instant now = clock.instant();
    expire(now);
    return ejection.tryTrial(now);
  }

  /** Whether the region is ejected and its next trial is due (without taking it). */
  public synchronized boolean ejectionTrialDue() {
    Instant now = clock.instant();
    expire(now);
    return ejection.trialDue(now);
  }

  /** The region left the registry: it is no longer listed as ejected. */
  synchronized void forget() {
    ejection.forget();
  }

  // --- view

  public synchronized HealthView view() {
    expire(clock.instant());
    return new HealthView(
        probes.healthy(),
        ejection.until(),
        cooling.until(),
        probes.latencySeconds(),
        latency.trafficSeconds(),
        ejection.failures(),
        ejection.ejections(),
        inFlight.count(),
        ejection.halfOpen());
  }

  /** Ends an ejection or a cool-down whose time has passed. */
  private void expire(Instant now) {
    if (ejection.expire(now)) {
      changed();
    }
    if (cooling.expire(now)) {
      changed();
    }
  }
}
