package dev.regionrouter.router.selection;

import dev.regionrouter.router.error.RouterException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The per-request hint headers (docs/routing.md). A malformed one is the caller's mistake: 400
 * {@code invalid_hint} naming the header, never a silent default. The router never forwards its own
 * {@code X-Region-Router-*} headers to a region.
 */
public final class HintHeaders {

  public static final String POLICY = "X-Region-Router-Policy";
  public static final String LATENCY_BUDGET_MS = "X-Region-Router-Latency-Budget-Ms";
  public static final String MAX_COST_PER_1K = "X-Region-Router-Max-Cost-Per-1k";
  public static final String ALLOWED_REGIONS = "X-Region-Router-Allowed-Regions";
  public static final String ALLOWED_PROVIDERS = "X-Region-Router-Allowed-Providers";
  public static final String REGION_SELECTOR = "X-Region-Router-Region-Selector";
  public static final String HEDGE = "X-Region-Router-Hedge";
  public static final String DEBUG = "X-Region-Router-Debug";

  /** Response: the explained decision (only with X-Region-Router-Debug: 1). */
  public static final String DECISION = "X-Region-Router-Decision";

  private HintHeaders() {}

  /**
   * Reads the hints from a header lookup (null when absent); {@link RouteHints#NONE} when there are
   * none.
   */
  public static RouteHints parse(Function<String, String> header) {
    String policy = header.apply(POLICY);
    String budget = header.apply(LATENCY_BUDGET_MS);
    String cost = header.apply(MAX_COST_PER_1K);
    String regions = header.apply(ALLOWED_REGIONS);
    String providers = header.apply(ALLOWED_PROVIDERS);
    String selector = header.apply(REGION_SELECTOR);
    String hedge = header.apply(HEDGE);
    String debug = header.apply(DEBUG);
    if (policy == null
        && budget == null
        && cost == null
        && regions == null
        && providers == null
        && selector == null
        && hedge == null
        && debug == null) {
      return RouteHints.NONE; // most requests: one shared instance and its shared filter set
    }
    RouteHints hints =
        new RouteHints(
            optional(POLICY, policy, HintHeaders::policy),
            optional(LATENCY_BUDGET_MS, budget, HintHeaders::budget),
            optional(MAX_COST_PER_1K, cost, HintHeaders::cost),
            optional(ALLOWED_REGIONS, regions, HintHeaders::list),
            optional(ALLOWED_PROVIDERS, providers, HintHeaders::list),
            optional(REGION_SELECTOR, selector, LabelSelector::parse),
            optional(HEDGE, hedge, HintHeaders::flag),
            optional(DEBUG, debug, HintHeaders::flag));
    return hints.equals(RouteHints.NONE) ? RouteHints.NONE : hints;
  }

  private static <T> T optional(String name, String value, Function<String, T> parser) {
    if (value == null) {
      return null;
    }
    try {
      return parser.apply(value.trim());
    } catch (IllegalArgumentException e) {
      throw new RouterException(400, "invalid_hint", name + ": " + e.getMessage(), null, 0);
    }
  }

  private static PolicyKind policy(String value) {
    return PolicyKind.parse(value);
  }

  private static Duration budget(String value) {
    long ms;
    try {
      ms = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "must be a whole number of milliseconds, got '" + value + "'");
    }
    if (ms < 1 || ms > 3_600_000) {
      throw new IllegalArgumentException("must be between 1 and 3600000 ms, got " + ms);
    }
    return Duration.ofMillis(ms);
  }

  private static Double cost(String value) {
    double usd;
    try {
      usd = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "must be a number of USD per 1k tokens, got '" + value + "'");
    }
    if (!(usd >= 0) || Double.isInfinite(usd)) {
      throw new IllegalArgumentException("must be >= 0, got " + value);
    }
    return usd;
  }

  private static Set<String> list(String value) {
    Set<String> out = new LinkedHashSet<>();
    for (String part : value.split(",")) {
      String item = part.trim();
      if (item.isEmpty()) {
        continue;
      }
      if (!item.matches("[A-Za-z0-9]([A-Za-z0-9._-]{0,251}[A-Za-z0-9])?")) {
        throw new IllegalArgumentException("invalid name '" + item + "'");
      }
      out.add(item);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("must list at least one name");
    }
    return out;
  }

  private static Boolean flag(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "1", "true", "yes", "on" -> true;
      case "0", "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException("must be 1 or 0, got '" + value + "'");
    };
  }
}
