package dev.regionrouter.router.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Writes an answer's numbers as Java writes them, without making the strings: a long as {@link
 * Long#toString}, and a double that was rounded to a few decimal places (a latency in ms to 3, a
 * cost in USD to 8) as {@link Double#toString}.
 *
 * <p>Why the text is the same: such a value is the double nearest to k / 10^places for an integer
 * k, and no other decimal of at most 17 digits is that close to it, so k's digits (trailing zeros
 * dropped) are the shortest decimal that reads back as the value, which is what {@link
 * Double#toString} prints, in plain notation from 10^-3 up to 10^7 and in computerized scientific
 * notation outside. Any other value (not so rounded, negative, not finite, too large) is written by
 * {@link Double#toString} itself.
 */
final class DecimalText {

  private static final long[] POWERS = new long[19];

  static {
    POWERS[0] = 1;
    for (int i = 1; i < POWERS.length; i++) {
      POWERS[i] = POWERS[i - 1] * 10;
    }
  }

  /** Below 2^53 every integer is a double: k / 10^places is then one correctly rounded division. */
  private static final long MAX_EXACT = 1L << 53;

  private DecimalText() {}

  /** Writes the value (rounded to at most {@code places} decimals, 0-15) as Double.toString. */
  static void write(ByteBuf out, double value, int places) {
    if (Double.doubleToRawLongBits(value) == 0) {
      out.writeBytes(ZERO); // 0.0 (and not -0.0)
      return;
    }
    double scale = POWERS[places];
    long k = Math.round(value * scale);
    if (!(value > 0) || k >= MAX_EXACT || k / scale != value) {
      ByteBufUtil.writeAscii(out, Double.toString(value));
      return;
    }
    int exponent = -places; // value = k * 10^exponent
    while (k % 10 == 0) {
      k /= 10;
      exponent++;
    }
    int digits = digits(k);
    int magnitude = digits - 1 + exponent; // value = d.ddd * 10^magnitude
    if (magnitude >= -3 && magnitude < 7) {
      writePlain(out, k, digits, exponent);
    } else {
      writeScientific(out, k, digits, magnitude);
    }
  }

  private static final byte[] ZERO = {'0', '.', '0'};

  /** 1234 * 10^-2 -> "12.34"; 5 * 10^1 -> "50.0"; 5 * 10^-3 -> "0.005". */
  private static void writePlain(ByteBuf out, long k, int digits, int exponent) {
    if (exponent >= 0) {
      writeDigits(out, k, digits);
      for (int i = 0; i < exponent; i++) {
        out.writeByte('0');
      }
      out.writeByte('.').writeByte('0');
      return;
    }
    int fraction = -exponent;
    if (digits > fraction) {
      long whole = k / POWERS[fraction];
      writeDigits(out, whole, digits - fraction);
    } else {
      out.writeByte('0');
    }
    out.writeByte('.');
    for (int i = digits; i < fraction; i++) {
      out.writeByte('0');
    }
    int shown = Math.min(digits, fraction);
    writeDigits(out, k % POWERS[shown], shown);
  }

  /** 123 * 10^-7 -> "1.23E-5"; 5 * 10^-9 -> "5.0E-9". */
  private static void writeScientific(ByteBuf out, long k, int digits, int magnitude) {
    writeDigits(out, k / POWERS[digits - 1], 1);
    out.writeByte('.');
    if (digits == 1) {
      out.writeByte('0');
    } else {
      writeDigits(out, k % POWERS[digits - 1], digits - 1);
    }
    out.writeByte('E');
    if (magnitude < 0) {
      out.writeByte('-');
    }
    int m = Math.abs(magnitude);
    writeDigits(out, m, digits(m));
  }

  /** A long in decimal, as Long.toString (and Jackson) writes it. */
  static void writeLong(ByteBuf out, long value) {
    if (value < 0) {
      ByteBufUtil.writeAscii(out, Long.toString(value)); // rare: no count here is negative
      return;
    }
    writeDigits(out, value, digits(value));
  }

  /** The number's digits, left-padded with zeros to {@code width}. */
  private static void writeDigits(ByteBuf out, long value, int width) {
    for (int i = width - 1; i >= 0; i--) {
      out.writeByte((int) ('0' + value / POWERS[i] % 10));
    }
  }

  private static int digits(long value) {
    int digits = 1;
    while (digits < POWERS.length && value >= POWERS[digits]) {
      digits++;
    }
    return digits;
  }
}
