package dev.regionrouter.router.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regionrouter.router.proxy.RouterException;
import java.util.ArrayList;
import java.util.List;

/**
 * The contract's request body: {@code {"prompt": string, "max_tokens": int = 100 (>= 1),
 * "temperature": number = 0.7 (0..2)}}. Validated strictly (a string is not a number) and returned
 * with its defaults filled in; fields the contract does not name are kept and forwarded.
 */
final class InferenceRequest {

  static final int DEFAULT_MAX_TOKENS = 100;
  static final double DEFAULT_TEMPERATURE = 0.7;

  private InferenceRequest() {}

  static ObjectNode parse(byte[] body, ObjectMapper json) {
    JsonNode node;
    try {
      node = json.readTree(body);
    } catch (JacksonException e) {
      throw new RouterException(400, "malformed_json", "request body is not valid JSON: " + e.getOriginalMessage(),
          null, 0);
    } catch (java.io.IOException e) {
      throw new RouterException(400, "malformed_json", "request body cannot be read", null, 0);
    }
    if (node == null || !node.isObject()) {
      throw RouterException.badRequest("request body must be a JSON object");
    }
    ObjectNode request = (ObjectNode) node;
    List<String> problems = new ArrayList<>();
    JsonNode prompt = request.get("prompt");
    if (prompt == null || prompt.isNull()) {
      problems.add("prompt: is required");
    } else if (!prompt.isTextual()) {
      problems.add("prompt: must be a string");
    }
    JsonNode maxTokens = request.get("max_tokens");
    if (maxTokens == null || maxTokens.isNull()) {
      request.put("max_tokens", DEFAULT_MAX_TOKENS);
    } else if (!maxTokens.isIntegralNumber() || !maxTokens.canConvertToInt()) {
      problems.add("max_tokens: must be an integer");
    } else if (maxTokens.asInt() < 1) {
      problems.add("max_tokens: must be >= 1, got " + maxTokens.asInt());
    }
    JsonNode temperature = request.get("temperature");
    if (temperature == null || temperature.isNull()) {
      request.put("temperature", DEFAULT_TEMPERATURE);
    } else if (!temperature.isNumber()) {
      problems.add("temperature: must be a number");
    } else if (temperature.asDouble() < 0 || temperature.asDouble() > 2) {
      problems.add("temperature: must be between 0 and 2, got " + temperature.asDouble());
    }
    if (!problems.isEmpty()) {
      throw RouterException.badRequest(String.join("; ", problems));
    }
    return request;
  }
}
