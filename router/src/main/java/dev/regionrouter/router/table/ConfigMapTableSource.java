package dev.regionrouter.router.table;

import dev.regionrouter.api.table.InvalidRoutingTableException;
import dev.regionrouter.api.table.RoutingTableCodec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.springframework.context.SmartLifecycle;

/**
 * Watches the routing-table ConfigMap through the API (an informer on that one object), so a change
 * is in use within about a second, not the minute a mounted volume takes.
 *
 * <p>A ConfigMap that does not exist when the watch starts (a first install, before the operator
 * wrote it) is an empty table: the router is ready and answers 503 no_regions_configured until it
 * appears. Deletion keeps the last good table in use and reports the source as missing in the
 * status: an accidental delete (or the operator briefly recreating it) must not take every region
 * away. A ConfigMap without the {@code regions.json} key, or with a broken document, is rejected
 * the same way as a broken file.
 */
public class ConfigMapTableSource implements SmartLifecycle {

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final TableHolder holder;
  private SharedIndexInformer<ConfigMap> informer;

  public ConfigMapTableSource(
      KubernetesClient client, String namespace, String name, TableHolder holder) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.holder = holder;
  }

  public static String describe(String namespace, String name) {
    return "configmap:" + namespace + "/" + name;
  }

  @Override
  public void start() {
    // runnableInformer + start: inform() would block and throw when no API server answers, which
    // would keep the app from starting; this way it retries in the background
    informer = client.configMaps().inNamespace(namespace).withName(name).runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(ConfigMap configMap) {
            offer(configMap);
          }

          @Override
          public void onUpdate(ConfigMap oldConfigMap, ConfigMap configMap) {
            offer(configMap);
          }

          @Override
          public void onDelete(ConfigMap configMap, boolean deletedFinalStateUnknown) {
            holder.sourceMissing(
                describe(namespace, name), "ConfigMap " + namespace + "/" + name + " was deleted");
          }
        });
    informer
        .start()
        .thenRun(
            () -> {
              if (informer.getStore().list().isEmpty()) {
                holder.acceptAbsent(
                    describe(namespace, name), "no ConfigMap " + namespace + "/" + name);
              }
            });
  }

  void offer(ConfigMap configMap) {
    String origin = describe(namespace, name) + "@" + configMap.getMetadata().getResourceVersion();
    String document =
        configMap.getData() == null
            ? null
            : configMap.getData().get(RoutingTableCodec.CONFIG_MAP_KEY);
    if (document == null) {
      holder.reject(origin, "ConfigMap has no key " + RoutingTableCodec.CONFIG_MAP_KEY);
      return;
    }
    try {
      holder.accept(RoutingTableCodec.readJson(document), origin);
    } catch (InvalidRoutingTableException e) {
      holder.reject(origin, e.getMessage());
    }
  }

  @Override
  public void stop() {
    if (informer != null) {
      informer.stop();
    }
  }

  @Override
  public boolean isRunning() {
    return informer != null && informer.isRunning();
  }
}
