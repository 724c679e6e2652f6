package dev.regionrouter.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Observed state of an InferenceRegion; written by the operator only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"observedGeneration", "conditions", "probe"})
public class InferenceRegionStatus {

  @JsonPropertyDescription("The metadata.generation the operator last acted on.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Standard conditions: Ready (always present), Accepted, Published, Healthy; Reconciling "
          + "and Stalled only while true.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Result of the operator's own health probe of the region.")
  private ProbeStatus probe;

  public InferenceRegionStatus() {}

  /** The condition of that type, if present. */
  public Optional<Condition> condition(String type) {
    if (conditions == null) {
      return Optional.empty();
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public ProbeStatus getProbe() {
    return probe;
  }

  public void setProbe(ProbeStatus probe) {
    this.probe = probe;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InferenceRegionStatus that
        && Objects.equals(observedGeneration, that.observedGeneration)
        && Objects.equals(conditions, that.conditions)
        && Objects.equals(probe, that.probe);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions, probe);
  }
}
