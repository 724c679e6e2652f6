package dev.regionrouter.router.table;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Which namespace the router reads its routing table (and Secrets) from. */
public final class KubernetesNamespace {

  /** Where Kubernetes mounts the pod's own namespace. */
  public static final Path POD_NAMESPACE_FILE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  private KubernetesNamespace() {}

  /**
   * The configured one, else the pod's own, else the kubeconfig's current context's, else
   * "default".
   */
  public static String resolve(String configured, Path podNamespaceFile, KubernetesClient client) {
    if (configured != null && !configured.isBlank()) {
      return configured.trim();
    }
    try {
      if (Files.isReadable(podNamespaceFile)) {
        String pod = Files.readString(podNamespaceFile, StandardCharsets.UTF_8).trim();
        if (!pod.isEmpty()) {
          return pod;
        }
      }
    } catch (IOException e) {
      // fall through to the kubeconfig
    }
    String fromConfig = client.getNamespace();
    return fromConfig == null || fromConfig.isBlank() ? "default" : fromConfig;
  }
}
