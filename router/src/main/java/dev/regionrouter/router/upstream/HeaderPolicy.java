package dev.regionrouter.router.upstream;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which headers cross the proxy. Hop-by-hop headers (RFC 9110 7.6.1, plus those a Connection header
 * lists) belong to one connection and are dropped both ways; the caller's Authorization is dropped
 * unless configured (a region gets its own token); the router's own X-Region-Router-* headers are
 * not accepted from callers nor from regions.
 */
public final class HeaderPolicy {

  public static final String REGION_HEADER = "X-Region-Router-Region";
  public static final String ATTEMPTS_HEADER = "X-Region-Router-Attempts";

  /**
   * The model that served: the region's own name for the caller's model (see InferenceRegion
   * spec.models).
   */
  public static final String MODEL_HEADER = "X-Region-Router-Model";

  public static final String TIMEOUT_HEADER = "X-Region-Router-Timeout-Ms";

  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");

  /** Set by the transport on each side, never copied. */
  private static final Set<String> TRANSPORT = Set.of("host", "content-length", "expect");

  private HeaderPolicy() {}

  /** The caller's headers to send to a region. */
  public static Map<String, List<String>> forUpstream(
      Map<String, List<String>> inbound, boolean forwardAuthorization) {
    Set<String> drop = dropped(inbound);
    Map<String, List<String>> out = new LinkedHashMap<>();
    inbound.forEach(
        (name, values) -> {
          String lower = name.toLowerCase(Locale.ROOT);
          if (drop.contains(lower)
              || lower.startsWith("x-region-router-")
              || (!forwardAuthorization && lower.equals("authorization"))) {
            return;
          }
          out.put(lower, values);
        });
    return out;
  }

  /** A region's response headers to relay to the caller. */
  public static Map<String, List<String>> forClient(Map<String, List<String>> upstream) {
    Set<String> drop = dropped(upstream);
    Map<String, List<String>> out = new LinkedHashMap<>();
    upstream.forEach(
        (name, values) -> {
          String lower = name.toLowerCase(Locale.ROOT);
          if (!lower.startsWith(":")
              && !drop.contains(lower)
              && !lower.startsWith("x-region-router-")) {
            out.put(name, values);
          }
        });
    return out;
  }

  private static Set<String> dropped(Map<String, List<String>> headers) {
    Set<String> drop = new HashSet<>(HOP_BY_HOP);
    drop.addAll(TRANSPORT);
    headers.forEach(
        (name, values) -> {
          if (name.equalsIgnoreCase("connection")) {
            values.forEach(
                v -> {
                  for (String token : v.split(",")) {
                    if (!token.isBlank()) {
                      drop.add(token.trim().toLowerCase(Locale.ROOT));
                    }
                  }
                });
          }
        });
    return drop;
  }
}
