package dev.regionrouter.mockregion.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The admin API's view of {@link MockSettings}: a JSON object, and partial updates to it. */
public final class SettingsJson {

  public static final List<String> FIELDS =
      List.of(
          "mode",
          "latencyMs",
          "inferenceDelayMs",
          "failureRate",
          "failureStatus",
          "failHealth",
          "retryAfterSeconds",
          "tokensUsed",
          "streamChunks",
          "streamIntervalMs",
          "failFirst",
          "failForMs",
          "errorCode",
          "streamFault",
          "streamFaultAfter",
          "faultModel");

  private SettingsJson() {}

  /** Field order is fixed so the document reads the same every time. */
  public static Map<String, Object> toMap(String region, MockSettings s) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("region", region);
    map.put("mode", s.mode().wireName());
    map.put("latencyMs", s.latencyMs());
    map.put("inferenceDelayMs", s.inferenceDelay().toString());
    map.put("failureRate", s.failureRate());
    map.put("failureStatus", s.failureStatus());
    map.put("failHealth", s.failHealth());
    map.put("retryAfterSeconds", s.retryAfterSeconds());
    map.put("tokensUsed", s.tokensUsed());
    map.put("streamChunks", s.streamChunks());
    map.put("streamIntervalMs", s.streamIntervalMs());
    map.put("failFirst", s.failFirst());
    map.put("failForMs", s.failForMs());
    map.put("errorCode", s.errorCode());
    map.put("streamFault", s.streamFault().wireName());
    map.put("streamFaultAfter", s.streamFaultAfter());
    map.put("faultModel", s.faultModel());
    return map;
  }

  /**
   * Sets on {@code target} every field present in {@code patch}. Unknown fields and wrong types
   * throw {@link IllegalArgumentException}; the caller validates the result as a whole.
   */
  public static void applyPatch(JsonNode patch, MockSettings.Builder target) {
    if (patch == null || !patch.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object of fields to change");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      JsonNode value = field.getValue();
      switch (name) {
        case "mode" -> target.mode(Mode.parse(text(name, value)));
        case "latencyMs" -> target.latencyMs(integer(name, value));
        case "inferenceDelayMs" ->
            target.inferenceDelay(
                value.isIntegralNumber()
                    ? DelayRange.fixed(value.asLong())
                    : DelayRange.parse(text(name, value)));
        case "failureRate" -> target.failureRate(number(name, value));
        case "failureStatus" -> target.failureStatus(Math.toIntExact(integer(name, value)));
        case "failHealth" -> target.failHealth(bool(name, value));
        case "retryAfterSeconds" -> target.retryAfterSeconds(Math.toIntExact(integer(name, value)));
        case "tokensUsed" ->
            target.tokensUsed(value.isNull() ? null : Math.toIntExact(integer(name, value)));
        case "streamChunks" -> target.streamChunks(Math.toIntExact(integer(name, value)));
        case "streamIntervalMs" -> target.streamIntervalMs(integer(name, value));
        case "failFirst" -> target.failFirst(Math.toIntExact(integer(name, value)));
        case "failForMs" -> target.failForMs(integer(name, value));
        case "errorCode" -> target.errorCode(value.isNull() ? null : text(name, value));
        case "streamFault" -> target.streamFault(StreamFault.parse(text(name, value)));
        case "streamFaultAfter" -> target.streamFaultAfter(Math.toIntExact(integer(name, value)));
        case "faultModel" -> target.faultModel(value.isNull() ? null : text(name, value));
        case "region" -> throw new IllegalArgumentException("region is fixed at start");
        default ->
            throw new IllegalArgumentException(
                "unknown field '" + name + "' (known: " + FIELDS + ")");
      }
    }
  }

  private static String text(String name, JsonNode value) {
    if (!value.isTextual()) {
      throw new IllegalArgumentException(name + " must be a string");
    }
    return value.asText();
  }

  private static long integer(String name, JsonNode value) {
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return value.asLong();
    }
    if (value.isTextual()) {
      try {
        return Long.parseLong(value.asText().trim());
      } catch (NumberFormatException e) {
        // fall through to the common message
      }
    }
    throw new IllegalArgumentException(name + " must be an integer");
  }

  private static double number(String name, JsonNode value) {
    if (value.isNumber()) {
      return value.asDouble();
    }
    if (value.isTextual()) {
      try {
        return Double.parseDouble(value.asText().trim());
      } catch (NumberFormatException e) {
        // fall through to the common message
      }
    }
    throw new IllegalArgumentException(name + " must be a number");
  }

  private static boolean bool(String name, JsonNode value) {
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    throw new IllegalArgumentException(name + " must be true or false");
  }
}
