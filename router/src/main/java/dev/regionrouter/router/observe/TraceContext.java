package dev.regionrouter.router.observe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) as the router passes it on: a caller's
 * well-formed {@code traceparent} (and its {@code tracestate}) go to the region unchanged, so the
 * region's spans join the caller's trace; a malformed one is not forwarded (nor its tracestate).
 * The router adds no span of its own.
 */
public final class TraceContext {

  public static final String TRACEPARENT = "traceparent";
  public static final String TRACESTATE = "tracestate";

  /** version-traceid-parentid-flags; a later version may append fields after a dash. */
  private static final Pattern TRACEPARENT_FORMAT =
      Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}(-.*)?");

  private static final String ZERO_TRACE = "0".repeat(32);
  private static final String ZERO_PARENT = "0".repeat(16);

  private TraceContext() {}

  /** The trace id of a well-formed traceparent, or null. */
  public static String traceId(String traceparent) {
    if (traceparent == null) {
      return null;
    }
    var m = TRACEPARENT_FORMAT.matcher(traceparent.trim());
    if (!m.matches()
        || m.group(1).equals("ff")
        || (m.group(1).equals("00") && m.group(4) != null)
        || m.group(2).equals(ZERO_TRACE)
        || m.group(3).equals(ZERO_PARENT)) {
      return null;
    }
    return m.group(2);
  }

  /** The trace headers to send to a region: empty when the caller sent no valid traceparent. */
  public static Map<String, List<String>> forRegion(Function<String, String> callerHeader) {
    String traceparent = callerHeader.apply(TRACEPARENT);
    if (traceId(traceparent) == null) {
      return Map.of();
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    out.put(TRACEPARENT, List.of(traceparent.trim()));
    String tracestate = callerHeader.apply(TRACESTATE);
    if (tracestate != null && !tracestate.isBlank()) {
      out.put(TRACESTATE, List.of(tracestate));
    }
    return out;
  }
}
