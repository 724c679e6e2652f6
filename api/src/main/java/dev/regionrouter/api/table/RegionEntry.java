package dev.regionrouter.api.table;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * One region of the routing table. The first five fields are the fixed contract; the rest are
 * optional and absent from the JSON when unset. Never holds a secret value: {@link
 * #credentialsSecretRef} only names where the token is.
 *
 * @param labels the InferenceRegion's labels (residency and selection, {@code geo=eu}), sorted by
 *     key
 * @param models the caller's model name -> the region's model or deployment name, sorted by key;
 *     null: the region serves any model as the caller names it
 * @param timeouts the router's stream timeouts for the region; null fields take the router's own
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({
  "name",
  "endpoint",
  "costPer1kTokens",
  "priority",
  "provider",
  "healthPath",
  "inferencePath",
  "capacity",
  "credentialsSecretRef",
  "probe",
  "labels",
  "models",
  "timeouts"
})
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
    Map<String, String> labels,
    Map<String, String> models,
    Timeouts timeouts) {

  /** A region without models or timeouts of its own. */
  public RegionEntry(
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
    this(
        name,
        endpoint,
        costPer1kTokens,
        priority,
        provider,
        healthPath,
        inferencePath,
        capacity,
        credentialsSecretRef,
        probe,
        labels,
        null,
        null);
  }

  public static final String DEFAULT_HEALTH_PATH = "/health";
  public static final String DEFAULT_INFERENCE_PATH = "/v1/inference";

  /** A region with only the contract's five fields. */
  public static RegionEntry of(
      String name, String endpoint, double costPer1kTokens, int priority, String provider) {
    return new RegionEntry(
        name, endpoint, costPer1kTokens, priority, provider, null, null, null, null, null, null);
  }

  /** This region with other capacity limits, every other field unchanged. */
  public RegionEntry withCapacity(Capacity newCapacity) {
    return new RegionEntry(
        name,
        endpoint,
        costPer1kTokens,
        priority,
        provider,
        healthPath,
        inferencePath,
        newCapacity,
        credentialsSecretRef,
        probe,
        labels,
        models,
        timeouts);
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

  /**
   * Probe settings; null fields take the router's defaults.
   *
   * @param method GET (default) or HEAD
   * @param sendCredentials send the region's token with probes too (default false)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"intervalSeconds", "timeoutSeconds", "method", "sendCredentials"})
  public record Probe(
      Integer intervalSeconds, Integer timeoutSeconds, String method, Boolean sendCredentials) {
    public Probe(Integer intervalSeconds, Integer timeoutSeconds) {
      this(intervalSeconds, timeoutSeconds, null, null);
    }

    public String effectiveMethod() {
      return method == null ? "GET" : method;
    }

    public boolean credentials() {
      return Boolean.TRUE.equals(sendCredentials);
    }
  }

  /** The router's stream timeouts for one region, in seconds; null fields take the router's own. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"firstByteSeconds", "streamIdleSeconds"})
  public record Timeouts(Integer firstByteSeconds, Integer streamIdleSeconds) {}

  /**
   * The model name this region uses for the caller's; the caller's own when the region maps none.
   */
  public String modelFor(String callerModel) {
    if (models == null || callerModel == null) {
      return callerModel;
    }
    String mapped = models.get(callerModel);
    return mapped == null ? callerModel : mapped;
  }

  /** Whether the region serves the model: any, when it declares no models. */
  public boolean serves(String callerModel) {
    return models == null
        || models.isEmpty()
        || callerModel != null && models.containsKey(callerModel);
  }
}
