package dev.regionrouter.router.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scanner's contract: whatever it accepts, Jackson (the router's reader of record) accepts with
 * the same tokens and values; it accepts the JSON it is meant for. Checked on seeded random
 * documents and on thousands of mutations of them (bytes changed, inserted, removed, cut).
 */
class JsonScannerTest {

  private static final ObjectMapper JACKSON = new ObjectMapper();
  private static final long SEED = 20261204L;

  @Test
  void acceptsEveryGeneratedDocumentWithTheTokensJacksonReads() throws Exception {
    Random random = new Random(SEED);
    for (int i = 0; i < 2_000; i++) {
      byte[] document = RandomJson.document(random, false);
      List<String> scanned = scan(document);
      assertThat(scanned).as(text(document)).endsWith("END");
      assertThat(scanned).as(text(document)).isEqualTo(jackson(document));
    }
  }

  @Test
  void neverAcceptsWhatJacksonRejectsAndAgreesOnWhatBothAccept() throws Exception {
    Random random = new Random(SEED + 1);
    int accepted = 0;
    int rejected = 0;
    for (int i = 0; i < 1_500; i++) {
      byte[] original = RandomJson.document(random, random.nextInt(8) == 0);
      for (int m = 0; m < 20; m++) {
        byte[] mutated = RandomJson.mutate(original, random);
        List<String> scanned = scan(mutated);
        if (scanned.get(scanned.size() - 1).equals("END")) {
          accepted++;
          assertThat(jackson(mutated)).as(text(mutated)).isEqualTo(scanned);
        } else {
          rejected++;
        }
      }
    }
    // both outcomes are exercised, or the check above proves nothing
    assertThat(accepted).isGreaterThan(1_000);
    assertThat(rejected).isGreaterThan(10_000);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "{",
        "}",
        "{\"a\"}",
        "{\"a\":}",
        "{\"a\":1,}",
        "[1,]",
        "[1 2]",
        "{\"a\" 1}",
        "{a:1}",
        "{'a':1}",
        "[01]",
        "[1.]",
        "[.5]",
        "[1e]",
        "[+1]",
        "[-]",
        "[tru]",
        "[nul]",
        "[True]",
        "[NaN]",
        "[\"a\\x\"]",
        "[\"\\u12\"]",
        "[\"tab\there\"]",
        "{} {}",
        "{}x",
        "[] ]",
        "[1]/*c*/",
        "//c\n[1]"
      })
  void rejectsMalformedJson(String json) {
    assertThat(scan(json.getBytes(StandardCharsets.UTF_8))).last().isEqualTo("FAILED");
  }

  @Test
  void leavesValidJsonItDoesNotHandleToJackson() throws Exception {
    List<byte[]> left =
        List.of(
            bytes(0xEF, 0xBB, 0xBF, '{', '}'), // byte-order mark
            bytes('[', '"', 0xC0, 0x80, '"', ']'), // overlong NUL: Jackson reads it
            "{\"a\\u0062\":1}".getBytes(StandardCharsets.UTF_8), // a name with an escape
            ("[" + "1".repeat(101) + "]").getBytes(StandardCharsets.UTF_8),
            ("{\"" + "n".repeat(1001) + "\":1}").getBytes(StandardCharsets.UTF_8),
            ("[".repeat(65) + "]".repeat(65)).getBytes(StandardCharsets.UTF_8));
    for (byte[] json : left) {
      assertThat(scan(json)).as(text(json)).last().isEqualTo("FAILED");
      assertThat(jackson(json)).as(text(json)).last().isEqualTo("END");
    }
    byte[] surrogate = bytes('[', '"', 0xED, 0xA0, 0x80, '"', ']'); // both refuse it
    assertThat(scan(surrogate)).last().isEqualTo("FAILED");
    assertThat(jackson(surrogate)).last().isEqualTo("FAILED");
    assertThat(scan(("[".repeat(64) + "]".repeat(64)).getBytes(StandardCharsets.UTF_8)))
        .last()
        .isEqualTo("END");
  }

  @Test
  void readsValuesAtTheEdgesOfTheirTypes() throws Exception {
    String json =
        "[-0, 2147483647, 2147483648, -2147483648, -2147483649, 9223372036854775807,"
            + " 9223372036854775808, -9223372036854775808, -9223372036854775809, 1E400, -0.0,"
            + " 0.7, 1e-5, \"\\ud83d\\ude00\", \"\\ud800\", \"😀é中\", \"a\\/b\\\"\\\\\\b\\f\\n\\r\\t\"]";
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    assertThat(scan(bytes)).last().isEqualTo("END");
    assertThat(scan(bytes)).isEqualTo(jackson(bytes));
  }

  @Test
  void skipChildrenStopsAtTheClosingBracketAndKnowsWhereItIs() {
    byte[] json = "{\"a\": {\"b\": [1, {\"c\": null}]}, \"d\": true}".getBytes();
    JsonScanner scanner = new JsonScanner(json);
    assertThat(scanner.next()).isEqualTo(JsonScanner.Token.START_OBJECT);
    assertThat(scanner.next()).isEqualTo(JsonScanner.Token.FIELD_NAME);
    assertThat(scanner.next()).isEqualTo(JsonScanner.Token.START_OBJECT);
    int start = scanner.tokenStart();
    assertThat(scanner.skipChildren()).isEqualTo(JsonScanner.Token.END_OBJECT);
    assertThat(new String(json, start, scanner.tokenEnd() - start))
        .isEqualTo("{\"b\": [1, {\"c\": null}]}");
    assertThat(scanner.next()).isEqualTo(JsonScanner.Token.FIELD_NAME);
    assertThat(scanner.nameIs("d".getBytes())).isTrue();
    assertThat(scanner.nameIs("dd".getBytes())).isFalse();
    assertThat(scanner.next()).isEqualTo(JsonScanner.Token.TRUE);
    assertThat(scanner.next()).isEqualTo(JsonScanner.Token.END_OBJECT);
    assertThat(scanner.next()).isEqualTo(JsonScanner.Token.END);
    assertThat(scanner.next()).isEqualTo(JsonScanner.Token.END);
  }

  @Test
  void aReusableScannerServesOneReadAtATimeAndLetsGoOfTheDocument() throws Exception {
    JsonScanner reusable = JsonScanner.reusable();
    JsonScanner outer = reusable.over("[1]".getBytes(StandardCharsets.UTF_8));
    JsonScanner nested = reusable.over("{}".getBytes(StandardCharsets.UTF_8));
    assertThat(outer).isSameAs(reusable);
    assertThat(nested).isNotSameAs(reusable); // busy: a read of its own
    assertThat(nested.next()).isEqualTo(JsonScanner.Token.START_OBJECT);
    assertThat(outer.next()).isEqualTo(JsonScanner.Token.START_ARRAY);
    nested.close();
    outer.close();
    try (JsonScanner again = reusable.over("true".getBytes(StandardCharsets.UTF_8))) {
      assertThat(again).isSameAs(reusable);
      assertThat(again.next()).isEqualTo(JsonScanner.Token.TRUE);
      assertThat(again.next()).isEqualTo(JsonScanner.Token.END);
    }
    // readers on other threads at once each read their own document whole
    byte[][] documents = new byte[8][];
    for (int i = 0; i < documents.length; i++) {
      documents[i] = ("{\"n\":" + i + ",\"s\":\"" + "x".repeat(i * 50) + "\"}").getBytes();
    }
    try (var threads = java.util.concurrent.Executors.newFixedThreadPool(4)) {
      List<java.util.concurrent.Future<List<String>>> reads = new ArrayList<>();
      for (int round = 0; round < 200; round++) {
        byte[] document = documents[round % documents.length];
        reads.add(
            threads.submit(
                () -> {
                  try (JsonScanner scanner = reusable.over(document)) {
                    return drain(scanner);
                  }
                }));
      }
      for (int round = 0; round < reads.size(); round++) {
        assertThat(reads.get(round).get())
            .isEqualTo(drain(new JsonScanner(documents[round % documents.length])));
      }
    }
  }

  private static List<String> drain(JsonScanner scanner) {
    List<String> tokens = new ArrayList<>();
    JsonScanner.Token token;
    do {
      token = scanner.next();
      tokens.add(
          token == JsonScanner.Token.STRING || token == JsonScanner.Token.FIELD_NAME
              ? token + " " + scanner.stringValue()
              : token.name());
    } while (token != JsonScanner.Token.END && token != JsonScanner.Token.FAILED);
    return tokens;
  }

  /** The scanner's tokens, values rendered as {@link #jackson} renders Jackson's. */
  static List<String> scan(byte[] json) {
    JsonScanner scanner = new JsonScanner(json);
    List<String> tokens = new ArrayList<>();
    while (true) {
      JsonScanner.Token token = scanner.next();
      switch (token) {
        case FIELD_NAME -> tokens.add("name " + scanner.stringValue());
        case STRING ->
            tokens.add("string " + scanner.stringValue() + " / " + scanner.stringLength());
        case NUMBER_INT ->
            tokens.add(
                "int "
                    + (!scanner.fitsLong()
                        ? "big"
                        : (scanner.fitsInt() ? "int " : "long ") + scanner.longValue()));
        case NUMBER_FLOAT -> tokens.add("float " + scanner.doubleValue());
        default -> tokens.add(token.name());
      }
      if (token == JsonScanner.Token.END || token == JsonScanner.Token.FAILED) {
        return tokens;
      }
    }
  }

  /** Jackson's tokens of one root value and nothing after it; FAILED where it throws. */
  static List<String> jackson(byte[] json) throws Exception {
    List<String> tokens = new ArrayList<>();
    try (JsonParser parser = JACKSON.getFactory().createParser(json)) {
      int depth = 0;
      do {
        JsonToken token = parser.nextToken();
        if (token == null) {
          tokens.add("FAILED"); // no value
          return tokens;
        }
        switch (token) {
          case FIELD_NAME -> tokens.add("name " + parser.currentName());
          case VALUE_STRING ->
              tokens.add("string " + parser.getText() + " / " + parser.getTextLength());
          case VALUE_NUMBER_INT ->
              tokens.add(
                  "int "
                      + switch (parser.getNumberType()) {
                        case INT -> "int " + parser.getLongValue();
                        case LONG -> "long " + parser.getLongValue();
                        default -> "big";
                      });
          case VALUE_NUMBER_FLOAT -> tokens.add("float " + parser.getDoubleValue());
          case VALUE_TRUE -> tokens.add("TRUE");
          case VALUE_FALSE -> tokens.add("FALSE");
          case VALUE_NULL -> tokens.add("NULL");
          default -> tokens.add(token.name());
        }
        depth += token.isStructStart() ? 1 : token.isStructEnd() ? -1 : 0;
      } while (depth > 0);
      tokens.add(parser.nextToken() == null ? "END" : "FAILED");
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      tokens.add("FAILED");
    }
    return tokens;
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static String text(byte[] json) {
    return new String(json, StandardCharsets.ISO_8859_1);
  }
}
