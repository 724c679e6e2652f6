package dev.regionrouter.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** How often and how patiently the region's health endpoint is probed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.timeoutSeconds) || !has(self.intervalSeconds) || self.timeoutSeconds <= self.intervalSeconds",
    message = "probe.timeoutSeconds must not be greater than probe.intervalSeconds")
public class ProbeSpec {

  public static final int DEFAULT_INTERVAL_SECONDS = 10;
  public static final int DEFAULT_TIMEOUT_SECONDS = 2;

  @Default("10")
  @Min(1)
  @Max(3600)
  @JsonPropertyDescription("Seconds between two probes of the region's health endpoint; 1 to 3600, default 10.")
  private Integer intervalSeconds;

  @Default("2")
  @Min(1)
  @Max(60)
  @JsonPropertyDescription("Seconds a probe may take before it counts as failed; 1 to 60, default 2, at most the interval.")
  private Integer timeoutSeconds;

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
        && Objects.equals(timeoutSeconds, that.timeoutSeconds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(intervalSeconds, timeoutSeconds);
  }
}
