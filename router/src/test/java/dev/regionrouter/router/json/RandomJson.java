package dev.regionrouter.router.json;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Seeded random JSON for checking readers against Jackson: nested values, escapes, multi-byte text,
 * numbers of every kind, and mutations of a document (a byte changed, inserted, removed, or the
 * document cut).
 */
public final class RandomJson {

  /** A document, most often an object; escapedNames: some field names carry an escape. */
  public static byte[] document(Random random, boolean escapedNames) {
    return new RandomJson(random, escapedNames).document();
  }

  /** The document with one random change. */
  public static byte[] mutate(byte[] original, Random random) {
    byte[] interesting = {
      '"',
      '\\',
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '0',
      '1',
      '-',
      '.',
      'e',
      'u',
      ' ',
      'x',
      0,
      0x1f,
      (byte) 0x80,
      (byte) 0xBF,
      (byte) 0xC0,
      (byte) 0xC3,
      (byte) 0xE0,
      (byte) 0xED,
      (byte) 0xF0,
      (byte) 0xF4,
      (byte) 0xF5,
      (byte) 0xFF
    };
    if (original.length == 0) {
      return original;
    }
    int at = random.nextInt(original.length);
    byte b =
        random.nextBoolean()
            ? interesting[random.nextInt(interesting.length)]
            : (byte) random.nextInt(256);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (random.nextInt(4)) {
      case 0 -> { // change
        out.write(original, 0, original.length);
        byte[] changed = out.toByteArray();
        changed[at] = b;
        return changed;
      }
      case 1 -> { // insert
        out.write(original, 0, at);
        out.write(b);
        out.write(original, at, original.length - at);
      }
      case 2 -> { // remove
        out.write(original, 0, at);
        out.write(original, at + 1, original.length - at - 1);
      }
      default -> out.write(original, 0, at); // cut
    }
    return out.toByteArray();
  }

  private static final String[] NAMES = {
    "prompt", "max_tokens", "temperature", "model", "output", "tokens_used", "id", "", "a b"
  };
  private static final String[] NUMBERS = {
    "0",
    "-0",
    "7",
    "-12",
    "32",
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "123456789012345678901234567890",
    "0.7",
    "-0.0",
    "1e5",
    "2E-3",
    "1.5e+10",
    "3.14159",
    "1e400",
    "100"
  };
  private static final String[] TEXT = {
    "a",
    "Z",
    " ",
    "é",
    "中",
    "😀",
    "\\n",
    "\\\"",
    "\\\\",
    "\\/",
    "\\u00e9",
    "\\ud83d\\ude00",
    "\\ud800",
    "\\t",
    "x",
    "0",
    "{",
    "]"
  };

  private final Random random;
  private final boolean escapedNames;
  private final StringBuilder out = new StringBuilder();

  private RandomJson(Random random, boolean escapedNames) {
    this.random = random;
    this.escapedNames = escapedNames;
  }

  private byte[] document() {
    space();
    if (random.nextInt(10) < 8) {
      object(0);
    } else {
      value(0);
    }
    space();
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void value(int depth) {
    int kind = depth > 5 ? 2 + random.nextInt(4) : random.nextInt(6);
    switch (kind) {
      case 0 -> object(depth);
      case 1 -> array(depth);
      case 2 -> string();
      case 3 -> out.append(NUMBERS[random.nextInt(NUMBERS.length)]);
      case 4 -> out.append(random.nextBoolean() ? "true" : "false");
      default -> out.append("null");
    }
  }

  private void object(int depth) {
    out.append('{');
    int fields = random.nextInt(5);
    for (int i = 0; i < fields; i++) {
      if (i > 0) {
        out.append(',');
      }
      space();
      if (escapedNames && random.nextInt(3) == 0) {
        out.append("\"na\\u006de\"");
      } else {
        out.append('"').append(NAMES[random.nextInt(NAMES.length)]).append('"');
      }
      space();
      out.append(':');
      space();
      value(depth + 1);
      space();
    }
    out.append('}');
  }

  private void array(int depth) {
    out.append('[');
    int items = random.nextInt(5);
    for (int i = 0; i < items; i++) {
      if (i > 0) {
        out.append(',');
      }
      space();
      value(depth + 1);
      space();
    }
    out.append(']');
  }

  private void string() {
    out.append('"');
    int length = random.nextInt(8);
    for (int i = 0; i < length; i++) {
      out.append(TEXT[random.nextInt(TEXT.length)]);
    }
    out.append('"');
  }

  private void space() {
    if (random.nextInt(4) == 0) {
      out.append(" \t\n\r".charAt(random.nextInt(4)));
    }
  }
}
