package dev.regionrouter.router.selection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.health.HealthView;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SelectorTest {

  private static final RoutingPolicy REFERENCE = RoutingPolicy.reference();
  private static final Instant LATER = Instant.parse("2030-01-01T00:00:00Z");

  static Candidate region(String name, int priority, double cost, double latencySeconds) {
    return new Candidate(
        RegionEntry.of(name, "http://" + name, cost, priority, "aws"),
        HealthView.healthy(latencySeconds));
  }

  static Candidate with(Candidate c, HealthView view) {
    return new Candidate(c.entry(), view);
  }

  static HealthView unhealthy(double latency) {
    return new HealthView(false, null, null, latency, Double.NaN, 3, 0, 0, false);
  }

  static HealthView ejected(double latency) {
    return new HealthView(true, LATER, null, latency, Double.NaN, 3, 1, 0, false);
  }

  static HealthView cooling(double latency) {
    return new HealthView(true, null, LATER, latency, Double.NaN, 0, 0, 0, false);
  }

  static HealthView inFlight(double latency, int inFlight) {
    return new HealthView(true, null, null, latency, Double.NaN, 0, 0, inFlight, false);
  }

  /** The reference tutorial's four regions with their health latencies. */
  static List<Candidate> reference() {
    return List.of(
        region("us-east-1", 1, 0.50, 0.100),
        region("me-south-1", 1, 0.45, 0.060),
        region("ap-south-1", 1, 0.32, 0.050),
        region("brazilsouth", 1, 0.38, 0.080));
  }

  static List<String> order(List<Candidate> candidates) {
    return Selector.plan(candidates, REFERENCE, new Random(1)).order().stream()
        .map(s -> s.candidate().name())
        .toList();
  }

  static Stream<Arguments> cases() {
    List<Candidate> ref = reference();
    return Stream.of(
        Arguments.of(
            "reference picks ap-south-1",
            ref,
            List.of("ap-south-1", "me-south-1", "brazilsouth", "us-east-1")),
        Arguments.of(
            "ap-south-1 unhealthy -> me-south-1",
            List.of(ref.get(0), ref.get(1), with(ref.get(2), unhealthy(0.05)), ref.get(3)),
            List.of("me-south-1", "brazilsouth", "us-east-1")),
        Arguments.of(
            "ejected is skipped",
            List.of(ref.get(0), ref.get(1), with(ref.get(2), ejected(0.05)), ref.get(3)),
            List.of("me-south-1", "brazilsouth", "us-east-1")),
        Arguments.of(
            "cooling after 429 is skipped",
            List.of(ref.get(0), ref.get(1), with(ref.get(2), cooling(0.05)), ref.get(3)),
            List.of("me-south-1", "brazilsouth", "us-east-1")),
        Arguments.of(
            "priority beats latency",
            List.of(region("a", 2, 0.1, 0.01), region("b", 1, 0.1, 0.09)),
            List.of("b", "a")),
        Arguments.of(
            "latency outweighs priority at weight 10",
            List.of(region("a", 1, 0.1, 0.3), region("b", 2, 0.1, 0.01)),
            List.of("b", "a")),
        Arguments.of(
            "unknown latency counts as 1 s",
            List.of(region("new", 1, 0.1, Double.NaN), region("known", 1, 0.5, 0.2)),
            List.of("known", "new")),
        Arguments.of(
            "ties go to the lower cost",
            List.of(region("dear", 1, 0.9, 0.05), region("cheap", 1, 0.1, 0.05)),
            List.of("cheap", "dear")),
        Arguments.of(
            "near-equal but cheaper wins",
            List.of(region("dear", 1, 0.9, 0.050), region("cheap", 1, 0.1, 0.051)),
            List.of("cheap", "dear")),
        Arguments.of(
            "panic: all unhealthy still plans the best first",
            List.of(
                with(region("a", 1, 0.1, 0.2), unhealthy(0.2)),
                with(region("b", 1, 0.1, 0.1), ejected(0.1))),
            List.of("b", "a")),
        Arguments.of(
            "panic: cooling regions come last",
            List.of(
                with(region("a", 1, 0.1, 0.01), cooling(0.01)),
                with(region("b", 1, 0.1, 0.5), unhealthy(0.5))),
            List.of("b", "a")),
        Arguments.of(
            "capacity reached spills over",
            List.of(
                new Candidate(
                    new RegionEntry(
                        "full",
                        "http://full",
                        0.1,
                        1,
                        "aws",
                        null,
                        null,
                        new RegionEntry.Capacity(2, null),
                        null,
                        null,
                        null),
                    inFlight(0.01, 2)),
                region("next", 1, 0.1, 0.05)),
            List.of("next")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void ordersRegionsByPolicy(String name, List<Candidate> candidates, List<String> expected) {
    assertThat(order(candidates)).isEqualTo(expected);
  }

  @Test
  void panicFlagIsSetOnlyWhenNoRegionIsAvailable() {
    assertThat(Selector.plan(reference(), REFERENCE, new Random(1)).panic()).isFalse();
    assertThat(
            Selector.plan(
                    List.of(with(region("a", 1, 0.1, 0.1), unhealthy(0.1))),
                    REFERENCE,
                    new Random(1))
                .panic())
        .isTrue();
  }

  @Test
  void emptyPlanWhenEveryRegionIsAtCapacity() {
    Candidate full =
        new Candidate(
            new RegionEntry(
                "full",
                "http://full",
                0.1,
                1,
                "aws",
                null,
                null,
                new RegionEntry.Capacity(1, null),
                null,
                null,
                null),
            inFlight(0.01, 1));
    assertThat(Selector.plan(List.of(full), REFERENCE, new Random(1)).isEmpty()).isTrue();
  }

  @Test
  void nearEqualRegionsShareLoad() {
    List<Candidate> twins =
        List.of(region("a", 1, 0.3, 0.050), region("b", 1, 0.3, 0.051), region("c", 1, 0.3, 0.5));
    Map<String, Integer> firsts = new HashMap<>();
    Random random = new Random(42);
    for (int i = 0; i < 1000; i++) {
      firsts.merge(
          Selector.plan(twins, REFERENCE, random).order().get(0).candidate().name(),
          1,
          Integer::sum);
    }
    assertThat(firsts).containsOnlyKeys("a", "b");
    assertThat(firsts.get("a")).isBetween(350, 650);
  }

  @Test
  void powerOfTwoChoicesPrefersFewerInFlight() {
    List<Candidate> twins =
        List.of(
            with(region("busy", 1, 0.3, 0.05), inFlight(0.05, 10)),
            with(region("idle", 1, 0.3, 0.05), inFlight(0.05, 0)));
    for (int seed = 0; seed < 20; seed++) {
      assertThat(
              Selector.plan(twins, REFERENCE, new Random(seed)).order().get(0).candidate().name())
          .isEqualTo("idle");
    }
  }

  @Test
  void regionsOutsideEpsilonNeverShare() {
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      assertThat(Selector.plan(reference(), REFERENCE, random).order().get(0).candidate().name())
          .isEqualTo("ap-south-1");
    }
  }

  @Test
  void costWeightTurnsCostIntoScore() {
    RoutingPolicy costly = new RoutingPolicy(10, 10, 0, 1);
    List<Candidate> two =
        List.of(region("fast-dear", 1, 0.5, 0.05), region("slow-cheap", 1, 0.1, 0.2));
    assertThat(Selector.plan(two, costly, new Random(1)).order().get(0).candidate().name())
        .isEqualTo("slow-cheap");
    assertThat(Selector.plan(two, REFERENCE, new Random(1)).order().get(0).candidate().name())
        .isEqualTo("fast-dear");
  }
}
