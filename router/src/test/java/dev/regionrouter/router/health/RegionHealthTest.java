package dev.regionrouter.router.health;

import static dev.regionrouter.router.support.RouterSettings.HEALTH;
import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.router.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RegionHealthTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final RegionHealth health = new RegionHealth("http://r", HEALTH, 3, 2, 0.3, clock);

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  @Test
  void startsHealthyWithUnknownLatency() {
    assertThat(health.view().available()).isTrue();
    assertThat(health.view().latencySeconds()).isNaN();
  }

  @Test
  void threeFailedProbesMarkUnhealthyAndTwoGoodOnesRestore() {
    assertThat(health.recordProbe(false, ms(1))).isFalse();
    assertThat(health.recordProbe(false, ms(1))).isFalse();
    assertThat(health.recordProbe(false, ms(1))).isTrue();
    assertThat(health.view().available()).isFalse();
    assertThat(health.recordProbe(true, ms(50))).isFalse();
    assertThat(health.view().available()).isFalse();
    assertThat(health.recordProbe(true, ms(50))).isTrue();
    assertThat(health.view().available()).isTrue();
  }

  @Test
  void firstProbeLatencyIsProvisionalThenSmoothed() {
    health.recordProbe(true, ms(500)); // cold connection
    assertThat(health.view().latencySeconds()).isEqualTo(0.5);
    health.recordProbe(true, ms(50));
    assertThat(health.view().latencySeconds()).isEqualTo(0.05);
    health.recordProbe(true, ms(70)); // window full: its minimum is the latency
    assertThat(health.view().latencySeconds()).isEqualTo(0.05);
    health.recordProbe(true, ms(150));
    health.recordProbe(true, ms(150));
    // the 50 ms sample left the window; min(70, 150, 150) = 70 averages in at 0.3
    assertThat(health.view().latencySeconds())
        .isCloseTo(0.056, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void delayedProbesOnABusyMachineDoNotReorderRegionsTenMillisecondsApart() {
    RegionHealth near = new RegionHealth("http://near", HEALTH, 3, 2, 0.3, clock);
    RegionHealth far = new RegionHealth("http://far", HEALTH, 3, 2, 0.3, clock);
    // startup: the first probes pay for cold connections and JIT, one more is delayed by a GC
    long[] nearSamples = {400, 95, 61, 60, 62, 140, 60, 61, 180, 175, 60, 61, 60};
    long[] farSamples = {380, 72, 70, 71, 70, 70, 72, 70, 70, 71, 70, 70, 71};
    for (int i = 0; i < nearSamples.length; i++) {
      near.recordProbe(true, ms(nearSamples[i]));
      far.recordProbe(true, ms(farSamples[i]));
      if (i >= 2) {
        assertThat(near.view().latencySeconds())
            .as("after probe %d", i + 1)
            .isLessThan(far.view().latencySeconds());
      }
    }
  }

  @Test
  void steadyProbesDoNotMoveTheRegionInPlansButARealChangeDoes() {
    for (int i = 0; i < 5; i++) {
      health.recordProbe(true, ms(50));
    }
    long version = health.version();
    for (int i = 0; i < 20; i++) {
      health.recordProbe(true, ms(50 + i % 3)); // a steady region: 50-52 ms
    }
    assertThat(health.version()).as("no ranking rebuild per probe").isEqualTo(version);
    for (int i = 0; i < RegionHealth.PROBE_WINDOW; i++) {
      health.recordProbe(true, ms(100));
    }
    assertThat(health.version()).as("a region that became slower").isGreaterThan(version);
    version = health.version();
    health.recordProbe(false, ms(1000));
    health.recordProbe(false, ms(1000));
    assertThat(health.version()).as("counting toward a verdict").isEqualTo(version);
    assertThat(health.recordProbe(false, ms(1000))).isTrue();
    assertThat(health.version()).as("the verdict").isGreaterThan(version);
  }

  @Test
  void streamHeadsFeedTheSmoothedLatencyAndMovePlansOnlyWhenItMoved() {
    for (int i = 0; i < 3; i++) {
      health.recordProbe(true, ms(50));
    }
    long version = health.version();
    health.recordStreamHead(ms(150));
    assertThat(health.view().latencySeconds())
        .isCloseTo(0.08, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(health.version()).as("a real change reaches the plans").isGreaterThan(version);
    for (int i = 0; i < 30; i++) {
      health.recordStreamHead(ms(80));
    }
    version = health.version();
    health.recordStreamHead(ms(80)); // the latency stays where it is
    assertThat(health.version())
        .as("a steady stream of samples does not rebuild the ranking")
        .isEqualTo(version);
    // real traffic's answers that are not streams (their time includes generation) do not feed it
    health.recordSuccess(ms(2000));
    assertThat(health.view().latencySeconds())
        .isCloseTo(0.08, org.assertj.core.data.Offset.offset(1e-3));
  }

  @Test
  void regionThatReallyBecameSlowerIsFollowedWithinTheWindow() {
    for (int i = 0; i < 5; i++) {
      health.recordProbe(true, ms(50));
    }
    for (int i = 0; i < RegionHealth.PROBE_WINDOW; i++) {
      health.recordProbe(true, ms(300));
    }
    assertThat(health.view().latencySeconds()).isGreaterThan(0.1);
  }

  @Test
  void regionFoundDownIsMeasuredAfreshWhenItReturns() {
    for (int i = 0; i < 5; i++) {
      health.recordProbe(true, ms(50));
    }
    health.recordProbe(false, ms(400)); // one timeout: noise, the measurement stays
    health.recordProbe(true, ms(90));
    assertThat(health.view().latencySeconds())
        .isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-9));
    for (int i = 0; i < 3; i++) {
      health.recordProbe(false, ms(1));
    }
    health.recordProbe(true, ms(120)); // the region came back somewhere farther
    assertThat(health.view().latencySeconds()).isEqualTo(0.12);
  }

  @Test
  void consecutiveFailuresEjectForBaseTimeThenHalfOpen() {
    health.recordFailure();
    health.recordFailure();
    assertThat(health.recordFailure()).isEqualTo(RegionHealth.FailureEffect.EJECTED);
    HealthView ejected = health.view();
    assertThat(ejected.available()).isFalse();
    assertThat(ejected.ejectedUntil()).isEqualTo(clock.instant().plusSeconds(30));
    clock.advance(Duration.ofSeconds(30));
    HealthView after = health.view();
    assertThat(after.available()).isTrue();
    assertThat(after.halfOpen()).isTrue();
    assertThat(after.failureCount()).isZero();
  }

  @Test
  void timeoutsOfAttemptsPinnedOnAnOutageDoNotEjectTheRegionOnceProbesSawItRecover() {
    // the region hangs: probes fail, real attempts hang on it
    for (int i = 0; i < 3; i++) {
      health.recordProbe(false, Duration.ofSeconds(1));
    }
    assertThat(health.view().activeHealthy()).isFalse();
    clock.advance(Duration.ofSeconds(7));
    // it recovers: two good probes
    health.recordProbe(true, Duration.ofMillis(50));
    health.recordProbe(true, Duration.ofMillis(50));
    assertThat(health.view().available()).isTrue();
    // the attempts that started 15 s ago, during the outage, time out now
    clock.advance(Duration.ofSeconds(8));
    for (int i = 0; i < 32; i++) {
      assertThat(health.recordTimeout(Duration.ofSeconds(15)))
          .isEqualTo(RegionHealth.FailureEffect.STALE);
    }
    assertThat(health.view().available()).as("not ejected by stale timeouts").isTrue();
    // an attempt that started after the recovery and timed out still counts
    assertThat(health.recordTimeout(Duration.ofSeconds(2)))
        .isEqualTo(RegionHealth.FailureEffect.COUNTED);
  }

  @Test
  void failureInHalfOpenEjectsAgainForLongerCappedAt300s() {
    for (int i = 0; i < 3; i++) {
      health.recordFailure();
    }
    for (int n = 2; n <= 12; n++) {
      clock.advance(Duration.ofSeconds(300));
      assertThat(health.recordFailure()).isEqualTo(RegionHealth.FailureEffect.EJECTED);
      long expected = Math.min(30L * n, 300);
      assertThat(health.view().ejectedUntil()).isEqualTo(clock.instant().plusSeconds(expected));
    }
  }

  @Test
  void successInHalfOpenRestoresAndEjectionCountStartsOverAfterACleanSpell() {
    for (int i = 0; i < 3; i++) {
      health.recordFailure();
    }
    clock.advance(Duration.ofSeconds(30));
    health.recordSuccess(ms(10));
    assertThat(health.view().halfOpen()).isFalse();
    clock.advance(Duration.ofSeconds(301));
    for (int i = 0; i < 3; i++) {
      health.recordFailure();
    }
    assertThat(health.view().ejections()).isEqualTo(1);
    assertThat(health.view().ejectedUntil()).isEqualTo(clock.instant().plusSeconds(30));
  }

  @Test
  void successResetsConsecutiveFailures() {
    health.recordFailure();
    health.recordFailure();
    health.recordSuccess(ms(10));
    assertThat(health.recordFailure()).isEqualTo(RegionHealth.FailureEffect.COUNTED);
    assertThat(health.view().failureCount()).isEqualTo(1);
  }

  @Test
  void oldFailuresExpire() {
    health.recordFailure();
    health.recordFailure();
    clock.advance(Duration.ofSeconds(61));
    assertThat(health.recordFailure()).isEqualTo(RegionHealth.FailureEffect.COUNTED);
    assertThat(health.view().failureCount()).isEqualTo(1);
  }

  @Test
  void throttledRegionCoolsForRetryAfterWithoutCountingAFailure() {
    health.recordThrottled(Duration.ofSeconds(5));
    assertThat(health.view().cooling()).isTrue();
    assertThat(health.view().failureCount()).isZero();
    clock.advance(Duration.ofSeconds(5));
    assertThat(health.view().available()).isTrue();
  }

  @Test
  void throttleWithoutRetryAfterUsesDefaultAndHugeRetryAfterIsCapped() {
    health.recordThrottled(null);
    assertThat(health.view().coolingUntil()).isEqualTo(clock.instant().plusSeconds(1));
    health.recordThrottled(Duration.ofDays(1));
    assertThat(health.view().coolingUntil()).isEqualTo(clock.instant().plusSeconds(300));
  }

  @Test
  void probeConfirmedRecoveryEndsAnEjectionEarly() {
    for (int i = 0; i < 3; i++) {
      health.recordFailure();
    }
    health.recordProbe(false, ms(1));
    health.recordProbe(true, ms(50));
    assertThat(health.view().ejected()).isTrue();
    health.recordProbe(true, ms(50));
    assertThat(health.view().ejected()).isFalse();
    assertThat(health.view().halfOpen()).isTrue();
  }

  @Test
  void anEjectedRegionGetsOneTrialEveryHalfOpenIntervalAndASuccessfulOneEndsTheEjection() {
    for (int i = 0; i < 3; i++) {
      health.recordFailure();
    }
    assertThat(health.view().ejected()).isTrue();
    assertThat(health.tryEjectionTrial()).as("not before the interval").isFalse();
    clock.advance(Duration.ofSeconds(5));
    assertThat(health.tryEjectionTrial()).isTrue();
    assertThat(health.tryEjectionTrial()).as("one trial per interval").isFalse();
    // the trial meets the outage: counted, but the ejection neither ends nor grows
    Instant until = health.view().ejectedUntil();
    health.recordFailure();
    assertThat(health.view().ejectedUntil()).isEqualTo(until);
    clock.advance(Duration.ofSeconds(5));
    assertThat(health.tryEjectionTrial()).isTrue();
    health.recordSuccess(ms(20));
    assertThat(health.view().ejected()).as("a successful trial ends the ejection").isFalse();
    assertThat(health.view().available()).isTrue();
    assertThat(health.tryEjectionTrial()).isFalse();
  }

  @Test
  void aTimeoutIsAFailureButNotALatencySample() {
    health.recordProbe(true, ms(50));
    double before = health.view().latencySeconds();
    assertThat(health.recordTimeout(Duration.ofSeconds(15)))
        .isEqualTo(RegionHealth.FailureEffect.COUNTED);
    assertThat(health.view().failureCount()).isEqualTo(1);
    assertThat(health.view().latencySeconds()).isEqualTo(before);
  }

  @Test
  void goodProbesDoNotUnejectARegionWhoseProbesNeverFailed() {
    // health endpoint fine, inference endpoint hanging: passive ejection must hold
    for (int i = 0; i < 3; i++) {
      health.recordTimeout(Duration.ofSeconds(1));
    }
    for (int i = 0; i < 5; i++) {
      health.recordProbe(true, ms(50));
    }
    assertThat(health.view().ejected()).isTrue();
  }

  @Test
  void inFlightRespectsCapacity() {
    assertThat(health.tryAcquire(2)).isTrue();
    assertThat(health.tryAcquire(2)).isTrue();
    assertThat(health.tryAcquire(2)).isFalse();
    health.release();
    assertThat(health.tryAcquire(2)).isTrue();
    assertThat(health.tryAcquire(null)).isTrue();
    assertThat(health.view().inFlight()).isEqualTo(3);
  }

  @Test
  void aRegionHoldingRequestsItDoesNotAnswerIsStalledUntilItAnswersAgain() {
    assertThat(health.tryAcquire(null)).isTrue();
    clock.advance(ms(900));
    assertThat(health.stalled()).as("within stallAfter (1 s)").isFalse();
    clock.advance(ms(200));
    assertThat(health.stalled()).isTrue();
    assertThat(health.tryTrial()).as("one trial").isTrue();
    assertThat(health.tryTrial()).as("not two in the same second").isFalse();
    clock.advance(ms(1_000));
    assertThat(health.tryTrial()).isTrue();
    health.recordAnswer(ms(10));
    assertThat(health.stalled()).as("it answered").isFalse();
    health.release();
    assertThat(health.stalled()).as("nothing in flight").isFalse();
  }

  @Test
  void aSlowRegionIsNotStalledWithinFourTimesItsUsualAnswerTime() {
    health.recordSuccess(ms(3_000)); // answers take 3 s here
    assertThat(health.tryAcquire(null)).isTrue();
    clock.advance(ms(11_000));
    assertThat(health.stalled()).isFalse();
    clock.advance(ms(1_100));
    assertThat(health.stalled()).isTrue();
    assertThat(health.trialTimeout()).isEqualTo(ms(6_000));
    assertThat(health.holdLimit()).isEqualTo(ms(12_000));
  }

  @Test
  void aRegionARequestWasMovedOnFromStaysStalledUntilItAnswers() {
    health.recordSuccess(ms(10));
    assertThat(health.stalled()).isFalse();
    health.recordHeldOut();
    assertThat(health.view().inFlight()).isZero();
    assertThat(health.stalled()).as("nothing in flight any more, still stalled").isTrue();
    clock.advance(Duration.ofMinutes(1));
    assertThat(health.stalled()).isTrue();
    health.recordAnswer(ms(10));
    assertThat(health.stalled()).as("any answer ends it").isFalse();
  }

  @Test
  void noHoldLimitUntilTheUsualAnswerTimeIsKnown() {
    assertThat(health.holdLimit()).as("a first long answer must not be cut").isNull();
    health.recordSuccess(ms(10));
    assertThat(health.holdLimit())
        .as("stallAfter, when longer than 4 x usual")
        .isEqualTo(ms(1_000));
    assertThat(health.quietFor(ms(500)))
        .as("no answer yet: quiet since the attempt started")
        .isEqualTo(ms(500));
    health.recordAnswer(ms(10));
    assertThat(health.quietFor(ms(500))).as("quiet since its last answer").isZero();
    clock.advance(ms(200));
    assertThat(health.quietFor(ms(500))).isEqualTo(ms(200));
    assertThat(health.quietFor(ms(100))).as("an attempt younger than the quiet").isEqualTo(ms(100));
  }

  @Test
  void aTimeoutOfARequestSentBeforeALaterAnsweredOneIsStale() {
    health.tryAcquire(null);
    clock.advance(ms(500));
    health.recordAnswer(ms(100)); // a request sent 100 ms ago was answered: the region works
    clock.advance(ms(14_500));
    // the request held since the start times out after its 15 s: it was sent before that answer
    assertThat(health.recordTimeout(ms(15_000))).isEqualTo(RegionHealth.FailureEffect.STALE);
    assertThat(health.view().failureCount()).isZero();
    // one sent after the last answer and timed out counts
    assertThat(health.recordTimeout(ms(1_000))).isEqualTo(RegionHealth.FailureEffect.COUNTED);
  }
}
