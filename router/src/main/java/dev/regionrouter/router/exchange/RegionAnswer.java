package dev.regionrouter.router.exchange;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.router.json.JsonScanner;
import java.nio.charset.StandardCharsets;

/**
 * A region's 2xx answer to {@code /v1/inference}, as the contract shapes it: a JSON object with a
 * non-null "output" (any JSON value) and optionally "tokens_used" (an integer >= 0).
 *
 * <p>The output is kept as its own JSON text, a slice of the region's bytes, and goes into the
 * caller's answer as it came: never decoded to a string or a tree and encoded again (an LLM's
 * output is most of an answer's bytes, and the round trip cost two copies of it and a pass of
 * escaping). The whole document is still checked as it is read: it must parse to its end, and
 * strings skipped over are checked for UTF-8 as the parser passes them.
 *
 * @param json the bytes holding the output's JSON text (UTF-8)
 * @param offset where the output starts in them
 * @param length its length
 * @param tokensUsed the tokens the region reports (null when absent or not an integer >= 0)
 */
public record RegionAnswer(byte[] json, int offset, int length, Long tokensUsed)
    implements InferenceProxy.Answer {

  /** The output's JSON text (for tests and logs: the hot path writes the slice). */
  public String outputJson() {
    return new String(json, offset, length, StandardCharsets.UTF_8);
  }

  /** The answer, or null when the body is not the contract's shape or not well-formed JSON. */
  public static RegionAnswer parse(byte[] body, ObjectMapper mapper, JsonScanner scanner) {
    RegionAnswer scanned = scan(body, scanner);
    return scanned != null ? scanned : read(body, mapper);
  }

  private static final byte[] OUTPUT = "output".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TOKENS_USED = "tokens_used".getBytes(StandardCharsets.US_ASCII);

  /**
   * The answer as {@link JsonScanner} reads it, or null when the scanner leaves the body to Jackson
   * (malformed, not the contract's shape, or JSON it does not handle): {@link #read} decides then.
   */
  static RegionAnswer scan(byte[] body, JsonScanner reusable) {
    try (JsonScanner scanner = reusable.over(body)) {
      return scanAnswer(scanner, body);
    }
  }

  private static RegionAnswer scanAnswer(JsonScanner scanner, byte[] body) {
    if (scanner.next() != JsonScanner.Token.START_OBJECT) {
      return null;
    }
    int offset = -1; // the last occurrence counts, as for a tree
    int length = 0;
    Long tokensUsed = null;
    JsonScanner.Token token;
    while ((token = scanner.next()) == JsonScanner.Token.FIELD_NAME) {
      boolean output = scanner.nameIs(OUTPUT);
      boolean tokens = !output && scanner.nameIs(TOKENS_USED);
      JsonScanner.Token value = scanner.next();
      int start = scanner.tokenStart();
      if (value == JsonScanner.Token.FAILED || scanner.skipChildren() == JsonScanner.Token.FAILED) {
        return null;
      }
      if (output) {
        offset = value == JsonScanner.Token.NULL ? -1 : start;
        length = scanner.tokenEnd() - start;
      } else if (tokens) {
        tokensUsed =
            value == JsonScanner.Token.NUMBER_INT && scanner.fitsLong() && scanner.longValue() >= 0
                ? scanner.longValue()
                : null;
      }
    }
    if (token != JsonScanner.Token.END_OBJECT
        || scanner.next() != JsonScanner.Token.END
        || offset < 0) {
      return null;
    }
    return new RegionAnswer(body, offset, length, tokensUsed);
  }

  /** The answer as Jackson reads it (every encoding it detects), or null. */
  static RegionAnswer read(byte[] body, ObjectMapper mapper) {
    byte[] outputBytes = null;
    int offset = 0;
    int length = 0;
    Long tokensUsed = null;
    try (JsonParser parser = mapper.getFactory().createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("output")) {
          outputBytes = null; // the last occurrence counts, as for a tree
          if (value == JsonToken.VALUE_NULL) {
            continue;
          }
          long start = parser.currentTokenLocation().getByteOffset();
          if (start < 0) {
            // not UTF-8 (Jackson also reads UTF-16 and UTF-32): no byte slice to keep, re-encode
            // (rare)
            outputBytes = mapper.writeValueAsBytes(mapper.readTree(parser));
            offset = 0;
            length = outputBytes.length;
            continue;
          }
          parser.skipChildren();
          if (value == JsonToken.VALUE_STRING) {
            parser
                .finishToken(); // a string is read lazily: read it to its closing quote (and check
            // it)
          }
          outputBytes = body;
          offset = (int) start;
          length = (int) (parser.currentLocation().getByteOffset() - start);
        } else if (field.equals("tokens_used")) {
          tokensUsed =
              value == JsonToken.VALUE_NUMBER_INT
                      && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                      && parser.getLongValue() >= 0
                  ? parser.getLongValue()
                  : null;
          parser.skipChildren(); // an object or array is not a count, and not the answer's end
        } else {
          parser.skipChildren();
        }
      }
      if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
        return null;
      }
    } catch (java.io.IOException e) {
      return null;
    }
    return outputBytes == null ? null : new RegionAnswer(outputBytes, offset, length, tokensUsed);
  }
}
