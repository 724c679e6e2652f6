package dev.regionrouter.router.edge;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contract's error shape, {@code {"error": {"code": ..., "message": ...}}}, for every error
 * path.
 */
final class ErrorBodies {

  private ErrorBodies() {}

  static Map<String, Object> map(String code, String message) {
    Map<String, Object> error = new LinkedHashMap<>(); // code first, then message, always
    error.put("code", code);
    error.put("message", message == null ? "" : message);
    return Map.of("error", error);
  }

  /** A Retry-After value: whole seconds, rounded up, at least 1. */
  static String retryAfterSeconds(java.time.Duration retryAfter) {
    return Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
  }

  static byte[] json(String code, String message) {
    try {
      return Json.MAPPER.writeValueAsBytes(map(code, message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e); // a map of strings always serializes
    }
  }
}
