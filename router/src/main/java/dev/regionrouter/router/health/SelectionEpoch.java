package dev.regionrouter.router.health;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters that move whenever something a plan depends on may have changed, so a cached ranking of
 * the regions knows, with two reads, whether it still holds. {@link #state} covers the table's
 * regions and their health (probes, failures, ejection, cool-down); {@link #traffic} the traffic
 * latency (every answered request), which only lowest-latency and lowest-cost rank by. Requests in
 * flight move neither: a plan reads them live.
 */
public final class SelectionEpoch {

  private final AtomicLong state = new AtomicLong();
  private final AtomicLong traffic = new AtomicLong();

  public void bump() {
    state.incrementAndGet();
  }

  void trafficAnswered() {
    traffic.incrementAndGet();
  }

  public long state() {
    return state.get();
  }

  public long traffic() {
    return traffic.get();
  }
}
