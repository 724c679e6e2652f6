package dev.regionrouter.router.selection;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The selection policies, by the names used in configuration, hint headers, metrics and explain
 * output.
 */
public enum PolicyKind {
  /**
   * The reference tutorial's: score = priority + latencyWeight x probe latency (+ costWeight x
   * cost), lowest wins.
   */
  PRIORITY_LATENCY("priority-latency"),
  /** The fastest region (traffic latency when measured, probe latency otherwise). */
  LOWEST_LATENCY("lowest-latency"),
  /** The cheapest region; equal prices go to the faster. */
  LOWEST_COST("lowest-cost"),
  /** The cheapest region whose latency estimate meets the budget; the fastest when none does. */
  COST_WITHIN_LATENCY_BUDGET("cost-within-latency-budget");

  private final String id;

  PolicyKind(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** The policy named {@code name} (case-insensitive, '_' accepted for '-'). */
  public static PolicyKind parse(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (PolicyKind kind : values()) {
      if (kind.id.equals(wanted)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown policy '" + name + "' (known: " + known() + ")");
  }

  public static String known() {
    return Arrays.stream(values()).map(PolicyKind::id).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return id;
  }
}
