package dev.regionrouter.router.edge;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regionrouter.router.error.RouterException;
import dev.regionrouter.router.json.JsonScanner;
import dev.regionrouter.router.selection.TokenEstimate;
import java.util.ArrayList;
import java.util.List;

/**
 * The contract's request body: {@code {"prompt": string, "max_tokens": int = 100 (>= 1),
 * "temperature": number = 0.7 (0..2)}}. Validated strictly (a string is not a number) and returned
 * with its defaults filled in; fields the contract does not name are kept and forwarded.
 *
 * <p>The body is read by {@link JsonScanner}, which looks at those four fields (with "model") and
 * checks the rest as it passes over it, allocating nothing; a body it leaves alone (malformed, or
 * JSON it does not handle) is read by Jackson, whose verdict and messages are the contract. What
 * goes to the region is the caller's own bytes, with the missing defaults appended before the
 * closing brace: no re-encoding on the hot path, and the caller's body is forwarded exactly as
 * sent.
 */
final class InferenceRequest {

  static final int DEFAULT_MAX_TOKENS = 100;
  static final double DEFAULT_TEMPERATURE = 0.7;

  private InferenceRequest() {}

  /**
   * The validated request: its max_tokens (the default when absent), its prompt's length in
   * characters, and the bytes to send to a region.
   */
  record Parsed(int maxTokens, int promptLength, byte[] forward, String model) {
    /**
     * The tokens the request may use, for capacity.tokensPerMinute: max_tokens plus ~4 characters a
     * prompt token.
     */
    long estimatedTokens() {
      return TokenEstimate.of(maxTokens, promptLength);
    }
  }

  /** scanner: the caller's connection's, reused request after request. */
  static Parsed parse(byte[] body, ObjectMapper json, JsonScanner scanner) {
    Fields fields = scan(body, scanner);
    if (fields == null) {
      fields = read(body, json);
    }
    List<String> problems = fields.problems();
    if (!problems.isEmpty()) {
      throw RouterException.badRequest(String.join("; ", problems));
    }
    int maxTokens = fields.maxTokens == null ? DEFAULT_MAX_TOKENS : fields.maxTokens;
    return new Parsed(maxTokens, fields.promptLength, forward(body, json, fields), fields.model);
  }

  private static final byte[] PROMPT = ascii("prompt");
  private static final byte[] MAX_TOKENS = ascii("max_tokens");
  private static final byte[] TEMPERATURE = ascii("temperature");
  private static final byte[] MODEL = ascii("model");

  /**
   * The fields as {@link JsonScanner} reads them, or null when it leaves the body to Jackson
   * (malformed, or JSON it does not handle): then {@link #read} gives the verdict.
   */
  static Fields scan(byte[] body, JsonScanner reusable) {
    try (JsonScanner scanner = reusable.over(body)) {
      return scanFields(scanner);
    }
  }

  private static Fields scanFields(JsonScanner scanner) {
    if (scanner.next() != JsonScanner.Token.START_OBJECT) {
      return null;
    }
    Fields fields = new Fields();
    JsonScanner.Token token;
    while ((token = scanner.next()) == JsonScanner.Token.FIELD_NAME) {
      boolean prompt = scanner.nameIs(PROMPT);
      boolean maxTokens = !prompt && scanner.nameIs(MAX_TOKENS);
      boolean temperature = !prompt && !maxTokens && scanner.nameIs(TEMPERATURE);
      boolean model = !prompt && !maxTokens && !temperature && scanner.nameIs(MODEL);
      JsonScanner.Token value = scanner.next();
      if (value == JsonScanner.Token.FAILED) {
        return null;
      }
      JsonToken read = jacksonToken(value);
      if (prompt) {
        fields.prompt = read;
        fields.promptLength = read == JsonToken.VALUE_STRING ? scanner.stringLength() : 0;
      } else if (maxTokens) {
        fields.maxTokens(read, scanner.fitsInt() ? (int) scanner.longValue() : null);
      } else if (temperature) {
        fields.temperatureToken = read;
        if (read == JsonToken.VALUE_NUMBER_INT || read == JsonToken.VALUE_NUMBER_FLOAT) {
          fields.temperature = scanner.doubleValue();
        }
      } else if (model) {
        fields.model = read == JsonToken.VALUE_STRING ? scanner.stringValue() : null;
      }
      if (scanner.skipChildren() == JsonScanner.Token.FAILED) {
        return null;
      }
    }
    return token == JsonScanner.Token.END_OBJECT && scanner.next() == JsonScanner.Token.END
        ? fields
        : null;
  }

