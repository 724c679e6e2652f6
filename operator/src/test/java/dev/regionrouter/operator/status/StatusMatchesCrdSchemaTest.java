package dev.regionrouter.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.api.crd.CrdSchemaValidator;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.api.v1alpha1.InferenceRegionSpec;
import dev.regionrouter.api.v1alpha1.InferenceRegionStatus;
import dev.regionrouter.operator.probe.ProbeObservation;
import dev.regionrouter.operator.status.ErrorConditions.ReconcileError;
import dev.regionrouter.operator.table.Publication;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every status the operator computes must pass the committed CRD's schema (metav1.Condition's
 * required fields, reason pattern, status enum, date-time): a real API server refuses the whole
 * status write otherwise, which the CRUD mock in the integration tests would never notice.
 */
class StatusMatchesCrdSchemaTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.123Z");
  private final CrdSchemaValidator validator = CrdSchemaValidator.forCommittedCrd();

  @Test
  void everyComputedStatusPassesTheCrdSchema() {
    List<ProbeObservation> probes =
        java.util.Arrays.asList(
            null,
            new ProbeObservation(true, 50L, T0, 0, null),
            new ProbeObservation(null, null, T0, 1, "connection refused"),
            new ProbeObservation(false, null, T0, 3, "HTTP 503"));
    List<InferenceRegionStatus> statuses = new ArrayList<>();
    for (boolean drained : List.of(false, true)) {
      for (List<String> problems : List.of(List.<String>of(), List.of("endpoint: bad"))) {
        for (Publication publication : Publication.values()) {
          for (ProbeObservation probe : probes) {
            InferenceRegion region = region(drained);
            InferenceRegionStatus status =
                RegionStatusCalculator.compute(
                    region, new RegionStatusCalculator.Observed(problems, publication, probe), T0);
            statuses.add(status);
            statuses.add(
                ErrorConditions.apply(
                    status,
                    status,
                    1L,
                    new ReconcileError("ApiServerError", "HTTP 500", true),
                    false,
                    T0));
          }
        }
      }
    }
    for (InferenceRegionStatus status : statuses) {
      InferenceRegion region = region(false);
      region.setStatus(status);
      @SuppressWarnings("unchecked")
      Map<String, Object> object = Serialization.jsonMapper().convertValue(region, Map.class);
      assertThat(validator.validate(object)).as("problems of %s", status.getConditions()).isEmpty();
    }
    assertThat(statuses).hasSizeGreaterThan(100);
  }

  private static InferenceRegion region(boolean drained) {
    InferenceRegion r =
        new InferenceRegion(
            "ns", "ap-south-1", new InferenceRegionSpec("http://127.0.0.1:8003", 0.32, 1, "aws"));
    r.getMetadata().setGeneration(1L);
    r.getSpec().setDrain(drained);
    r.setStatus(null);
    return r;
  }
}
