package dev.regionrouter.router.json;

import java.nio.charset.StandardCharsets;

/** The byte-level rules {@link JsonScanner} reads by: numbers, UTF-8, escapes. */
final class JsonText {

  private JsonText() {}

  /**
   * Where the number that starts at {@code pos} ends, by RFC 8259's grammar {@code
   * -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}; -1 when it does not match.
   */
  static int numberEnd(byte[] in, int pos, int end) {
    int p = pos;
    if (in[p] == '-') {
      p++;
    }
    if (p < end && in[p] == '0') {
      p++;
    } else {
      int digits = digits(in, p, end);
      if (digits == 0) {
        return -1;
      }
      p += digits;
    }
    if (p < end && in[p] == '.') {
      int digits = digits(in, p + 1, end);
      if (digits == 0) {
        return -1;
      }
      p += 1 + digits;
    }
    if (p < end && (in[p] == 'e' || in[p] == 'E')) {
      p++;
      if (p < end && (in[p] == '+' || in[p] == '-')) {
        p++;
      }
      int digits = digits(in, p, end);
      if (digits == 0) {
        return -1;
      }
      p += digits;
    }
    return p;
  }

  private static int digits(byte[] in, int from, int end) {
    int p = from;
    while (p < end && in[p] >= '0' && in[p] <= '9') {
      p++;
    }
    return p - from;
  }

  /**
   * The length of the well-formed UTF-8 sequence at p whose first byte is b (>= 0x80), or 0 (RFC
   * 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
   */
  static int utf8Sequence(byte[] in, int p, int end, int b) {
    int length;
    int low = 0x80;
    int high = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      length = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      length = 3;
      if (b == 0xE0) {
        low = 0xA0; // no overlong form
      } else if (b == 0xED) {
        high = 0x9F; // no surrogate
      }
    } else if (b >= 0xF0 && b <= 0xF4) {
      length = 4;
      if (b == 0xF0) {
        low = 0x90;
      } else if (b == 0xF4) {
        high = 0x8F; // nothing past U+10FFFF
      }
    } else {
      return 0;
    }
    if (p + length > end) {
      return 0;
    }
    int second = in[p + 1] & 0xff;
    if (second < low || second > high) {
      return 0;
    }
    for (int i = 2; i < length; i++) {
      if ((in[p + i] & 0xC0) != 0x80) {
        return 0;
      }
    }
    return length;
  }

  /** The {@code count} bytes from p are hexadecimal digits. */
  static boolean hex(byte[] in, int p, int count) {
    for (int i = p; i < p + count; i++) {
      int c = in[i];
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The value of the string whose content (quotes excluded) is [start, stop), already checked by
   * the scanner; escaped: it has escapes; units: its length in UTF-16 units.
   */
  static String decode(byte[] in, int start, int stop, boolean escaped, int units) {
    if (!escaped) {
      return new String(in, start, stop - start, StandardCharsets.UTF_8);
    }
    StringBuilder out = new StringBuilder(units);
    int run = start;
    int p = start;
    while (p < stop) {
      if (in[p] != '\\') {
        p++;
        continue;
      }
      out.append(new String(in, run, p - run, StandardCharsets.UTF_8));
      byte e = in[p + 1];
      switch (e) {
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' ->
            out.append(
                (char) Integer.parseInt(new String(in, p + 2, 4, StandardCharsets.ISO_8859_1), 16));
        default -> out.append((char) e); // " \ /
      }
      p += e == 'u' ? 6 : 2;
      run = p;
    }
    out.append(new String(in, run, stop - run, StandardCharsets.UTF_8));
    return out.toString();
  }
}
