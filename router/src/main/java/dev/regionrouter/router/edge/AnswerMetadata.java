package dev.regionrouter.router.edge;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The {@code metadata} object of an inference answer. Written straight into the answer's buffer
 * when every string in it is plain ASCII that JSON needs not escape and every number is finite (the
 * usual answer), else with Jackson's generator; both write the same bytes (the test holds them to
 * it).
 *
 * @param regionFields the region's fields, encoded once per region entry, with a trailing comma
 * @param decision the plan's explanation (debugging requests only), or null
 * @param tokensUsed the tokens the region reports, or null (then no cost either)
 */
record AnswerMetadata(
    SerializableString regionFields,
    int attempts,
    String model,
    double upstreamLatencyMs,
    String policy,
    boolean panic,
    String hedge,
    Object decision,
    Long tokensUsed,
    double estimatedCostUsd) {

  private static final byte[] ATTEMPTS = ascii("\"attempts\":");
  private static final byte[] MODEL = ascii(",\"model\":\"");
  private static final byte[] LATENCY = ascii(",\"upstream_latency_ms\":");
  private static final byte[] POLICY = ascii(",\"policy\":\"");
  private static final byte[] PANIC = ascii(",\"panic\":true");
  private static final byte[] HEDGE = ascii(",\"hedge\":\"");
  private static final byte[] TOKENS = ascii(",\"tokens_used\":");
  private static final byte[] COST = ascii(",\"estimated_cost_usd\":");

  /** The decimals the two numbers are rounded to (by InferenceEndpoint). */
  static final int LATENCY_PLACES = 3;

  static final int COST_PLACES = 8;

  /** Writes the object into the buffer. */
  void writeTo(ByteBuf out, ObjectMapper json) throws IOException {
    if (plain()) {
      writePlain(out);
    } else {
      writeWithJackson(new ByteBufOutputStream(out), json);
    }
  }

  /** Whether {@link #writePlain} can write it: nothing to escape, no number Jackson quotes. */
  boolean plain() {
    return decision == null
        && (model == null || plain(model))
        && policy != null
        && plain(policy)
        && (hedge == null || plain(hedge))
        && Double.isFinite(upstreamLatencyMs)
        && (tokensUsed == null || Double.isFinite(estimatedCostUsd));
  }

  void writePlain(ByteBuf out) {
    out.writeByte('{').writeBytes(regionFields.asUnquotedUTF8()).writeBytes(ATTEMPTS);
    DecimalText.writeLong(out, attempts);
    if (model != null) {
      ByteBufUtil.writeAscii(out.writeBytes(MODEL), model);
      out.writeByte('"');
    }
    DecimalText.write(out.writeBytes(LATENCY), upstreamLatencyMs, LATENCY_PLACES);
    ByteBufUtil.writeAscii(out.writeBytes(POLICY), policy);
    out.writeByte('"');
    if (panic) {
      out.writeBytes(PANIC);
    }
    if (hedge != null) {
      ByteBufUtil.writeAscii(out.writeBytes(HEDGE), hedge);
      out.writeByte('"');
    }
    if (tokensUsed != null) {
      DecimalText.writeLong(out.writeBytes(TOKENS), tokensUsed);
      DecimalText.write(out.writeBytes(COST), estimatedCostUsd, COST_PLACES);
    }
    out.writeByte('}');
  }

  void writeWithJackson(OutputStream bytes, ObjectMapper json) throws IOException {
    try (JsonGenerator out = json.getFactory().createGenerator(bytes)) {
      out.writeStartObject();
      // the region's own fields, then a comma: to the generator, "attempts" is the first field
      out.writeRaw(regionFields);
      out.writeNumberField("attempts", attempts);
      if (model != null) {
        out.writeStringField("model", model);
      }
      out.writeNumberField("upstream_latency_ms", upstreamLatencyMs);
      out.writeStringField("policy", policy);
      if (panic) {
        out.writeBooleanField("panic", true);
      }
      if (hedge != null) {
        out.writeStringField("hedge", hedge);
      }
      if (decision != null) {
        out.writeFieldName("decision");
        json.writeValue(out, decision);
      }
      if (tokensUsed != null) {
        out.writeNumberField("tokens_used", tokensUsed);
        out.writeNumberField("estimated_cost_usd", estimatedCostUsd);
      }
      out.writeEndObject();
    }
  }

  /** Printable ASCII without a quote or a backslash: JSON text as it is. */
  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
