package dev.regionrouter.api.probe;

import dev.regionrouter.api.probe.ProbeStateMachine.Settings;
import dev.regionrouter.api.probe.ProbeStateMachine.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * One region's probe results, for the tests that feed the same samples to the operator's and the
 * router's probe paths ({@code ProbeAgreementTest} in both modules) and check that each turns them
 * into what the shared {@link ProbeStateMachine} says, step by step.
 */
public final class ProbeTrace {

  private ProbeTrace() {}

  /**
   * A probe's result.
   *
   * @param ok whether it answered well
   * @param micros its round trip in microseconds (fractions of a millisecond on purpose: both paths
   *     convert units)
   */
  public record Sample(boolean ok, long micros) {

    public double seconds() {
      return micros / 1e6;
    }

    public double millis() {
      return micros / 1e3;
    }
  }

  /**
   * What the shared state machine says after a sample.
   *
   * @param verdict the probes' verdict
   * @param latencySeconds the smoothed latency, NaN until measured
   * @param followUpDue whether the next probe comes soon
   */
  public record Step(Verdict verdict, double latencySeconds, boolean followUpDue) {}

  /**
   * A cold start, jitter, delayed probes, a lasting slowdown, a lone failure, an outage, a comeback
   * farther away, a flapping spell, and a recovery that needs more than one good probe.
   */
  public static List<Sample> samples() {
    List<Sample> samples = new ArrayList<>();
    ok(samples, 912_345); // cold: connection set-up, JIT
    ok(samples, 51_234, 49_876, 50_512, 52_001, 48_765, 50_010);
    ok(samples, 180_400, 175_250, 50_300); // two delayed probes (a GC, a busy CPU)
    ok(samples, 120_500, 121_000, 119_750, 120_250, 122_125); // a lasting slowdown
    failed(samples, 1);
    ok(samples, 121_111);
    failed(samples, 5); // an outage
    ok(samples, 240_600, 238_900, 241_375); // back, farther away
    failed(samples, 3);
    ok(samples, 90_125); // one good probe, then down again
    failed(samples, 3);
    ok(samples, 95_500, 93_250, 94_800, 92_600);
    return samples;
  }

  /** The shared state machine's steps for {@link #samples()} under the given settings. */
  public static List<Step> expected(Settings settings) {
    ProbeStateMachine probes = new ProbeStateMachine(settings);
    List<Step> steps = new ArrayList<>();
    for (Sample sample : samples()) {
      if (sample.ok()) {
        probes.success(sample.seconds());
      } else {
        probes.failure();
      }
      steps.add(new Step(probes.verdict(), probes.latencySeconds(), probes.followUpDue()));
    }
    return steps;
  }

  private static void ok(List<Sample> samples, long... micros) {
    for (long m : micros) {
      samples.add(new Sample(true, m));
    }
  }

  private static void failed(List<Sample> samples, int count) {
    for (int i = 0; i < count; i++) {
      samples.add(new Sample(false, 2_000_000));
    }
  }
}
