package dev.regionrouter.mockregion.config;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A simulated processing time: fixed ({@code 250}) or uniformly random in a closed range ({@code
 * 500-1500}, the reference tutorial's 0.5 to 1.5 s).
 */
public record DelayRange(long minMs, long maxMs) {

  /** The reference tutorial's inference time: uniform between 0.5 and 1.5 s. */
  public static final DelayRange REFERENCE = new DelayRange(500, 1500);

  public static final DelayRange NONE = new DelayRange(0, 0);

  /** One hour: anything longer is a typo, and "never answer" is what hang mode is for. */
  static final long MAX_MS = 3_600_000;

  public DelayRange {
    if (minMs < 0 || maxMs < minMs || maxMs > MAX_MS) {
      throw new IllegalArgumentException(
          "delay must be 0.." + MAX_MS + " ms with min <= max, got " + minMs + "-" + maxMs);
    }
  }

  public static DelayRange fixed(long ms) {
    return new DelayRange(ms, ms);
  }

  /** Parses {@code "250"} or {@code "500-1500"} (milliseconds). */
  public static DelayRange parse(String text) {
    String trimmed = text.trim();
    int dash = trimmed.indexOf('-', 1);
    try {
      if (dash < 0) {
        return fixed(Long.parseLong(trimmed));
      }
      return new DelayRange(
          Long.parseLong(trimmed.substring(0, dash).trim()),
          Long.parseLong(trimmed.substring(dash + 1).trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "delay must be milliseconds, fixed (250) or a range (500-1500), got '" + text + "'");
    }
  }

  /** A delay for one request. */
  public long sampleMs() {
    return minMs == maxMs ? minMs : ThreadLocalRandom.current().nextLong(minMs, maxMs + 1);
  }

  @Override
  public String toString() {
    return minMs == maxMs ? Long.toString(minMs) : minMs + "-" + maxMs;
  }
}
