package dev.regionrouter.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** What the operator's own health probe of the region observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProbeStatus {

  @JsonPropertyDescription(
      "Whether the region's health endpoint answered 2xx within the timeout lately.")
  private Boolean healthy;

  @JsonPropertyDescription(
      "Smoothed latency of successful probes in milliseconds, rounded so that it changes only "
          + "meaningfully.")
  private Long latencyMs;

  @JsonPropertyDescription(
      "When the status of the probe last changed or its latency moved meaningfully (RFC 3339).")
  private String lastProbeTime;

  @JsonPropertyDescription("Probes failed in a row since the last success.")
  private Integer consecutiveFailures;

  @JsonPropertyDescription("Why the last failed probe failed; absent while the region is healthy.")
  private String lastError;

  public ProbeStatus() {}

  public Boolean getHealthy() {
    return healthy;
  }

  public void setHealthy(Boolean healthy) {
    this.healthy = healthy;
  }

  public Long getLatencyMs() {
    return latencyMs;
  }

  public void setLatencyMs(Long latencyMs) {
    this.latencyMs = latencyMs;
  }

  public String getLastProbeTime() {
    return lastProbeTime;
  }

  public void setLastProbeTime(String lastProbeTime) {
    this.lastProbeTime = lastProbeTime;
  }

  public Integer getConsecutiveFailures() {
    return consecutiveFailures;
  }

  public void setConsecutiveFailures(Integer consecutiveFailures) {
    this.consecutiveFailures = consecutiveFailures;
  }

  public String getLastError() {
    return lastError;
  }

  public void setLastError(String lastError) {
    this.lastError = lastError;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProbeStatus that
        && Objects.equals(healthy, that.healthy)
        && Objects.equals(latencyMs, that.latencyMs)
        && Objects.equals(lastProbeTime, that.lastProbeTime)
        && Objects.equals(consecutiveFailures, that.consecutiveFailures)
        && Objects.equals(lastError, that.lastError);
  }

  @Override
  public int hashCode() {
    return Objects.hash(healthy, latencyMs, lastProbeTime, consecutiveFailures, lastError);
  }
}
