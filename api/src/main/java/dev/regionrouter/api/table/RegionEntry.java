package dev.regionrouter.api.table;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * One region of the routing table. The first five fields are the fixed contract; the rest are
 * optional and absent from the JSON when unset. Never holds a secret value: {@link #credentialsSecretRef}
 * only names where the token is.
 *
 * @param labels the InferenceRegion's labels (residency and selection, {@code geo=eu}), sorted by key
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"name", "endpoint", "costPer1kTokens", "priority", "provider", "healthPath", "inferencePath",
    "capacity", "credentialsSecretRef", "probe", "labels"})
public record RegionEntry(
    String name,
    String endpoint,
    Double costPer1kTokens,
    Integer priority,
    String provider,
    String healthPath,
    String inferencePath,
    Capacity capacity,
    SecretRef credentialsSecretRef,
    Probe probe,
    Map<String, String> labels) {

  public static final String DEFAULT_HEALTH_PATH = "/health";
  public static final String DEFAULT_INFERENCE_PATH = "/v1/inference";

  /** A region with only the contract's five fields. */
  public static RegionEntry of(String name, String endpoint, double costPer1kTokens, int priority, String provider) {
    return new RegionEntry(name, endpoint, costPer1kTokens, priority, provider, null, null, null, null, null, null);
  }

  public String effectiveHealthPath() {
    return healthPath == null ? DEFAULT_HEALTH_PATH : healthPath;
  }

  public String effectiveInferencePath() {
    return inferencePath == null ? DEFAULT_INFERENCE_PATH : inferencePath;
  }

  /** Capacity limits; null fields are unlimited. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"maxInFlight", "tokensPerMinute"})
  public record Capacity(Integer maxInFlight, Long tokensPerMinute) {}

  /** Where the region's bearer token is: a key of a Secret in the routing table's namespace. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"name", "key"})
  public record SecretRef(String name, String key) {}

  /** Probe settings; null fields take the router's defaults. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"intervalSeconds", "timeoutSeconds"})
  public record Probe(Integer intervalSeconds, Integer timeoutSeconds) {}
}
