package dev.regionrouter.mockregion.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the mock region answers non-admin requests. */
public enum Mode {
  /** Normal answers (after the configured delays, subject to the failure rate). */
  OK("ok"),
  /** 503 to everything, /health included, at once: the service is gone but the host is up. */
  DOWN("down"),
  /** Accept the request and never answer it: what a stuck upstream looks like to a router. */
  HANG("hang"),
  /** Close the connection abruptly (TCP RST) on each request. */
  RESET("reset"),
  /** 429 with Retry-After on the inference endpoints; /health still answers normally. */
  RATE_LIMITED("rate-limited");

  private final String wireName;

  Mode(String wireName) {
    this.wireName = wireName;
  }

  /** The name used on the command line and in the admin JSON. */
  public String wireName() {
    return wireName;
  }

  public static Mode parse(String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (Mode mode : values()) {
      if (mode.wireName.equals(wanted)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("unknown mode '" + text + "' (one of " + names() + ")");
  }

  public static String names() {
    return Arrays.stream(values()).map(Mode::wireName).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return wireName;
  }
}
