package dev.regionrouter.router.json;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A strict JSON tokenizer over a UTF-8 byte array that allocates nothing while it reads: the hot
 * path's reader of request bodies and region answers, where a Jackson parser per document cost more
 * than the rest of the reading.
 *
 * <p>It accepts a subset of what Jackson accepts and returns {@link Token#FAILED} for everything
 * else: malformed JSON, and also valid JSON it leaves to Jackson (a byte-order mark or another
 * encoding than UTF-8, UTF-8 that is not well-formed by RFC 3629, field names with escapes, nesting
 * deeper than {@value #MAX_DEPTH}, numbers longer than {@value #MAX_NUMBER_LENGTH} characters,
 * names longer than {@value #MAX_NAME_LENGTH} bytes, content after the root value). A caller that
 * gets FAILED reads the document again with Jackson, whose verdict and error messages stay the
 * contract; so this class never needs to explain an error. {@code JsonScannerTest} holds it to
 * that: whatever it accepts, Jackson accepts with the same tokens and values.
 */
public final class JsonScanner implements AutoCloseable {

  /** What {@link #next()} found. */
  public enum Token {
    START_OBJECT,
    END_OBJECT,
    START_ARRAY,
    END_ARRAY,
    FIELD_NAME,
    STRING,
    NUMBER_INT,
    NUMBER_FLOAT,
    TRUE,
    FALSE,
    NULL,
    /** The root value is complete and only whitespace follows it. */
    END,
    /** Not JSON, or JSON left to Jackson (see the class comment); sticky. */
    FAILED;

    /** A value that is an object or an array. */
    public boolean isStructStart() {
      return this == START_OBJECT || this == START_ARRAY;
    }
  }

  static final int MAX_DEPTH = 64;
  static final int MAX_NUMBER_LENGTH = 100;
  static final int MAX_NAME_LENGTH = 1000;

  private static final int EXPECT_VALUE = 0;
  private static final int EXPECT_VALUE_OR_END_ARRAY = 1;
  private static final int EXPECT_NAME_OR_END_OBJECT = 2;
  private static final int EXPECT_NAME = 3;
  private static final int EXPECT_COMMA_OR_END = 4;
  private static final int EXPECT_EOF = 5;

  private byte[] in;
  private int end;
  private int pos;
  private int expect = EXPECT_VALUE;

  /** Reading a document: {@link #over} gives another reader a scanner of its own meanwhile. */
  private final AtomicBoolean open = new AtomicBoolean();

  private int depth;

  /** Bit d set: the container at depth d + 1 is an object (else an array). */
  private long objects;

  private Token token;

  /** The current token's bytes: [tokenStart, tokenEnd), quotes included for a string. */
  private int tokenStart;

  private int tokenEnd;

  /** The current string (value or name) has escapes. */
  private boolean escaped;

  /** The current string's length in UTF-16 units, once decoded. */
  private int utf16Length;

  /** The current integer's value, and whether it fits a long. */
  private long longValue;

  private boolean fitsLong;

  private JsonScanner() {}

  /** A scanner over one document. */
  public JsonScanner(byte[] in) {
    open.set(true);
    reset(in);
  }

  /**
   * A scanner to read document after document with {@link #over}, by whoever holds it (a caller's
   * connection reads its requests and their answers with one): a scanner allocated per document was
   * most of a read's garbage.
   */
  public static JsonScanner reusable() {
    return new JsonScanner();
  }

  /**
   * This scanner over the document when it is free, else a scanner of its own. Close it when done
   * (the scanner then lets go of the document and is free again).
   */
  public JsonScanner over(byte[] document) {
    if (!open.compareAndSet(false, true)) {
      return new JsonScanner(document);
    }
    reset(document);
    return this;
  }

  private void reset(byte[] document) {
    in = document;
    end = document.length;
    pos = 0;
    expect = EXPECT_VALUE;
    depth = 0;
    objects = 0;
    token = null;
  }

  /** Done reading: the scanner keeps no reference to the document and is free again. */
  @Override
  public void close() {
    in = null;
    open.set(false);
  }

  /** The next token; after {@link Token#END} or {@link Token#FAILED}, that token again. */
  public Token next() {
    if (token == Token.FAILED || token == Token.END) {
      return token;
    }
    while (true) {
      skipWhitespace();
      if (expect == EXPECT_EOF) {
        return pos == end ? (token = Token.END) : fail();
      }
      if (pos == end) {
        return fail();
      }
      int c = in[pos];
      switch (expect) {
        case EXPECT_VALUE:
          return value(c);
        case EXPECT_VALUE_OR_END_ARRAY:
          return c == ']' ? close(false) : value(c);
        case EXPECT_NAME_OR_END_OBJECT:
          return c == '}' ? close(true) : name(c);
        case EXPECT_NAME:
          return name(c);
        default: // EXPECT_COMMA_OR_END
          boolean inObject = inObject();
          if (c == ',') {
            pos++;
            expect = inObject ? EXPECT_NAME : EXPECT_VALUE;
            continue;
          }
          if (c == (inObject ? '}' : ']')) {
            return close(inObject);
          }
          return fail();
      }
    }
  }

  /**
   * After a {@link Token#START_OBJECT} or {@link Token#START_ARRAY}: reads to its end (checking all
   * of it) and returns the closing token, or FAILED. After any other token: that token.
   */
  public Token skipChildren() {
    if (token != Token.START_OBJECT && token != Token.START_ARRAY) {
      return token;
    }
    int outside = depth - 1;
    while (depth > outside) {
      if (next() == Token.FAILED) {
        return Token.FAILED;
      }
    }
    return token;
  }

  /** Where the current token starts (a string's opening quote). */
  public int tokenStart() {
    return tokenStart;
  }

  /**
   * Just after the current token (after a string's closing quote; after an object or array's
   * closing bracket once {@link #skipChildren()} reached it).
   */
  public int tokenEnd() {
    return tokenEnd;
  }

  /** The current field name is exactly these ASCII bytes. */
  public boolean nameIs(byte[] ascii) {
    int start = tokenStart + 1;
    int length = tokenEnd - 1 - start;
    if (length != ascii.length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (in[start + i] != ascii[i]) {
        return false;
      }
    }
    return true;
  }

  /** The current string's length in UTF-16 units (as {@code String.length()} of its value). */
  public int stringLength() {
    return utf16Length;
  }

  /** The current string's value, escapes decoded. */
  public String stringValue() {
    return JsonText.decode(in, tokenStart + 1, tokenEnd - 1, escaped, utf16Length);
  }

  /** The current {@link Token#NUMBER_INT} fits a long. */
  public boolean fitsLong() {
    return fitsLong;
  }

  /** The current {@link Token#NUMBER_INT} fits an int. */
  public boolean fitsInt() {
    return fitsLong && longValue >= Integer.MIN_VALUE && longValue <= Integer.MAX_VALUE;
  }

  /** The current {@link Token#NUMBER_INT}'s value; only when {@link #fitsLong()}. */
  public long longValue() {
    return longValue;
  }

  /**
   * The current number's value as a double: an integer that fits a long converted from it (-0 is
   * 0), any other number as {@link Double#parseDouble} reads its text (as Jackson does).
   */
  public double doubleValue() {
    if (token == Token.NUMBER_INT && fitsLong) {
      return longValue;
    }
    return Double.parseDouble(
        new String(in, tokenStart, tokenEnd - tokenStart, StandardCharsets.ISO_8859_1));
  }

  /** Reads the integer in [tokenStart, tokenEnd) into longValue and fitsLong. */
  private void readLong() {
    int p = tokenStart;
    boolean negative = in[p] == '-';
    if (negative) {
      p++;
    }
    long value = 0; // accumulated negative: Long.MIN_VALUE has no positive counterpart
    fitsLong = true;
    if (tokenEnd - p <= 18) { // cannot overflow
      for (; p < tokenEnd; p++) {
        value = value * 10 - (in[p] - '0');
      }
    } else {
      try {
        for (; p < tokenEnd; p++) {
          value = Math.subtractExact(Math.multiplyExact(value, 10), in[p] - '0');
        }
      } catch (ArithmeticException e) {
        fitsLong = false;
      }
      if (!negative && value == Long.MIN_VALUE) {
        fitsLong = false;
      }
    }
    longValue = negative ? value : -value;
  }

  private Token fail() {
    return token = Token.FAILED;
  }

  private void skipWhitespace() {
    while (pos < end) {
      byte c = in[pos];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      pos++;
    }
  }

  private boolean inObject() {
    return (objects >>> (depth - 1) & 1L) != 0;
  }

  private void afterValue() {
    expect = depth == 0 ? EXPECT_EOF : EXPECT_COMMA_OR_END;
  }

  private Token value(int c) {
    tokenStart = pos;
    switch (c) {
      case '{':
        return open(true);
      case '[':
        return open(false);
      case '"':
        if (!string()) {
          return fail();
        }
        afterValue();
        return token = Token.STRING;
      case 't':
        return literal("true", Token.TRUE);
      case 'f':
        return literal("false", Token.FALSE);
      case 'n':
        return literal("null", Token.NULL);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        return fail();
    }
  }

  private Token open(boolean object) {
    if (depth == MAX_DEPTH) {
      return fail();
    }
    if (object) {
      objects |= 1L << depth;
    } else {
      objects &= ~(1L << depth);
    }
    depth++;
    pos++;
    tokenEnd = pos;
    expect = object ? EXPECT_NAME_OR_END_OBJECT : EXPECT_VALUE_OR_END_ARRAY;
    return token = object ? Token.START_OBJECT : Token.START_ARRAY;
  }

  private Token close(boolean object) {
    depth--;
    tokenStart = pos;
    pos++;
    tokenEnd = pos;
    afterValue();
    return token = object ? Token.END_OBJECT : Token.END_ARRAY;
  }

  private Token name(int c) {
    tokenStart = pos;
    if (c != '"' || !string() || escaped || tokenEnd - tokenStart - 2 > MAX_NAME_LENGTH) {
      return fail();
    }
    skipWhitespace();
    if (pos == end || in[pos] != ':') {
      return fail();
    }
    pos++;
    expect = EXPECT_VALUE;
    return token = Token.FIELD_NAME;
  }

  private Token literal(String text, Token literal) {
    int length = text.length();
    if (end - pos < length) {
      return fail();
    }
    for (int i = 0; i < length; i++) {
      if (in[pos + i] != text.charAt(i)) {
        return fail();
      }
    }
    pos += length;
    tokenEnd = pos;
    afterValue();
    return token = literal;
  }

  private Token number() {
    int p = JsonText.numberEnd(in, pos, end);
    if (p < 0 || p - pos > MAX_NUMBER_LENGTH) {
      return fail();
    }
    boolean fraction = false;
    for (int i = pos; i < p && !fraction; i++) {
      fraction = in[i] == '.' || in[i] == 'e' || in[i] == 'E';
    }
    pos = p;
    tokenEnd = p;
    afterValue();
    if (fraction) {
      return token = Token.NUMBER_FLOAT;
    }
    readLong();
    return token = Token.NUMBER_INT;
  }

  /**
   * Reads the string that starts at pos (its opening quote): checks escapes, control characters and
   * UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF), counts its UTF-16
   * units. False when any of that fails.
   */
  private boolean string() {
    int p = pos + 1;
    int units = 0;
    boolean escapes = false;
    while (true) {
      if (p >= end) {
        return false;
      }
      int b = in[p] & 0xff;
      if (b == '"') {
        break;
      }
      if (b == '\\') {
        if (p + 1 >= end) {
          return false;
        }
        escapes = true;
        switch (in[p + 1]) {
          case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> p += 2;
          case 'u' -> {
            if (p + 6 > end || !JsonText.hex(in, p + 2, 4)) {
              return false;
            }
            p += 6;
          }
          default -> {
            return false;
          }
        }
        units++;
      } else if (b < 0x20) {
        return false;
      } else if (b < 0x80) {
        p++;
        units++;
      } else {
        int length = JsonText.utf8Sequence(in, p, end, b);
        if (length == 0) {
          return false;
        }
        p += length;
        units += length == 4 ? 2 : 1;
      }
    }
    escaped = escapes;
    utf16Length = units;
    pos = p + 1;
    tokenEnd = pos;
    return true;
  }
}
