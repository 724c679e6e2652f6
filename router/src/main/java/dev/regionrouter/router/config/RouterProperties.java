package dev.regionrouter.router.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the routing table comes from: a file ({@code router.regions-file}) or a ConfigMap watched
 * through the Kubernetes API ({@code router.config-map}, in {@code router.namespace}). Exactly one
 * of the two must be set; {@link #validate()} says so at startup instead of serving nothing.
 *
 * @param regionsFile the routing-table document (.json, .yaml, .yml), re-read when it changes
 * @param configMap the ConfigMap holding the document under key {@code regions.json}
 * @param namespace the ConfigMap's namespace; default: the pod's own, else the kubeconfig's
 */
@ConfigurationProperties("router")
public record RouterProperties(Path regionsFile, String configMap, String namespace) {

  public boolean kubernetesMode() {
    return configMap != null && !configMap.isBlank();
  }

  public void validate() {
    boolean file = regionsFile != null;
    if (file == kubernetesMode()) {
      throw new IllegalStateException(
          file
              ? "set only one of router.regions-file and router.config-map"
              : "no routing table source: set router.regions-file=PATH or router.config-map=NAME");
    }
  }
}
