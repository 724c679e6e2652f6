package dev.regionrouter.operator.probe;

import dev.regionrouter.api.v1alpha1.InferenceRegionSpec;
import java.net.URI;
import java.time.Duration;

/**
 * What to probe and how often: the region's health URL with its interval and timeout (spec.probe
 * wins over the operator's defaults).
 */
public record ProbeTarget(URI healthUri, Duration interval, Duration timeout) {

  public static ProbeTarget of(InferenceRegionSpec spec, int defaultIntervalSeconds, int defaultTimeoutSeconds) {
    Integer interval = spec.getProbe() == null ? null : spec.getProbe().getIntervalSeconds();
    Integer timeout = spec.getProbe() == null ? null : spec.getProbe().getTimeoutSeconds();
    int intervalSeconds = interval != null ? interval : defaultIntervalSeconds;
    int timeoutSeconds = Math.min(timeout != null ? timeout : defaultTimeoutSeconds, intervalSeconds);
    return new ProbeTarget(healthUri(spec.getEndpoint(), spec.effectiveHealthPath()),
        Duration.ofSeconds(intervalSeconds), Duration.ofSeconds(timeoutSeconds));
  }

  /** endpoint + path with exactly one slash between them (the endpoint may have a base path). */
  static URI healthUri(String endpoint, String path) {
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    return URI.create(base + (path.startsWith("/") ? path : "/" + path));
  }
}
