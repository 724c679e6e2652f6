package dev.regionrouter.router.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LatencyWindowTest {

  private final AtomicLong now = new AtomicLong(0);
  private final LatencyWindow window = new LatencyWindow(100, 8, 60_000, now::get);

  @Test
  void theSlowestSampleStandsInUntilEnoughAreKnown() {
    assertThat(window.quantile("a", 0.5)).isNaN();
    window.record("a", 0.3);
    assertThat(window.quantile("a", 0.5)).isEqualTo(0.3);
    for (int i = 0; i < 6; i++) {
      window.record("a", 0.1);
    }
    assertThat(window.quantile("a", 0.5)).isEqualTo(0.3); // 7 samples: still the slowest
    window.record("a", 0.1);
    assertThat(window.quantile("a", 0.5)).isEqualTo(0.1); // 8: the quantile
    assertThat(window.quantile("unknown", 0.9)).isNaN();
  }

  @Test
  void quantileOfTheLastSamples() {
    for (int i = 1; i <= 100; i++) {
      window.record("a", i / 1000.0);
    }
    assertThat(window.quantile("a", 0.9)).isCloseTo(0.090, within(1e-9));
    assertThat(window.quantile("a", 0.5)).isCloseTo(0.050, within(1e-9));
    // the ring keeps the last 100: 100 more slow samples replace them all
    for (int i = 0; i < 100; i++) {
      window.record("a", 1.0);
    }
    now.addAndGet(1_000); // the cached quantile is refreshed at least every second
    assertThat(window.quantile("a", 0.5)).isEqualTo(1.0);
  }

  @Test
  void oldSamplesAreForgotten() {
    for (int i = 0; i < 10; i++) {
      window.record("a", 0.5);
    }
    now.addAndGet(61_000);
    assertThat(window.quantile("a", 0.9)).isNaN();
    assertThat(window.samples("a")).isZero();
  }
}
