package dev.regionrouter.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/**
 * Desired state of an {@link InferenceRegion}. The four required fields are fixed by the routing
 * contract; the optional ones have defaults the API server fills in (see {@code @Default}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "endpoint",
  "costPer1kTokens",
  "priority",
  "provider",
  "drain",
  "healthPath",
  "inferencePath",
  "capacity",
  "credentialsSecretRef",
  "probe",
  "models",
  "timeouts"
})
public class InferenceRegionSpec {

  public static final String DEFAULT_HEALTH_PATH = "/health";
  public static final String DEFAULT_INFERENCE_PATH = "/v1/inference";

  @Required
  @Size(min = 1, max = 2048)
  @ValidationRule(
      value = "self.startsWith('http://') || self.startsWith('https://')",
      message = "endpoint must be an http:// or https:// URL")
  @ValidationRule(
      value = RegionRules.CEL_ENDPOINT_HOST,
      message =
          "endpoint must name a host, optionally a port and a path (http://host:8080/base), with no user info or spaces")
  @ValidationRule(
      value = RegionRules.CEL_ENDPOINT_PORT,
      message = "endpoint port must be 1 to 65535")
  @ValidationRule(
      value = RegionRules.CEL_ENDPOINT_NOT_LINK_LOCAL,
      message =
          "endpoint must not be a link-local or cloud metadata address (169.254.0.0/16, fe80::/10, fd00:ec2::254)")
  @ValidationRule(
      value = "!self.contains('?')",
      message = "endpoint must not have a query string (?...)")
  @ValidationRule(
      value = "!self.contains('#')",
      message = "endpoint must not have a fragment (#...)")
  @JsonPropertyDescription(
      "Base URL of the region's inference service, http or https, with no query or fragment, "
          + "for example https://inference.ap-south-1.example.com. Health and inference paths are appended to it.")
  private String endpoint;

  @Required
  @Min(0)
  @JsonPropertyDescription(
      "Price of the region in USD per 1,000 tokens; 0 or more. Breaks ties between regions of "
          + "equal score and feeds cost-aware policies and the estimated-cost metric.")
  private Double costPer1kTokens;

  @Required
  @Min(0)
  @JsonPropertyDescription(
      "Routing priority; 0 or more, lower is preferred. The default policy scores a region as "
          + "priority + 10 x smoothed latency in seconds, lowest wins.")
  private Integer priority;

  @Required
  @Size(min = 1, max = 63)
  @Pattern(RegionRules.DNS_LABEL_PATTERN)
  @JsonPropertyDescription(
      "Who runs the region, as a lowercase DNS label: aws, azure, gcp, onprem, ...")
  private String provider;

  @Default("false")
  @JsonPropertyDescription(
      "Set to true to take the region out of the routing table without deleting it (for "
          + "maintenance). The operator keeps probing it and reporting its status.")
  private Boolean drain;

  @Default(DEFAULT_HEALTH_PATH)
  @Size(min = 1, max = 256)
  @Pattern(RegionRules.PATH_PATTERN)
  @JsonPropertyDescription(
      "Path of the region's health endpoint, probed with GET; default /health.")
  private String healthPath;

  @Default(DEFAULT_INFERENCE_PATH)
  @Size(min = 1, max = 256)
  @Pattern(RegionRules.PATH_PATTERN)
  @JsonPropertyDescription(
      "Path the router forwards POST /v1/inference requests to; default /v1/inference.")
  private String inferencePath;

  @JsonPropertyDescription(
      "Optional limits of what the region can take; the router spills excess traffic to the "
          + "next region instead of overloading this one.")
  private RegionCapacity capacity;

  @JsonPropertyDescription(
      "Optional reference to a Secret in the same namespace holding the region's API token. "
          + "Only the reference is published in the routing table, never the value.")
  private SecretKeyReference credentialsSecretRef;

  @JsonPropertyDescription("Optional settings of the operator's health probe of this region.")
  private ProbeSpec probe;

  @Size(max = 256)
  @ValidationRule(
      value =
          "self.all(k, size(k) >= 1 && size(k) <= 256 && size(self[k]) >= 1 && size(self[k]) <= 256)",
      message = "models: every model name and every region model name must be 1 to 256 characters")
  @JsonPropertyDescription(
      "Optional map from the model name callers send (\"gpt-4o\") to this region's own model or "
          + "deployment name (\"gpt-4o-2024-08-06\"); at most 256. The router rewrites the request's model for this region, "
          + "and when any region of the table declares models, sends a model only to the regions that serve it. Absent: the "
          + "region serves whatever model the caller sends, unchanged.")
  private java.util.Map<String, String> models;

  @JsonPropertyDescription(
      "Optional stream timeouts of the router for this region, when they differ from its global ones.")
  private RegionTimeouts timeouts;

  public InferenceRegionSpec() {}

  public InferenceRegionSpec(
      String endpoint, Double costPer1kTokens, Integer priority, String provider) {
    this.endpoint = endpoint;
    this.costPer1kTokens = costPer1kTokens;
    this.priority = priority;
    this.provider = provider;
  }

  /** True when the region is drained: kept, probed, but given no traffic. */
  public boolean drained() {
    return Boolean.TRUE.equals(drain);
  }

  /** The health path, defaulted as the API server would. */
  public String effectiveHealthPath() {
    return healthPath == null ? DEFAULT_HEALTH_PATH : healthPath;
  }

  /** The inference path, defaulted as the API server would. */
  public String effectiveInferencePath() {
    return inferencePath == null ? DEFAULT_INFERENCE_PATH : inferencePath;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public Double getCostPer1kTokens() {
    return costPer1kTokens;
  }

  public void setCostPer1kTokens(Double costPer1kTokens) {
    this.costPer1kTokens = costPer1kTokens;
  }

  public Integer getPriority() {
    return priority;
  }

  public void setPriority(Integer priority) {
    this.priority = priority;
  }

  public String getProvider() {
    return provider;
  }

  public void setProvider(String provider) {
    this.provider = provider;
  }

  public Boolean getDrain() {
    return drain;
  }

  public void setDrain(Boolean drain) {
    this.drain = drain;
  }

  public String getHealthPath() {
    return healthPath;
  }

  public void setHealthPath(String healthPath) {
    this.healthPath = healthPath;
  }

  public String getInferencePath() {
    return inferencePath;
  }

  public void setInferencePath(String inferencePath) {
    this.inferencePath = inferencePath;
  }

  public RegionCapacity getCapacity() {
    return capacity;
  }

  public void setCapacity(RegionCapacity capacity) {
    this.capacity = capacity;
  }

  public SecretKeyReference getCredentialsSecretRef() {
    return credentialsSecretRef;
  }

  public void setCredentialsSecretRef(SecretKeyReference credentialsSecretRef) {
    this.credentialsSecretRef = credentialsSecretRef;
  }

  public java.util.Map<String, String> getModels() {
    return models;
  }

  public void setModels(java.util.Map<String, String> models) {
    this.models = models;
  }

  public RegionTimeouts getTimeouts() {
    return timeouts;
  }

  public void setTimeouts(RegionTimeouts timeouts) {
    this.timeouts = timeouts;
  }

  public ProbeSpec getProbe() {
    return probe;
  }

  public void setProbe(ProbeSpec probe) {
    this.probe = probe;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InferenceRegionSpec that
        && Objects.equals(endpoint, that.endpoint)
        && Objects.equals(costPer1kTokens, that.costPer1kTokens)
        && Objects.equals(priority, that.priority)
        && Objects.equals(provider, that.provider)
        && Objects.equals(drain, that.drain)
        && Objects.equals(healthPath, that.healthPath)
        && Objects.equals(inferencePath, that.inferencePath)
        && Objects.equals(capacity, that.capacity)
        && Objects.equals(credentialsSecretRef, that.credentialsSecretRef)
        && Objects.equals(probe, that.probe)
        && Objects.equals(models, that.models)
        && Objects.equals(timeouts, that.timeouts);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        endpoint,
        costPer1kTokens,
        priority,
        provider,
        drain,
        healthPath,
        inferencePath,
        capacity,
        credentialsSecretRef,
        probe,
        models,
        timeouts);
  }

  @Override
  public String toString() {
    return "InferenceRegionSpec{endpoint="
        + endpoint
        + ", costPer1kTokens="
        + costPer1kTokens
        + ", priority="
        + priority
        + ", provider="
        + provider
        + ", drain="
        + drain
        + "}";
  }
}
