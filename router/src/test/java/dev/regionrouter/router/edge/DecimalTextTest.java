package dev.regionrouter.router.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The answer's numbers, written without a string, read exactly as Double.toString writes them. */
class DecimalTextTest {

  private static String written(double value, int places) {
    ByteBuf out = Unpooled.buffer();
    DecimalText.write(out, value, places);
    return out.toString(StandardCharsets.US_ASCII);
  }

  @Test
  void roundedLatenciesAndCostsReadAsDoubleToString() {
    Random random = new Random(42);
    for (int places : new int[] {3, 8}) {
      for (int i = 0; i < 200_000; i++) {
        double raw = Math.pow(10, random.nextDouble() * 16 - 9) * random.nextDouble();
        double value = InferenceEndpoint.round(raw, places);
        assertThat(written(value, places)).as("%s", raw).isEqualTo(Double.toString(value));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      doubles = {
        0.0,
        0.001,
        0.01,
        0.1,
        1.0,
        10.0,
        0.005,
        1.5,
        12.34,
        999.999,
        1000.0,
        9999999.999,
        1.0E7,
        1.2345678E7,
        1.0E-4,
        1.23E-5,
        5.0E-8,
        1.0E-8,
        0.00099999,
        123456789.0,
        4.0E15
      })
  void edgesOfBothNotations(double value) {
    for (int places : new int[] {3, 8}) {
      double rounded = InferenceEndpoint.round(value, places);
      assertThat(written(rounded, places)).isEqualTo(Double.toString(rounded));
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.1234567, -1.5, Double.NaN, Double.POSITIVE_INFINITY, 1.0E300, -0.0})
  void anyOtherValueIsWrittenByDoubleToString(double value) {
    assertThat(written(value, 3)).isEqualTo(Double.toString(value));
  }

  @ParameterizedTest
  @ValueSource(
      longs = {0, 7, 9, 10, 99, 100, 12345, 1_000_000_007L, Long.MAX_VALUE, -1, Long.MIN_VALUE})
  void longsReadAsLongToString(long value) {
    ByteBuf out = Unpooled.buffer();
    DecimalText.writeLong(out, value);
    assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo(Long.toString(value));
  }
}
