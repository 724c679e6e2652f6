package dev.regionrouter.router.exchange;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.health.RegionHealth;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference tutorial's line per routed request, at INFO: {@code Selected region: ap-south-1
 * (latency: 52ms, cost: $0.32/1k tokens)}, so a user following the tutorial sees what it shows.
 * Under load it is rate-limited (at most {@value #LINES_PER_SECOND} lines a second; the next line
 * says how many it stands for), so logging never becomes the router's bottleneck. Logger {@code
 * dev.regionrouter.router.selection}: set it to WARN to silence.
 */
final class SelectionLog {

  static final int LINES_PER_SECOND = 10;
  private static final long SPACING_NANOS = 1_000_000_000L / LINES_PER_SECOND;
  private static final Logger log = LoggerFactory.getLogger("dev.regionrouter.router.selection");

  private final AtomicLong nextLineAt = new AtomicLong(System.nanoTime());
  private final AtomicLong skipped = new AtomicLong();

  void selected(RegionEntry region, RegionHealth health) {
    if (!log.isInfoEnabled()) {
      return;
    }
    long now = System.nanoTime();
    long next = nextLineAt.get();
    if (now - next < 0 || !nextLineAt.compareAndSet(next, now + SPACING_NANOS)) {
      skipped.incrementAndGet();
      return;
    }
    double seconds = health == null ? Double.NaN : health.view().latencySeconds();
    String latency = Double.isNaN(seconds) ? "unknown" : Math.round(seconds * 1000) + "ms";
    String cost =
        region.costPer1kTokens() == null
            ? "unknown"
            : "$" + String.format(Locale.ROOT, "%.2f", region.costPer1kTokens()) + "/1k tokens";
    long more = skipped.getAndSet(0);
    if (more == 0) {
      log.info("Selected region: {} (latency: {}, cost: {})", region.name(), latency, cost);
    } else {
      log.info(
          "Selected region: {} (latency: {}, cost: {}) [{} more selections since the last line]",
          region.name(),
          latency,
          cost,
          more);
    }
  }
}
