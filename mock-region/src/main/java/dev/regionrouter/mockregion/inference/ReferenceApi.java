package dev.regionrouter.mockregion.inference;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The reference tutorial's mock endpoints: {@code GET /health} and {@code POST /v1/inference}, with
 * the exact bodies its router expects.
 */
public final class ReferenceApi {

  public static final int DEFAULT_MAX_TOKENS = 100;

  /** A parsed {@code /v1/inference} body. */
  public record InferenceRequest(String prompt, int maxTokens) {}

  private final String region;
  private final byte[] healthBody;

  public ReferenceApi(String region) {
    this.region = region;
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    try (JsonGenerator g = Json.generator(out)) {
      g.writeStartObject();
      g.writeStringField("status", "healthy");
      g.writeStringField("region", region);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    healthBody = out.toByteArray();
  }

  /** {@code {"status":"healthy","region":REGION}}: the same bytes every time, made once. */
  public byte[] healthBody() {
    return healthBody;
  }

  /** {@code {"prompt": string, "max_tokens": int = 100, "temperature": number = 0.7}}. */
  public InferenceRequest parseInference(JsonNode body) {
    // The reference mock reads the prompt with a default of "", so a missing one is not an error.
    String prompt = Json.optionalText(body, "prompt", "");
    int maxTokens = Json.optionalNonNegativeInt(body, "max_tokens", DEFAULT_MAX_TOKENS);
    Json.optionalNumber(body, "temperature");
    return new InferenceRequest(prompt, maxTokens);
  }

  /** {@code {"output":"Mock response from REGION: <first 50 chars>...","tokens_used":N}}. */
  public void writeInference(OutputStream out, InferenceRequest request, Integer tokensOverride) {
    try (JsonGenerator g = Json.generator(out)) {
      g.writeStartObject();
      g.writeStringField("output", output(request.prompt()));
      g.writeNumberField(
          "tokens_used", tokensOverride != null ? tokensOverride : request.maxTokens());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The reference's answer text; the prompt is cut at 50 code points, as Python's {@code [:50]}
   * does.
   */
  public String output(String prompt) {
    return "Mock response from " + region + ": " + firstCodePoints(prompt, 50) + "...";
  }

  static String firstCodePoints(String text, int count) {
    if (text.length() <= count) {
      return text;
    }
    int codePoints = text.codePointCount(0, text.length());
    return codePoints <= count ? text : text.substring(0, text.offsetByCodePoints(0, count));
  }
}
