package dev.regionrouter.mockregion.inference;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The one Jackson setup of the mock: strict parsing of request bodies into trees, and streaming
 * generation of answers straight into the caller's output (no intermediate objects).
 */
public final class Json {

  public static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private Json() {}

  /** Parses a request body that must be one JSON object. */
  public static JsonNode parseObject(InputStream body) {
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadRequestException("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (node == null || node.isMissingNode()) {
      throw new BadRequestException("malformed JSON: the body is empty");
    }
    if (!node.isObject()) {
      throw new BadRequestException("the body must be a JSON object");
    }
    return node;
  }

  /** A generator over {@code out}; closing it flushes but the caller owns {@code out}. */
  public static JsonGenerator generator(OutputStream out) {
    try {
      JsonGenerator generator = FACTORY.createGenerator(out, JsonEncoding.UTF8);
      generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      return generator;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes any Jackson-serializable value (admin documents). */
  public static void write(OutputStream out, Object value) {
    try {
      MAPPER.writeValue(out, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code {"error":{"code":..,"message":..}}}, the router's error shape. */
  public static void writeError(OutputStream out, String code, String message) {
    try (JsonGenerator g = generator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("error");
      g.writeStringField("code", code);
      g.writeStringField("message", message);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // Field readers shared by the endpoints: absent or null means "use the default".

  static String optionalText(JsonNode body, String field, String fallback) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isTextual()) {
      throw new BadRequestException(field + " must be a string");
    }
    return value.asText();
  }

  static int optionalNonNegativeInt(JsonNode body, String field, int fallback) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 0) {
      throw new BadRequestException(field + " must be a non-negative integer");
    }
    return value.asInt();
  }

  static void optionalNumber(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value != null && !value.isNull() && !value.isNumber()) {
      throw new BadRequestException(field + " must be a number");
    }
  }

  static boolean optionalBoolean(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw new BadRequestException(field + " must be true or false");
    }
    return value.asBoolean();
  }
}
