package dev.regionrouter.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

/** What a region can take at once; the router spills the excess to the next region. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RegionCapacity {

  @Min(1)
  @JsonPropertyDescription(
      "Most requests all router replicas together keep in flight to this region at once; each of N"
          + " ready replicas enforces maxInFlight / N (at least 1).")
  private Integer maxInFlight;

  @Min(1)
  @JsonPropertyDescription(
      "Most tokens per minute all router replicas together send to this region; each of N ready"
          + " replicas enforces tokensPerMinute / N (at least 1).")
  private Long tokensPerMinute;

  public RegionCapacity() {}

  public RegionCapacity(Integer maxInFlight, Long tokensPerMinute) {
    this.maxInFlight = maxInFlight;
    this.tokensPerMinute = tokensPerMinute;
  }

  public Integer getMaxInFlight() {
    return maxInFlight;
  }

  public void setMaxInFlight(Integer maxInFlight) {
    this.maxInFlight = maxInFlight;
  }

  public Long getTokensPerMinute() {
    return tokensPerMinute;
  }

  public void setTokensPerMinute(Long tokensPerMinute) {
    this.tokensPerMinute = tokensPerMinute;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegionCapacity that
        && Objects.equals(maxInFlight, that.maxInFlight)
        && Objects.equals(tokensPerMinute, that.tokensPerMinute);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxInFlight, tokensPerMinute);
  }
}
