package dev.regionrouter.router.exchange;

import java.time.Duration;

/** A request's overall deadline on the monotonic clock. */
public record Deadline(long atNanos) {

  public static Deadline in(Duration duration) {
    return new Deadline(System.nanoTime() + duration.toNanos());
  }

  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, atNanos - System.nanoTime()));
  }

  public boolean passed() {
    return System.nanoTime() - atNanos >= 0;
  }
}
