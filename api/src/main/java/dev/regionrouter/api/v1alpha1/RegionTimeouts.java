package dev.regionrouter.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

/** The router's stream timeouts for this region, when they differ from its global ones. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RegionTimeouts {

  @Min(1)
  @Max(600)
  @JsonPropertyDescription(
      "Seconds the router waits for the region's first bytes (for a streamed answer: its first "
          + "whole event) before it moves the request to another region; 1 to 600. Unset: router.proxy.first-byte-timeout.")
  private Integer firstByteSeconds;

  @Min(1)
  @Max(3600)
  @JsonPropertyDescription(
      "Seconds a relayed stream may be silent after its first bytes before the router ends it "
          + "with an error event; 1 to 3600. Unset: router.proxy.stream-idle-timeout.")
  private Integer streamIdleSeconds;

  public RegionTimeouts() {}

  public RegionTimeouts(Integer firstByteSeconds, Integer streamIdleSeconds) {
    this.firstByteSeconds = firstByteSeconds;
    this.streamIdleSeconds = streamIdleSeconds;
  }

  public Integer getFirstByteSeconds() {
    return firstByteSeconds;
  }

  public void setFirstByteSeconds(Integer firstByteSeconds) {
    this.firstByteSeconds = firstByteSeconds;
  }

  public Integer getStreamIdleSeconds() {
    return streamIdleSeconds;
  }

  public void setStreamIdleSeconds(Integer streamIdleSeconds) {
    this.streamIdleSeconds = streamIdleSeconds;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegionTimeouts that
        && Objects.equals(firstByteSeconds, that.firstByteSeconds)
        && Objects.equals(streamIdleSeconds, that.streamIdleSeconds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(firstByteSeconds, streamIdleSeconds);
  }
}
