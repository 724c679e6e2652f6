package dev.regionrouter.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.api.v1alpha1.Condition;
import dev.regionrouter.api.v1alpha1.Conditions;
import dev.regionrouter.api.v1alpha1.InferenceRegionStatus;
import dev.regionrouter.api.v1alpha1.ProbeStatus;
import dev.regionrouter.operator.status.ErrorConditions.ReconcileError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorConditionsTest {

  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-01-01T10:05:00Z");
  private static final ReconcileError TABLE_REFUSED =
      new ReconcileError(
          "ApiServerError", "ConfigMap inference-regions cannot be written: HTTP 500", true);

  private static InferenceRegionStatus healthyPublished() {
    InferenceRegionStatus s = new InferenceRegionStatus();
    s.setObservedGeneration(3L);
    s.setConditions(
        new ArrayList<>(
            List.of(
                new Condition(
                    Conditions.READY,
                    Condition.TRUE,
                    "Ready",
                    "published and healthy",
                    "2026-01-01T09:00:00Z",
                    3L),
                new Condition(
                    Conditions.ACCEPTED,
                    Condition.TRUE,
                    "Valid",
                    "the spec is valid",
                    "2026-01-01T08:00:00Z",
                    3L),
                new Condition(
                    Conditions.PUBLISHED,
                    Condition.TRUE,
                    "Published",
                    "listed",
                    "2026-01-01T08:30:00Z",
                    3L),
                new Condition(
                    Conditions.HEALTHY,
                    Condition.TRUE,
                    "ProbeSucceeded",
                    "ok",
                    "2026-01-01T08:40:00Z",
                    3L))));
    ProbeStatus probe = new ProbeStatus();
    probe.setHealthy(true);
    probe.setLatencyMs(12L);
    s.setProbe(probe);
    return s;
  }

  @Test
  void showsTheErrorOnReadyAndReconcilingAndKeepsTheRestOfTheStatus() {
    InferenceRegionStatus current = healthyPublished();
    InferenceRegionStatus shown =
        ErrorConditions.apply(current, current, 4L, TABLE_REFUSED, true, T0);

    assertThat(shown.getConditions())
        .extracting(Condition::getType)
        .containsExactly(
            Conditions.READY,
            Conditions.ACCEPTED,
            Conditions.PUBLISHED,
            Conditions.HEALTHY,
            Conditions.RECONCILING);
    Condition ready = shown.condition(Conditions.READY).orElseThrow();
    assertThat(ready.getStatus()).isEqualTo(Condition.FALSE);
    assertThat(ready.getReason()).isEqualTo("ApiServerError");
    assertThat(ready.getMessage()).isEqualTo(TABLE_REFUSED.message());
    assertThat(ready.getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
    assertThat(shown.condition(Conditions.RECONCILING).orElseThrow().isTrue()).isTrue();
    // listed (an earlier version): Published stays as it was, and so does everything else
    assertThat(shown.condition(Conditions.PUBLISHED))
        .isEqualTo(current.condition(Conditions.PUBLISHED));
    assertThat(shown.condition(Conditions.ACCEPTED))
        .isEqualTo(current.condition(Conditions.ACCEPTED));
    assertThat(shown.condition(Conditions.HEALTHY))
        .isEqualTo(current.condition(Conditions.HEALTHY));
    assertThat(shown.getProbe()).isEqualTo(current.getProbe());
    assertThat(shown.getObservedGeneration()).isEqualTo(3L);
  }

  @Test
  void repeatingTheSameErrorGivesAnEqualStatusSoNothingIsWrittenAgain() {
    InferenceRegionStatus first =
        ErrorConditions.apply(healthyPublished(), healthyPublished(), 4L, TABLE_REFUSED, false, T0);
    InferenceRegionStatus again = ErrorConditions.apply(first, first, 4L, TABLE_REFUSED, false, T1);
    assertThat(again).isEqualTo(first);
    assertThat(again.getConditions()).extracting(Condition::getType).doesNotHaveDuplicates();
  }

  @Test
  void marksPublishedFalseOnlyWhenTheErrorKeepsAnAcceptedRegionOutOfTheTable() {
    InferenceRegionStatus notListed =
        ErrorConditions.apply(healthyPublished(), healthyPublished(), 4L, TABLE_REFUSED, false, T0);
    Condition published = notListed.condition(Conditions.PUBLISHED).orElseThrow();
    assertThat(published.getStatus()).isEqualTo(Condition.FALSE);
    assertThat(published.getReason()).isEqualTo("ApiServerError");

    ReconcileError statusRefused =
        new ReconcileError("ApiServerError", "the status cannot be written", false);
    InferenceRegionStatus statusOnly =
        ErrorConditions.apply(healthyPublished(), healthyPublished(), 4L, statusRefused, false, T0);
    assertThat(statusOnly.condition(Conditions.PUBLISHED).orElseThrow().isTrue()).isTrue();
  }

  @Test
  void worksOnARegionThatHasNoStatusYet() {
    InferenceRegionStatus shown = ErrorConditions.apply(null, null, 1L, TABLE_REFUSED, false, T0);
    assertThat(shown.getConditions())
        .extracting(Condition::getType)
        .containsExactly(Conditions.READY, Conditions.PUBLISHED, Conditions.RECONCILING);
    assertThat(shown.getConditions())
        .allSatisfy(
            c -> {
              assertThat(c.getReason()).isEqualTo("ApiServerError");
              assertThat(c.getObservedGeneration()).isEqualTo(1L);
            });
  }
}
