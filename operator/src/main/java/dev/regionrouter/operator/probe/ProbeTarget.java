package dev.regionrouter.operator.probe;

import dev.regionrouter.api.v1alpha1.InferenceRegionSpec;
import java.net.URI;
import java.time.Duration;

/**
 * What to probe and how often: the region's health URL and method with its interval and timeout
 * (spec.probe wins over the operator's defaults). authenticated: the region's probes need its token
 * (spec.probe.sendCredentials), which the operator does not hold.
 */
public record ProbeTarget(
    URI healthUri, String method, Duration interval, Duration timeout, boolean authenticated) {

  public static ProbeTarget of(
      InferenceRegionSpec spec, int defaultIntervalSeconds, int defaultTimeoutSeconds) {
    Integer interval = spec.getProbe() == null ? null : spec.getProbe().getIntervalSeconds();
    Integer timeout = spec.getProbe() == null ? null : spec.getProbe().getTimeoutSeconds();
    int intervalSeconds = interval != null ? interval : defaultIntervalSeconds;
    int timeoutSeconds =
        Math.min(timeout != null ? timeout : defaultTimeoutSeconds, intervalSeconds);
    String method = spec.getProbe() == null ? "GET" : spec.getProbe().effectiveMethod();
    // the operator reads no Secrets: where probes need the region's token (sendCredentials), its
    // probe
    // goes without one, and a 401 or 403 answer shows the region is up and answering
    boolean authenticated =
        spec.getProbe() != null && Boolean.TRUE.equals(spec.getProbe().getSendCredentials());
    return new ProbeTarget(
        healthUri(spec.getEndpoint(), spec.effectiveHealthPath()),
        method,
        Duration.ofSeconds(intervalSeconds),
        Duration.ofSeconds(timeoutSeconds),
        authenticated);
  }

  /** endpoint + path with exactly one slash between them (the endpoint may have a base path). */
  static URI healthUri(String endpoint, String path) {
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    return URI.create(base + (path.startsWith("/") ? path : "/" + path));
  }
}
