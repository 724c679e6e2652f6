package dev.regionrouter.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/**
 * A standard Kubernetes condition with metav1.Condition's schema (required fields, patterns and
 * limits; the status enum and the date-time format are added where the CRD is finished), with
 * descriptions so that {@code kubectl explain inferenceregion.status.conditions} teaches it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "type",
  "status",
  "reason",
  "message",
  "lastTransitionTime",
  "observedGeneration"
})
public class Condition {

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  /** metav1.Condition's pattern of a condition type (an optional DNS-subdomain prefix). */
  public static final String TYPE_PATTERN =
      "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
          + "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$";

  /** metav1.Condition's pattern of a reason: CamelCase, may contain digits, ',', ':' and '_'. */
  public static final String REASON_PATTERN = "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$";

  @Required
  @Size(max = 316)
  @Pattern(TYPE_PATTERN)
  @JsonPropertyDescription(
      "Type of the condition in CamelCase: Ready, Accepted, Published, Healthy, Reconciling, Stalled.")
  private String type;

  @Required
  @JsonPropertyDescription("Status of the condition: True, False or Unknown.")
  private String status;

  @Required
  @Size(min = 1, max = 1024)
  @Pattern(REASON_PATTERN)
  @JsonPropertyDescription("Machine-readable CamelCase reason for the condition's last transition.")
  private String reason;

  @Required
  @Size(max = 32768)
  @JsonPropertyDescription("Human-readable explanation of the condition; may be empty.")
  private String message;

  @Required
  @JsonPropertyDescription(
      "When the condition's status last changed (RFC 3339); unchanged while the status stays.")
  private String lastTransitionTime;

  @Min(0)
  @JsonPropertyDescription("The metadata.generation the condition was computed from.")
  private Long observedGeneration;

  public Condition() {}

  public Condition(
      String type,
      String status,
      String reason,
      String message,
      String lastTransitionTime,
      Long observedGeneration) {
    this.type = type;
    this.status = status;
    this.reason = reason;
    this.message = message;
    this.lastTransitionTime = lastTransitionTime;
    this.observedGeneration = observedGeneration;
  }

  @JsonIgnore
  public boolean isTrue() {
    return TRUE.equals(status);
  }

  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  public String getStatus() {
    return status;
  }

  public void setStatus(String status) {
    this.status = status;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getLastTransitionTime() {
    return lastTransitionTime;
  }

  public void setLastTransitionTime(String lastTransitionTime) {
    this.lastTransitionTime = lastTransitionTime;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Condition that
        && Objects.equals(type, that.type)
        && Objects.equals(status, that.status)
        && Objects.equals(reason, that.reason)
        && Objects.equals(message, that.message)
        && Objects.equals(lastTransitionTime, that.lastTransitionTime)
        && Objects.equals(observedGeneration, that.observedGeneration);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, status, reason, message, lastTransitionTime, observedGeneration);
  }

  @Override
  public String toString() {
    return type + "=" + status + " (" + reason + ": " + message + ")";
  }
}