  private static JsonToken jacksonToken(JsonScanner.Token token) {
    return switch (token) {
      case START_OBJECT -> JsonToken.START_OBJECT;
      case START_ARRAY -> JsonToken.START_ARRAY;
      case STRING -> JsonToken.VALUE_STRING;
      case NUMBER_INT -> JsonToken.VALUE_NUMBER_INT;
      case NUMBER_FLOAT -> JsonToken.VALUE_NUMBER_FLOAT;
      case TRUE -> JsonToken.VALUE_TRUE;
      case FALSE -> JsonToken.VALUE_FALSE;
      case NULL -> JsonToken.VALUE_NULL;
      default -> throw new IllegalStateException("not a value: " + token);
    };
  }

  /** The fields as Jackson reads them; a 400 when the body is not JSON or not an object. */
  static Fields read(byte[] body, ObjectMapper json) {
    Fields fields = new Fields();
    try (JsonParser parser = json.getFactory().createParser(body)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        if (first != null && first.isStructStart()) {
          parser
              .skipChildren(); // a well-formed array is "not an object"; a broken one is malformed
        }
        throw RouterException.badRequest("request body must be a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "prompt" -> fields.prompt(parser, value);
          case "max_tokens" -> fields.maxTokens(parser, value);
          case "temperature" -> fields.temperature(parser, value);
          case "model" -> fields.model = value == JsonToken.VALUE_STRING ? parser.getText() : null;
          default -> {}
        }
        parser.skipChildren(); // an object or array value: over it (and checked on the way)
      }
    } catch (JacksonException e) {
      throw new RouterException(
          400,
          "malformed_json",
          "request body is not valid JSON: " + e.getOriginalMessage(),
          null,
          0);
    } catch (java.io.IOException e) {
      throw new RouterException(400, "malformed_json", "request body cannot be read", null, 0);
    }
    return fields;
  }

  /** The three contract fields as read (the last occurrence of a field counts, as for a tree). */
  static final class Fields {
    JsonToken prompt;
    int promptLength;
    JsonToken maxTokensToken;
    Integer maxTokens;
    boolean maxTokensTooLarge;
    JsonToken temperatureToken;
    double temperature;

    /** An optional "model" (string): routed and mapped as on the OpenAI paths. */
    String model;

    void prompt(JsonParser parser, JsonToken value) throws java.io.IOException {
      prompt = value;
      promptLength = value == JsonToken.VALUE_STRING ? parser.getTextLength() : 0;
    }

    void maxTokens(JsonParser parser, JsonToken value) throws java.io.IOException {
      maxTokens(
          value,
          value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT
              ? parser.getIntValue()
              : null);
    }

    /** asInt: the value when it is an integer that fits an int. */
    void maxTokens(JsonToken value, Integer asInt) {
      maxTokensToken = value;
      maxTokens = null;
      maxTokensTooLarge = false;
      if (value == JsonToken.VALUE_NUMBER_INT) {
        if (asInt != null) {
          maxTokens = asInt;
        } else {
          maxTokensTooLarge = true;
        }
      }
    }

    void temperature(JsonParser parser, JsonToken value) throws java.io.IOException {
      temperatureToken = value;
      if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
        temperature = parser.getDoubleValue();
      }
    }

    boolean maxTokensMissing() {
      return maxTokensToken == null || maxTokensToken == JsonToken.VALUE_NULL;
    }

    boolean temperatureMissing() {
      return temperatureToken == null || temperatureToken == JsonToken.VALUE_NULL;
    }

    /** The contract's checks, every problem at once. */
    List<String> problems() {
      List<String> problems = new ArrayList<>(0);
      if (prompt == null || prompt == JsonToken.VALUE_NULL) {
        problems.add("prompt: is required");
      } else if (prompt != JsonToken.VALUE_STRING) {
        problems.add("prompt: must be a string");
      }
      if (!maxTokensMissing()) {
        if (maxTokensToken != JsonToken.VALUE_NUMBER_INT || maxTokensTooLarge) {
          problems.add("max_tokens: must be an integer");
        } else if (maxTokens < 1) {
          problems.add("max_tokens: must be >= 1, got " + maxTokens);
        }
      }
      if (!temperatureMissing()) {
        if (temperatureToken != JsonToken.VALUE_NUMBER_INT
            && temperatureToken != JsonToken.VALUE_NUMBER_FLOAT) {
          problems.add("temperature: must be a number");
        } else if (temperature < 0 || temperature > 2) {
          problems.add("temperature: must be between 0 and 2, got " + temperature);
        }
      }
      return problems;
    }
  }

  /**
   * The caller's bytes, with the missing defaults appended (re-encoded in the rare cases that need
   * it).
   */
  private static byte[] forward(byte[] body, ObjectMapper json, Fields fields) {
    boolean bom =
        body.length >= 3
            && (body[0] & 0xff) == 0xEF
            && (body[1] & 0xff) == 0xBB
            && (body[2] & 0xff) == 0xBF;
    boolean explicitNull =
        fields.maxTokensToken == JsonToken.VALUE_NULL
            || fields.temperatureToken == JsonToken.VALUE_NULL;
    if (!fields.maxTokensMissing() && !fields.temperatureMissing() && !bom) {
      return body;
    }
    if (explicitNull || bom) {
      // "max_tokens": null is replaced, not followed by a second key; a byte-order mark is not
      // passed on: re-encode (rare)
      try {
        ObjectNode request = (ObjectNode) json.readTree(body);
        if (fields.maxTokensMissing()) {
          request.put("max_tokens", DEFAULT_MAX_TOKENS);
        }
        if (fields.temperatureMissing()) {
          request.put("temperature", DEFAULT_TEMPERATURE);
        }
        return json.writeValueAsBytes(request);
      } catch (java.io.IOException e) {
        throw RouterException.badRequest("cannot encode the request: " + e.getMessage());
      }
    }
    byte[] appended =
        fields.maxTokensMissing()
            ? (fields.temperatureMissing() ? BOTH_DEFAULTS : MAX_TOKENS_DEFAULT)
            : TEMPERATURE_DEFAULT;
    return withFields(body, appended);
  }

  /** What the missing defaults append (the same bytes for every request that leaves them out). */
  private static final byte[] MAX_TOKENS_DEFAULT = ascii(",\"max_tokens\":" + DEFAULT_MAX_TOKENS);

  private static final byte[] TEMPERATURE_DEFAULT =
      ascii(",\"temperature\":" + DEFAULT_TEMPERATURE);
  private static final byte[] BOTH_DEFAULTS =
      ascii(",\"max_tokens\":" + DEFAULT_MAX_TOKENS + ",\"temperature\":" + DEFAULT_TEMPERATURE);

  private static byte[] ascii(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /**
   * The object's bytes with ",field:value..." inserted before its closing brace (the prompt makes
   * it non-empty).
   */
  private static byte[] withFields(byte[] object, byte[] extra) {
    int end = object.length - 1;
    while (end >= 0 && object[end] != '}') {
      end--; // trailing whitespace
    }
    byte[] out = new byte[end + extra.length + 1];
    System.arraycopy(object, 0, out, 0, end);
    System.arraycopy(extra, 0, out, end, extra.length);
    out[out.length - 1] = '}';
    return out;
  }
}
