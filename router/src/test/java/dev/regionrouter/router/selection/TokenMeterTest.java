package dev.regionrouter.router.selection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenMeterTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final TokenMeter meter = new TokenMeter(now::get);

  @Test
  void countsTokensOverTheLastMinuteOnly() {
    meter.add("a", 500);
    now.addAndGet(30_000);
    meter.add("a", 300);
    assertThat(meter.usage("a")).isEqualTo(800);
    now.addAndGet(35_000); // the first 500 are now more than a minute old
    assertThat(meter.usage("a")).isEqualTo(300);
    now.addAndGet(60_000);
    assertThat(meter.usage("a")).isZero();
  }

  @Test
  void aReservationIsCorrectedByTheTokensTheServingRegionReports() {
    meter.add("planned", 1_000); // estimate from max_tokens, reserved on the region planned first
    meter.settle("planned", 1_000, "served", 240);
    assertThat(meter.usage("planned")).isZero();
    assertThat(meter.usage("served")).isEqualTo(240);
  }

  @Test
  void aReleasedReservationLeavesNothingBehind() {
    meter.add("hedged", 400); // a hedge leg's reservation
    meter.add("hedged", 50); // other traffic on the same region
    now.addAndGet(7_000); // released in a later bucket than it was reserved in
    meter.release("hedged", 400);
    assertThat(meter.usage("hedged")).isEqualTo(50);
  }

  @Test
  void forgetsRegionsThatLeftTheTable() {
    meter.add("gone", 10);
    meter.add("kept", 10);
    meter.retain(Set.of("kept"));
    assertThat(meter.usage("gone")).isZero();
    assertThat(meter.usage("kept")).isEqualTo(10);
  }
}
