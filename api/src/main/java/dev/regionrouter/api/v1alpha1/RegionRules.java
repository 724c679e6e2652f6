package dev.regionrouter.api.v1alpha1;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules a region must satisfy, stated once: as patterns and CEL used by the CRD schema, and as
 * Java checks for what reaches the operator or router without an API server's validation (an older
 * CRD, a hand-written routing-table file, the test API server).
 */
public final class RegionRules {

  /** Lowercase RFC 1123 label (provider names). */
  public static final String DNS_LABEL_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  /** Lowercase RFC 1123 subdomain (object names: regions, Secrets). */
  public static final String DNS_SUBDOMAIN_PATTERN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** An absolute URL path with no query, fragment or whitespace. */
  public static final String PATH_PATTERN = "^/[^?#\\s]*$";

  /**
   * CEL: scheme, then a host name or bracketed IPv6 address, optional port, optional path; no user
   * info.
   */
  public static final String CEL_ENDPOINT_HOST =
      "self.matches(r'^https?://([A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?(/[^\\s]*)?$')";

  /** CEL: a port, when given, is 1 to 65535. */
  public static final String CEL_ENDPOINT_PORT =
      "!self.matches(r'^https?://[^/]*:(0*|0*6553[6-9]|0*655[4-9][0-9]|0*65[6-9][0-9][0-9]|0*6[6-9][0-9][0-9][0-9]|0*[7-9][0-9][0-9][0-9][0-9]|[0-9]{6,})(/.*)?$')";

  /**
   * CEL: no link-local or cloud metadata address (169.254.0.0/16, fe80::/10, fd00:ec2::254): the
   * operator and the router would probe and call it from inside the cluster.
   */
  public static final String CEL_ENDPOINT_NOT_LINK_LOCAL =
      "!self.matches(r'^https?://(169\\.254\\.[0-9]+\\.[0-9]+|\\[[fF][eE][89aAbB][0-9a-fA-F]:[^\\]]*\\]|\\[[fF][dD]0*0:0*[eE][cC]2::0*254\\])([:/].*)?$')";

  private static final Pattern ENDPOINT_PORT_OUT_OF_RANGE =
      Pattern.compile(
          "^https?://[^/]*:(0*|0*6553[6-9]|0*655[4-9][0-9]|0*65[6-9][0-9][0-9]|0*6[6-9][0-9][0-9][0-9]|0*[7-9][0-9][0-9][0-9][0-9]|[0-9]{6,})(/.*)?$");
  private static final Pattern ENDPOINT_LINK_LOCAL =
      Pattern.compile(
          "^https?://(169\\.254\\.[0-9]+\\.[0-9]+|\\[[fF][eE][89aAbB][0-9a-fA-F]:[^\\]]*\\]|\\[[fF][dD]0*0:0*[eE][cC]2::0*254\\])([:/].*)?$");

  private static final Pattern DNS_LABEL = Pattern.compile(DNS_LABEL_PATTERN);
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile(DNS_SUBDOMAIN_PATTERN);
  private static final Pattern PATH = Pattern.compile(PATH_PATTERN);

  private RegionRules() {}

