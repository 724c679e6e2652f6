package dev.regionrouter.router.exchange;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.regionrouter.api.table.RegionEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The {@code model} a request body names (its top-level field; OpenAI's request shape), and the
 * same body naming a region's own model instead. The body is otherwise sent as the caller wrote it:
 * only the value's bytes are replaced, so numbers, order and spacing stay as they were.
 */
public final class RequestModel {

  private static final JsonFactory JSON = new JsonFactory();

  private RequestModel() {}

  /** The body's top-level "model" string, or null (none, not a string, or not a JSON object). */
  public static String of(byte[] body) {
    Span span = find(body);
    return span == null ? null : span.model();
  }

  /**
   * The body for this region: its own name for the model when it maps the caller's, else the body
   * itself.
   */
  public static byte[] forRegion(byte[] body, String callerModel, RegionEntry region) {
    String own = region.modelFor(callerModel);
    if (own == null || own.equals(callerModel)) {
      return body;
    }
    Span span = find(body);
    if (span == null) {
      return body;
    }
    byte[] quoted =
        ("\"" + new String(JsonStringEncoder.getInstance().quoteAsString(own)) + "\"")
            .getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[body.length - (span.end() - span.start()) + quoted.length];
    System.arraycopy(body, 0, out, 0, span.start());
    System.arraycopy(quoted, 0, out, span.start(), quoted.length);
    System.arraycopy(body, span.end(), out, span.start() + quoted.length, body.length - span.end());
    return out;
  }

  /**
   * Where the top-level "model" string value sits in the body (the last one, as a JSON tree would
   * read it).
   */
  private record Span(String model, int start, int end) {}

  private static Span find(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    Span found = null;
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (name.equals("model") && value == JsonToken.VALUE_STRING) {
          int start = (int) parser.currentTokenLocation().getByteOffset();
          String model = parser.getText();
          int end = (int) parser.currentLocation().getByteOffset();
          found = new Span(model, start, end);
        } else {
          parser.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      return found; // a body the region will judge: what was read so far stands
    }
    return found;
  }
}
