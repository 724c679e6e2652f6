package dev.regionrouter.router.exchange;

import dev.regionrouter.router.health.RegionHealth;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The hold limit of one attempt: if the attempt is still waiting and the region has answered
 * nothing at all for the limit, counted from the attempt's start or from the region's last answer,
 * whichever is later, the region hangs: the attempt is cancelled and the request moves on. An
 * answer in between re-arms the check for the limit after that answer, so the requests a region had
 * taken before it began to hang still finish while the later ones move on.
 */
final class HoldCheck implements Runnable {

  private final CompletableFuture<?> call;
  private final RegionHealth regionHealth;
  private final Duration limit;
  private final long start;
  private final ScheduledExecutorService timers;
  private volatile boolean heldOut;
  private volatile ScheduledFuture<?> pending;

  private HoldCheck(
      CompletableFuture<?> call,
      RegionHealth regionHealth,
      Duration limit,
      long start,
      ScheduledExecutorService timers) {
    this.call = call;
    this.regionHealth = regionHealth;
    this.limit = limit;
    this.start = start;
    this.timers = timers;
  }

  /**
   * Starts the check of an attempt begun at {@code start} (System.nanoTime()); null when there is
   * none: no timers, no usual latency known yet, or a hold limit not shorter than the per-try
   * timeout.
   */
  static HoldCheck arm(
      CompletableFuture<?> call,
      RegionHealth regionHealth,
      Duration tryTimeout,
      long start,
      ScheduledExecutorService timers) {
    Duration limit = timers == null ? null : regionHealth.holdLimit();
    if (limit == null || limit.compareTo(tryTimeout) >= 0) {
      return null;
    }
    HoldCheck check = new HoldCheck(call, regionHealth, limit, start, timers);
    check.schedule(limit);
    return check;
  }

  /** Whether the check moved the request on (the attempt was cancelled as held out). */
  boolean heldOut() {
    return heldOut;
  }

  private void schedule(Duration delay) {
    pending = timers.schedule(this, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void run() {
    if (call.isDone()) {
      return; // committed or failed: nothing to hold any more
    }
    Duration quiet = regionHealth.quietFor(Duration.ofNanos(System.nanoTime() - start));
    if (quiet.compareTo(limit) >= 0) {
      heldOut = true;
      regionHealth.recordHeldOut();
      call.cancel(false);
    } else {
      schedule(limit.minus(quiet));
    }
  }

  /** The attempt ended: the check stops. */
  void cancel() {
    ScheduledFuture<?> current = pending;
    if (current != null) {
      current.cancel(false);
    }
  }
}
