package dev.regionrouter.router.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.router.support.RouterSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EjectionTest {

  private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
  private final Ejections listed = new Ejections();
  private final RegionHealth region =
      new RegionHealth("http://r", RouterSettings.HEALTH, 3, 2, 0.3, Clock.systemUTC());
  private final Ejection ejection = new Ejection(RouterSettings.HEALTH, listed, region);

  private void ejectAt(Instant now) {
    ejection.failed(now);
    ejection.failed(now);
    assertThat(ejection.failed(now)).isTrue();
  }

  @Test
  void consecutiveFailuresEjectAndListTheRegionUntilTheEjectionEndsHalfOpen() {
    assertThat(ejection.failed(t0)).isFalse();
    assertThat(ejection.failed(t0)).isFalse();
    assertThat(ejection.failed(t0)).isTrue();
    assertThat(ejection.until()).isEqualTo(t0.plusSeconds(30));
    assertThat(listed.current()).containsExactly(region);
    assertThat(ejection.expire(t0.plusSeconds(29))).isFalse();
    assertThat(ejection.expire(t0.plusSeconds(30))).isTrue();
    assertThat(ejection.until()).isNull();
    assertThat(ejection.halfOpen()).isTrue();
    assertThat(ejection.failures()).isZero();
    assertThat(listed.none()).isTrue();
    assertThat(ejection.failed(t0.plusSeconds(31))).as("half-open: one failure").isTrue();
    assertThat(ejection.until()).as("backoff: 2 x 30 s").isEqualTo(t0.plusSeconds(91));
  }

  @Test
  void failuresOlderThanTheExpiryNoLongerCount() {
    ejection.failed(t0);
    ejection.failed(t0);
    assertThat(ejection.failed(t0.plusSeconds(61))).isFalse();
    assertThat(ejection.failures()).isEqualTo(1);
  }

  @Test
  void aSuccessEndsTheEjectionAndTheBackoffStartsOverAfterACleanSpell() {
    ejectAt(t0);
    assertThat(ejection.succeeded(t0.plusSeconds(5))).isTrue();
    assertThat(ejection.until()).isNull();
    assertThat(listed.none()).isTrue();
    assertThat(ejection.succeeded(t0.plusSeconds(6))).as("nothing left to change").isFalse();
    ejectAt(t0.plusSeconds(306));
    assertThat(ejection.ejections()).as("clean for longer than 300 s").isEqualTo(1);
  }

  @Test
  void oneTrialEveryHalfOpenInterval() {
    ejectAt(t0);
    assertThat(ejection.trialDue(t0.plusSeconds(4))).isFalse();
    assertThat(ejection.tryTrial(t0.plusSeconds(5))).isTrue();
    assertThat(ejection.tryTrial(t0.plusSeconds(6))).isFalse();
    assertThat(ejection.trialDue(t0.plusSeconds(10))).isTrue();
  }

  @Test
  void probesThatSawTheRegionDownAndUpEndTheEjectionHalfOpen() {
    ejectAt(t0);
    assertThat(ejection.endIfProbesSawRecovery()).as("no failed probe since").isFalse();
    ejection.probeFailed();
    assertThat(ejection.endIfProbesSawRecovery()).isTrue();
    assertThat(ejection.until()).isNull();
    assertThat(ejection.halfOpen()).isTrue();
    assertThat(listed.none()).isTrue();
  }

  @Test
  void aVerdictBackToHealthyClearsEverything() {
    ejectAt(t0);
    ejection.clear();
    assertThat(ejection.until()).isNull();
    assertThat(ejection.halfOpen()).isFalse();
    assertThat(ejection.failures()).isZero();
    assertThat(listed.none()).isTrue();
  }

  @Test
  void aForgottenRegionIsNoLongerListed() {
    ejectAt(t0);
    ejection.forget();
    assertThat(listed.none()).isTrue();
    assertThat(ejection.trialDue(t0.plus(Duration.ofSeconds(5)))).as("still ejected").isTrue();
  }
}
