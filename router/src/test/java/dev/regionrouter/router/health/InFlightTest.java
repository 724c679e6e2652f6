package dev.regionrouter.router.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class InFlightTest {

  private final InFlight inFlight = new InFlight();
  private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void slotsAreBoundedByCapacityWhenOneIsSet() {
    assertThat(inFlight.tryAcquire(2, t0)).isTrue();
    assertThat(inFlight.tryAcquire(2, t0)).isTrue();
    assertThat(inFlight.tryAcquire(2, t0)).isFalse();
    assertThat(inFlight.tryAcquire(null, t0)).as("no capacity set").isTrue();
    assertThat(inFlight.count()).isEqualTo(3);
    inFlight.release();
    assertThat(inFlight.count()).isEqualTo(2);
  }

  @Test
  void busySinceIsWhenTheRegionWentFromIdleToBusy() {
    inFlight.tryAcquire(null, t0);
    inFlight.tryAcquire(null, t0.plusSeconds(1));
    assertThat(inFlight.busySince()).as("already busy").isEqualTo(t0);
    inFlight.release();
    inFlight.release();
    inFlight.tryAcquire(null, t0.plusSeconds(5));
    assertThat(inFlight.busySince()).isEqualTo(t0.plusSeconds(5));
  }
}
