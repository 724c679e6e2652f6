package dev.regionrouter.router.observe;

import java.util.Locale;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The opt-in access log: one INFO line per data-plane request on the logger {@code
 * dev.regionrouter.router.access}, with method, path, status, region, attempts, duration, tokens,
 * cost and the caller's trace id, both in the message and as key-value pairs (fields of their own
 * in structured logs). Under load it samples: at most {@code maxPerSecond} lines a second; the
 * requests left out are counted and the next line says how many ({@code sampled_out}).
 */
public final class AccessLog {

  static final String LOGGER = "dev.regionrouter.router.access";
  private static final Logger log = LoggerFactory.getLogger(LOGGER);
  private static final long SECOND = 1_000_000_000L;

  private final boolean enabled;
  private final int maxPerSecond;
  private final LongSupplier nanoClock;
  private long windowStart;
  private int inWindow;
  private long sampledOut;

  public AccessLog(boolean enabled, int maxPerSecond, LongSupplier nanoClock) {
    this.enabled = enabled;
    this.maxPerSecond = maxPerSecond;
    this.nanoClock = nanoClock;
    this.windowStart = nanoClock.getAsLong();
  }

  public boolean enabled() {
    return enabled;
  }

  public void record(RequestRecord r) {
    if (!enabled || !log.isInfoEnabled()) {
      return;
    }
    long skipped;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      if (now - windowStart >= SECOND) {
        windowStart = now;
        inWindow = 0;
      }
      if (inWindow >= maxPerSecond) {
        sampledOut++;
        return;
      }
      inWindow++;
      skipped = sampledOut;
      sampledOut = 0;
    }
    write(r, skipped);
  }

  private static void write(RequestRecord r, long sampledOut) {
    String region = r.region() == null ? "none" : r.region();
    String duration = String.format(Locale.ROOT, "%.3f", r.durationMs());
    StringBuilder message =
        new StringBuilder()
            .append(r.method())
            .append(' ')
            .append(r.path())
            .append(' ')
            .append(r.status())
            .append(" region=")
            .append(region)
            .append(" attempts=")
            .append(r.attempts())
            .append(" duration_ms=")
            .append(duration);
    LoggingEventBuilder event =
        log.atInfo()
            .addKeyValue("http.request.method", r.method())
            .addKeyValue("url.path", r.path())
            .addKeyValue("http.response.status_code", r.status())
            .addKeyValue("region", region)
            .addKeyValue("attempts", r.attempts())
            .addKeyValue("duration_ms", Double.parseDouble(duration));
    if (r.tokens() >= 0) {
      message.append(" tokens=").append(r.tokens());
      event = event.addKeyValue("tokens", r.tokens());
    }
    if (!Double.isNaN(r.costUsd())) {
      String cost = String.format(Locale.ROOT, "%.8f", r.costUsd()).replaceAll("0+$", "");
      message.append(" cost_usd=").append(cost.endsWith(".") ? cost + "0" : cost);
      event = event.addKeyValue("cost_usd", r.costUsd());
    }
    if (r.traceId() != null) {
      message.append(" trace_id=").append(r.traceId());
      event = event.addKeyValue("trace.id", r.traceId());
    }
    if (r.callerLeft()) {
      message.append(" caller_left=true");
      event = event.addKeyValue("caller_left", true);
    }
    if (sampledOut > 0) {
      message.append(" sampled_out=").append(sampledOut);
      event = event.addKeyValue("sampled_out", sampledOut);
    }
    event.log(message.toString());
  }
}
