package dev.regionrouter.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.api.v1alpha1.Condition;
import dev.regionrouter.api.v1alpha1.Conditions;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.api.v1alpha1.InferenceRegionSpec;
import dev.regionrouter.api.v1alpha1.InferenceRegionStatus;
import dev.regionrouter.operator.probe.ProbeObservation;
import dev.regionrouter.operator.table.Publication;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegionStatusCalculatorTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final ProbeObservation HEALTHY = new ProbeObservation(true, 50L, T0, 0, null);

  private static InferenceRegion region() {
    InferenceRegion r =
        new InferenceRegion(
            "ns", "ap-south-1", new InferenceRegionSpec("http://127.0.0.1:8003", 0.32, 1, "aws"));
    r.getMetadata().setGeneration(1L);
    r.setStatus(null);
    return r;
  }

  private static RegionStatusCalculator.Observed observed(Publication p, ProbeObservation probe) {
    return new RegionStatusCalculator.Observed(List.of(), p, probe);
  }

  @Test
  void recomputingLaterGivesAnEqualStatusSoNothingIsWritten() {
    InferenceRegion r = region();
    InferenceRegionStatus first =
        RegionStatusCalculator.compute(r, observed(Publication.PUBLISHED, HEALTHY), T0);
    r.setStatus(first);
    InferenceRegionStatus later =
        RegionStatusCalculator.compute(
            r, observed(Publication.PUBLISHED, HEALTHY), T0.plusSeconds(3600));
    assertThat(later).isEqualTo(first);
    assertThat(first.getConditions())
        .extracting(Condition::getType)
        .containsExactly(
            Conditions.READY, Conditions.ACCEPTED, Conditions.PUBLISHED, Conditions.HEALTHY);
  }

  @Test
  void aProviderOutageShowsInHealthyOnlyAndLeavesReadyAndItsTransitionTimeAlone() {
    InferenceRegion r = region();
    r.setStatus(RegionStatusCalculator.compute(r, observed(Publication.PUBLISHED, HEALTHY), T0));
    ProbeObservation failing =
        new ProbeObservation(false, 50L, T0.plusSeconds(30), 3, "connection refused");
    InferenceRegionStatus next =
        RegionStatusCalculator.compute(
            r, observed(Publication.PUBLISHED, failing), T0.plusSeconds(30));
    Condition healthy = next.condition(Conditions.HEALTHY).orElseThrow();
    assertThat(healthy.getStatus()).isEqualTo(Condition.FALSE);
    assertThat(healthy.getReason()).isEqualTo(Conditions.Reasons.PROBE_FAILED);
    assertThat(healthy.getLastTransitionTime()).isEqualTo("2026-01-01T00:00:30Z");
    Condition ready = next.condition(Conditions.READY).orElseThrow();
    assertThat(ready.getStatus()).isEqualTo(Condition.TRUE);
    assertThat(ready.getReason()).isEqualTo(Conditions.Reasons.PUBLISHED);
    assertThat(ready.getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(next.condition(Conditions.ACCEPTED).orElseThrow().getLastTransitionTime())
        .isEqualTo("2026-01-01T00:00:00Z");
    // kstatus: nothing in progress, nothing stalled, so Flux and kubectl wait see Current
    assertThat(next.condition(Conditions.RECONCILING)).isEmpty();
    assertThat(next.condition(Conditions.STALLED)).isEmpty();
  }

  @Test
  void aListedRegionNotProbedYetIsReadyAndNotReconciling() {
    InferenceRegion r = region();
    InferenceRegionStatus s =
        RegionStatusCalculator.compute(r, observed(Publication.PUBLISHED, null), T0);
    assertThat(s.condition(Conditions.READY).orElseThrow().isTrue()).isTrue();
    assertThat(s.condition(Conditions.HEALTHY).orElseThrow().getStatus())
        .isEqualTo(Condition.UNKNOWN);
    assertThat(s.condition(Conditions.HEALTHY).orElseThrow().getReason())
        .isEqualTo(Conditions.Reasons.NOT_PROBED_YET);
    assertThat(s.condition(Conditions.RECONCILING)).isEmpty();
  }

  @Test
  void everyConditionHasTheFieldsMetav1ConditionRequires() {
    InferenceRegion r = region();
    for (InferenceRegionStatus s :
        List.of(
            RegionStatusCalculator.compute(r, observed(Publication.PENDING, null), T0),
            RegionStatusCalculator.compute(
                r,
                new RegionStatusCalculator.Observed(
                    List.of("endpoint: bad"), Publication.PENDING, null),
                T0))) {
      assertThat(s.getConditions())
          .allSatisfy(
              c -> {
                assertThat(c.getType()).isNotBlank();
                assertThat(c.getStatus()).isIn(Condition.TRUE, Condition.FALSE, Condition.UNKNOWN);
                assertThat(c.getReason()).matches("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$");
                assertThat(c.getMessage()).isNotNull();
                assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
                assertThat(c.getObservedGeneration()).isEqualTo(1L);
              });
    }
  }

  @Test
  void anInvalidSpecIsStalledNotReadyAndNotProbed() {
    InferenceRegion r = region();
    InferenceRegionStatus s =
        RegionStatusCalculator.compute(
            r,
            new RegionStatusCalculator.Observed(
                List.of("endpoint: bad"), Publication.PENDING, HEALTHY),
            T0);
    assertThat(s.condition(Conditions.STALLED).orElseThrow().isTrue()).isTrue();
    assertThat(s.condition(Conditions.ACCEPTED).orElseThrow().getMessage())
        .isEqualTo("endpoint: bad");
    assertThat(s.condition(Conditions.READY).orElseThrow().getReason())
        .isEqualTo(Conditions.Reasons.INVALID_SPEC);
    assertThat(s.condition(Conditions.RECONCILING)).isEmpty();
    assertThat(s.getProbe()).isNull();
  }

  @Test
  void aPendingPublishIsReconcilingAndAnUpdateKeepsPublishedTrue() {
    InferenceRegion r = region();
    InferenceRegionStatus pending =
        RegionStatusCalculator.compute(r, observed(Publication.PENDING, HEALTHY), T0);
    assertThat(pending.condition(Conditions.RECONCILING).orElseThrow().isTrue()).isTrue();
    assertThat(pending.condition(Conditions.READY).orElseThrow().getStatus())
        .isEqualTo(Condition.FALSE);
    InferenceRegionStatus updating =
        RegionStatusCalculator.compute(r, observed(Publication.UPDATING, HEALTHY), T0);
    assertThat(updating.condition(Conditions.PUBLISHED).orElseThrow().isTrue()).isTrue();
    assertThat(updating.condition(Conditions.READY).orElseThrow().isTrue()).isTrue();
    assertThat(updating.condition(Conditions.RECONCILING)).isPresent();
  }

  @Test
  void aDrainedRegionIsReadyWithReasonDrainedEvenWhenItsEndpointFails() {
    InferenceRegion r = region();
    r.getSpec().setDrain(true);
    ProbeObservation failing = new ProbeObservation(false, null, T0, 3, "connection refused");
    for (ProbeObservation probe : java.util.Arrays.asList(HEALTHY, failing, null)) {
      InferenceRegionStatus s =
          RegionStatusCalculator.compute(r, observed(Publication.PENDING, probe), T0);
      assertThat(s.condition(Conditions.READY).orElseThrow().isTrue()).isTrue();
      assertThat(s.condition(Conditions.READY).orElseThrow().getReason())
          .isEqualTo(Conditions.Reasons.DRAINED);
      assertThat(s.condition(Conditions.PUBLISHED).orElseThrow().getReason())
          .isEqualTo(Conditions.Reasons.DRAINED);
      assertThat(s.condition(Conditions.RECONCILING)).isEmpty();
    }
  }
}
