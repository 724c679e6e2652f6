package dev.regionrouter.router.upstream;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.table.TableSnapshot;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Tokens from Secrets read through the API. Only the Secrets the routing table names are watched,
 * one informer per name (a field selector on metadata.name), so RBAC can grant get/watch on those
 * names only and no other Secret's value ever reaches the router.
 */
public class SecretCredentials implements Credentials, AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, SharedIndexInformer<Secret>> informers = new ConcurrentHashMap<>();

  public SecretCredentials(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** Table listener: watch the Secrets the table names, stop watching the others. */
  public synchronized void onTable(TableSnapshot snapshot) {
    Set<String> wanted =
        snapshot.table().regions().stream()
            .map(RegionEntry::credentialsSecretRef)
            .filter(Objects::nonNull)
            .map(RegionEntry.SecretRef::name)
            .collect(Collectors.toSet());
    informers
        .entrySet()
        .removeIf(
            e -> {
              if (!wanted.contains(e.getKey())) {
                e.getValue().stop();
                return true;
              }
              return false;
            });
    for (String name : wanted) {
      informers.computeIfAbsent(
          name,
          n -> {
            SharedIndexInformer<Secret> informer =
                client.secrets().inNamespace(namespace).withName(n).runnableInformer(0);
            informer.start();
            return informer;
          });
    }
  }

  @Override
  public Optional<String> token(RegionEntry.SecretRef ref) {
    SharedIndexInformer<Secret> informer = informers.get(ref.name());
    if (informer == null) {
      return Optional.empty();
    }
    return informer.getStore().list().stream()
        .filter(s -> ref.name().equals(s.getMetadata().getName()))
        .findFirst()
        .flatMap(secret -> value(secret, Credentials.keyOf(ref)));
  }

  private static Optional<String> value(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().get(key) != null) {
      return Optional.of(
              new String(
                      Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8)
                  .strip())
          .filter(v -> !v.isEmpty());
    }
    if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
      return Optional.of(secret.getStringData().get(key).strip()).filter(v -> !v.isEmpty());
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    informers.values().forEach(SharedIndexInformer::stop);
    informers.clear();
  }
}