  /** Problems with a region name, as "name: ..." messages; empty when valid. */
  public static List<String> checkName(String name) {
    List<String> problems = new ArrayList<>();
    if (name == null || name.isEmpty()) {
      problems.add("name: is required");
    } else if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
      problems.add("name: '" + name + "' must be a lowercase DNS name such as ap-south-1");
    }
    return problems;
  }

  /** Problems with an endpoint URL; empty when valid. */
  public static List<String> checkEndpoint(String endpoint) {
    List<String> problems = new ArrayList<>();
    if (endpoint == null || endpoint.isBlank()) {
      problems.add("endpoint: is required");
      return problems;
    }
    if (endpoint.length() > 2048) {
      problems.add("endpoint: must be at most 2048 characters");
      return problems;
    }
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      problems.add("endpoint: '" + endpoint + "' is not a valid URL (" + e.getReason() + ")");
      return problems;
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
      problems.add("endpoint: '" + endpoint + "' must be an http:// or https:// URL");
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      problems.add(
          "endpoint: '"
              + endpoint
              + "' must name a host, optionally a port and a path, with no user info");
    }
    if (uri.getRawQuery() != null) {
      problems.add("endpoint: '" + endpoint + "' must not have a query string (?...)");
    }
    if (uri.getRawFragment() != null) {
      problems.add("endpoint: '" + endpoint + "' must not have a fragment (#...)");
    }
    if (ENDPOINT_PORT_OUT_OF_RANGE.matcher(endpoint).matches()) {
      problems.add("endpoint: '" + endpoint + "' has a port outside 1-65535");
    }
    if (ENDPOINT_LINK_LOCAL.matcher(endpoint).matches()) {
      problems.add(
          "endpoint: '"
              + endpoint
              + "' is a link-local or cloud metadata address (169.254.0.0/16, "
              + "fe80::/10, fd00:ec2::254), which a region never is");
    }
    return problems;
  }

  /** Problems with the four required fields and the optional ones; empty when valid. */
  public static List<String> checkFields(
      String endpoint,
      Double costPer1kTokens,
      Integer priority,
      String provider,
      String healthPath,
      String inferencePath) {
    List<String> problems = new ArrayList<>(checkEndpoint(endpoint));
    if (costPer1kTokens == null) {
      problems.add("costPer1kTokens: is required");
    } else if (costPer1kTokens.isNaN() || costPer1kTokens.isInfinite() || costPer1kTokens < 0) {
      problems.add("costPer1kTokens: must be a number >= 0, got " + costPer1kTokens);
    }
    if (priority == null) {
      problems.add("priority: is required");
    } else if (priority < 0) {
      problems.add("priority: must be >= 0, got " + priority);
    }
    if (provider == null || provider.isEmpty()) {
      problems.add("provider: is required");
    } else if (provider.length() > 63 || !DNS_LABEL.matcher(provider).matches()) {
      problems.add(
          "provider: '"
              + provider
              + "' must be a lowercase DNS label such as aws, azure, gcp or onprem");
    }
    checkPath("healthPath", healthPath, problems);
    checkPath("inferencePath", inferencePath, problems);
    return problems;
  }

  /** Problems with a whole InferenceRegion spec; empty when the operator can publish it. */
  public static List<String> checkSpec(InferenceRegionSpec spec) {
    if (spec == null) {
      return List.of("spec: is required");
    }
    List<String> problems =
        new ArrayList<>(
            checkFields(
                spec.getEndpoint(),
                spec.getCostPer1kTokens(),
                spec.getPriority(),
                spec.getProvider(),
                spec.getHealthPath(),
                spec.getInferencePath()));
    RegionCapacity capacity = spec.getCapacity();
    if (capacity != null) {
      if (capacity.getMaxInFlight() != null && capacity.getMaxInFlight() < 1) {
        problems.add("capacity.maxInFlight: must be >= 1, got " + capacity.getMaxInFlight());
      }
      if (capacity.getTokensPerMinute() != null && capacity.getTokensPerMinute() < 1) {
        problems.add(
            "capacity.tokensPerMinute: must be >= 1, got " + capacity.getTokensPerMinute());
      }
    }
    SecretKeyReference secret = spec.getCredentialsSecretRef();
    if (secret != null
        && (secret.getName() == null || !DNS_SUBDOMAIN.matcher(secret.getName()).matches())) {
      problems.add("credentialsSecretRef.name: must name a Secret (a lowercase DNS name)");
    }
    ProbeSpec probe = spec.getProbe();
    if (probe != null) {
      int interval = probe.effectiveIntervalSeconds();
      int timeout = probe.effectiveTimeoutSeconds();
      if (interval < 1 || interval > 3600) {
        problems.add("probe.intervalSeconds: must be between 1 and 3600, got " + interval);
      }
      if (timeout < 1 || timeout > 60) {
        problems.add("probe.timeoutSeconds: must be between 1 and 60, got " + timeout);
      }
      if (timeout > interval) {
        problems.add("probe.timeoutSeconds must not be greater than probe.intervalSeconds");
      }
      String method = probe.effectiveMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        problems.add("probe.method: must be GET or HEAD, got '" + method + "'");
      }
    }
    java.util.Map<String, String> models = spec.getModels();
    if (models != null) {
      if (models.size() > 256) {
        problems.add("models: at most 256 models, got " + models.size());
      }
      models.forEach(
          (caller, own) -> {
            if (caller == null
                || caller.isEmpty()
                || caller.length() > 256
                || own == null
                || own.isEmpty()
                || own.length() > 256) {
              problems.add(
                  "models: every model name and every region model name must be 1 to 256 characters");
            }
          });
    }
    RegionTimeouts timeouts = spec.getTimeouts();
    if (timeouts != null) {
      Integer firstByte = timeouts.getFirstByteSeconds();
      Integer idle = timeouts.getStreamIdleSeconds();
      if (firstByte != null && (firstByte < 1 || firstByte > 600)) {
        problems.add("timeouts.firstByteSeconds: must be between 1 and 600, got " + firstByte);
      }
      if (idle != null && (idle < 1 || idle > 3600)) {
        problems.add("timeouts.streamIdleSeconds: must be between 1 and 3600, got " + idle);
      }
    }
    return problems;
  }

  private static void checkPath(String field, String path, List<String> problems) {
    if (path != null && (path.length() > 256 || !PATH.matcher(path).matches())) {
      problems.add(
          field
              + ": '"
              + path
              + "' must be an absolute path such as /health, with no query or fragment");
    }
  }
}
