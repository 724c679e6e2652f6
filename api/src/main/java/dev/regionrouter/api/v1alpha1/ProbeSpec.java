package dev.regionrouter.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** How, how often and how patiently the region's health endpoint is probed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.timeoutSeconds) || !has(self.intervalSeconds) || self.timeoutSeconds <= self.intervalSeconds",
    message = "probe.timeoutSeconds must not be greater than probe.intervalSeconds")
public class ProbeSpec {

  public static final int DEFAULT_INTERVAL_SECONDS = 10;
  public static final int DEFAULT_TIMEOUT_SECONDS = 2;

  @Default("10")
  @Min(1)
  @Max(3600)
  @JsonPropertyDescription(
      "Seconds between two probes of the region's health endpoint; 1 to 3600, default 10.")
  private Integer intervalSeconds;

  @Default("2")
  @Min(1)
  @Max(60)
  @JsonPropertyDescription(
      "Seconds a probe may take before it counts as failed; 1 to 60, default 2, at most the interval.")
  private Integer timeoutSeconds;

  @Default("GET")
  @io.fabric8.generator.annotation.Pattern("^(GET|HEAD)$")
  @JsonPropertyDescription(
      "HTTP method of the probe, GET or HEAD; default GET. The probed path is spec.healthPath "
          + "(for a provider without a health endpoint, for example GET /v1/models).")
  private String method;

  @Default("false")
  @JsonPropertyDescription(
      "Set to true to send the region's token (credentialsSecretRef) with probes too, as a "
          + "Bearer token: for providers whose every path needs a key. Default false.")
  private Boolean sendCredentials;

  public ProbeSpec() {}

  public ProbeSpec(Integer intervalSeconds, Integer timeoutSeconds) {
    this.intervalSeconds = intervalSeconds;
    this.timeoutSeconds = timeoutSeconds;
  }

  public int effectiveIntervalSeconds() {
    return intervalSeconds == null ? DEFAULT_INTERVAL_SECONDS : intervalSeconds;
  }

  public int effectiveTimeoutSeconds() {
    return timeoutSeconds == null ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds;
  }

  public String getMethod() {
    return method;
  }

  public void setMethod(String method) {
    this.method = method;
  }

  public Boolean getSendCredentials() {
    return sendCredentials;
  }

  public void setSendCredentials(Boolean sendCredentials) {
    this.sendCredentials = sendCredentials;
  }

  /** The probe's HTTP method, defaulted as the API server would. */
  public String effectiveMethod() {
    return method == null ? "GET" : method;
  }

  public Integer getIntervalSeconds() {
    return intervalSeconds;
  }

  public void setIntervalSeconds(Integer intervalSeconds) {
    this.intervalSeconds = intervalSeconds;
  }

  public Integer getTimeoutSeconds() {
    return timeoutSeconds;
  }

  public void setTimeoutSeconds(Integer timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProbeSpec that
        && Objects.equals(intervalSeconds, that.intervalSeconds)
        && Objects.equals(timeoutSeconds, that.timeoutSeconds)
        && Objects.equals(method, that.method)
        && Objects.equals(sendCredentials, that.sendCredentials);
  }

  @Override
  public int hashCode() {
    return Objects.hash(intervalSeconds, timeoutSeconds, method, sendCredentials);
  }
}
