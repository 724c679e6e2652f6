package dev.regionrouter.router.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;

class AsciiHeadersTest {

  @Test
  void countsAreTheirDecimalText() {
    for (int n : new int[] {0, 1, 9, 16, 17, 250, -1}) {
      assertThat(AsciiHeaders.count(n).toString()).isEqualTo(Integer.toString(n));
    }
    assertThat(AsciiHeaders.count(3))
        .isInstanceOf(AsciiString.class)
        .isSameAs(AsciiHeaders.count(3));
  }

  @Test
  void knownAndRepeatedValuesKeepTheirText() {
    assertThat(AsciiHeaders.known("application/json").toString()).isEqualTo("application/json");
    assertThat(AsciiHeaders.known("not-a-known-value")).isEqualTo("not-a-known-value");
    CharSequence region = AsciiHeaders.repeated("eu-west-1");
    assertThat(region.toString()).isEqualTo("eu-west-1");
    assertThat(AsciiHeaders.repeated("eu-west-1")).isSameAs(region);
  }
}
