package dev.regionrouter.router.health;

import dev.regionrouter.router.config.HealthProperties;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether a region hangs: it holds requests and answers none of them, while its health endpoint may
 * still answer and its per-try timeout is far away. Knows when the region last answered anything,
 * rations the trial requests of a stalled region, and bounds how long a request waits on it.
 *
 * <p>Not thread-safe: {@link RegionHealth} calls it under its monitor.
 */
final class StallWatch {

  private final HealthProperties settings;

  /** When the region last answered a request (any HTTP answer), and when that request started. */
  private Instant lastAnswerAt;

  private Instant lastAnsweredStart;
  private Instant lastTrialAt;
  private boolean noticed;

  /**
   * A request was moved on from this region because it answered nothing: stalled until it answers.
   * Without this, the region looked fresh again as soon as the requests it held had moved on
   * (nothing in flight), took the next requests as the best region and held them for another hold
   * limit, and so on: traffic came and went in waves for as long as the hang lasted.
   */
  private boolean heldOut;

  StallWatch(HealthProperties settings) {
    this.settings = settings;
  }

  /** The region answered a request that took this long: it is not hung. */
  void answered(Duration elapsed, Instant now) {
    Instant started = now.minus(elapsed);
    lastAnswerAt = now;
    if (lastAnsweredStart == null || started.isAfter(lastAnsweredStart)) {
      lastAnsweredStart = started;
    }
    noticed = false;
    heldOut = false;
  }

  /** Whether a request sent later than `started` was answered (a hang then is over now). */
  boolean answeredOneSentAfter(Instant started) {
    return lastAnsweredStart != null && started.isBefore(lastAnsweredStart);
  }

  /**
   * Whether the region, holding requests since busySince, has answered nothing for its hold limit
   * (stallAfter while it is unknown), or had a held request moved on since it last answered.
   */
  boolean stalled(int inFlight, Instant busySince, Duration holdLimit, Instant now) {
    if (heldOut) {
      return true;
    }
    if (inFlight == 0) {
      return false;
    }
    return quietSince(busySince, now)
            .compareTo(holdLimit == null ? settings.stallAfter() : holdLimit)
        > 0;
  }

  /**
   * max(stallAfter, stallHoldFactor x the usual answer time); null while the usual answer time is
   * unknown (a first long answer must not be cut).
   */
  Duration holdLimit(LatencyAverages latency) {
    Duration usual = latency.usualTimes(settings.stallHoldFactor());
    if (usual == null) {
      return null;
    }
    return usual.compareTo(settings.stallAfter()) > 0 ? usual : settings.stallAfter();
  }

  /**
   * max(stallTrialTimeoutMin, stallTrialTimeoutFactor x the usual answer time); stallAfter while
   * that is unknown.
   */
  Duration trialTimeout(LatencyAverages latency) {
    Duration usual = latency.usualTimes(settings.stallTrialTimeoutFactor());
    if (usual == null) {
      return settings.stallAfter();
    }
    Duration min = settings.stallTrialTimeoutMin();
    return usual.compareTo(min) > 0 ? usual : min;
  }

  /** How long the region has answered nothing, counted from `from` at the earliest. */
  Duration quietSince(Instant from, Instant now) {
    return Duration.between(
        lastAnswerAt != null && lastAnswerAt.isAfter(from) ? lastAnswerAt : from, now);
  }

  /** A request held by the region was moved on at its hold limit. */
  void heldOut() {
    heldOut = true;
  }

  /** One trial request every stallTrialInterval: true for the first to ask. */
  boolean tryTrial(Instant now) {
    if (lastTrialAt != null
        && Duration.between(lastTrialAt, now).compareTo(settings.stallTrialInterval()) < 0) {
      return false;
    }
    lastTrialAt = now;
    return true;
  }

  /** True once per stall: for a single log line. */
  boolean firstNotice() {
    if (noticed) {
      return false;
    }
    noticed = true;
    return true;
  }
}
