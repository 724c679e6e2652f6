package dev.regionrouter.operator.table;

import dev.regionrouter.api.table.RoutingTableCodec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The routing-table ConfigMaps this operator manages: a watch on them (so hand edits and deletions
 * are seen and undone, and unchanged tables are not rewritten) and the one place that writes them.
 * Only ConfigMaps carrying the managed-by label are watched: the operator never reads others.
 */
public final class ConfigMapStore implements AutoCloseable {

  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "region-router-operator";
  public static final String PART_OF_LABEL = "app.kubernetes.io/part-of";
  public static final String PART_OF_VALUE = "region-router";

  private final KubernetesClient client;
  private final Set<String> namespaces;
  private final List<SharedIndexInformer<ConfigMap>> informers = new ArrayList<>();

  /**
   * @param namespaces namespaces to watch; empty means all
   */
  public ConfigMapStore(KubernetesClient client, Set<String> namespaces) {
    this.client = client;
    this.namespaces = namespaces;
  }

  /**
   * Starts the watch; {@code onChange} gets (namespace, the ConfigMap or null when it was deleted
   * or lost its label) for every add, update and delete, including the initial list.
   */
  public void start(BiConsumer<String, ConfigMap> onChange) {
    ResourceEventHandler<ConfigMap> handler =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(ConfigMap cm) {
            if (isRoutingTable(cm)) {
              onChange.accept(cm.getMetadata().getNamespace(), cm);
            }
          }

          @Override
          public void onUpdate(ConfigMap oldCm, ConfigMap newCm) {
            if (isRoutingTable(newCm)) {
              onChange.accept(newCm.getMetadata().getNamespace(), newCm);
            }
          }

          @Override
          public void onDelete(ConfigMap cm, boolean deletedFinalStateUnknown) {
            if (isRoutingTable(cm)) {
              onChange.accept(cm.getMetadata().getNamespace(), null);
            }
          }
        };
    // runnableInformer + start: does not block or throw when the API server is slow to answer
    if (namespaces.isEmpty()) {
      informers.add(
          client
              .configMaps()
              .inAnyNamespace()
              .withLabel(MANAGED_BY_LABEL, MANAGED_BY_VALUE)
              .runnableInformer(0));
    } else {
      for (String ns : namespaces) {
        informers.add(
            client
                .configMaps()
                .inNamespace(ns)
                .withLabel(MANAGED_BY_LABEL, MANAGED_BY_VALUE)
                .runnableInformer(0));
      }
    }
    informers.forEach(
        i -> {
          i.addEventHandler(handler);
          i.start();
        });
  }

  public boolean hasSynced() {
    return !informers.isEmpty() && informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** The routing-table ConfigMap of that namespace as last seen by the watch. */
  public Optional<ConfigMap> cached(String namespace) {
    String key = namespace + "/" + RoutingTableCodec.CONFIG_MAP_NAME;
    for (SharedIndexInformer<ConfigMap> informer : informers) {
      ConfigMap cm = informer.getStore().getByKey(key);
      if (cm != null) {
        return Optional.of(cm);
      }
    }
    return Optional.empty();
  }

  /** Namespaces that have a managed routing-table ConfigMap. */
  public Set<String> namespacesWithTable() {
    return informers.stream()
        .flatMap(i -> i.getStore().list().stream())
        .filter(ConfigMapStore::isRoutingTable)
        .map(cm -> cm.getMetadata().getNamespace())
        .collect(java.util.stream.Collectors.toSet());
  }

  /** True when the ConfigMap holds exactly that document and carries our labels. */
  public static boolean holds(ConfigMap cm, String json) {
    Map<String, String> labels = cm.getMetadata().getLabels();
    return cm.getData() != null
        && json.equals(cm.getData().get(RoutingTableCodec.CONFIG_MAP_KEY))
        && cm.getData().size() == 1
        && (cm.getBinaryData() == null || cm.getBinaryData().isEmpty())
        && labels != null
        && MANAGED_BY_VALUE.equals(labels.get(MANAGED_BY_LABEL))
        && PART_OF_VALUE.equals(labels.get(PART_OF_LABEL));
  }

  /**
   * Creates or replaces the namespace's routing-table ConfigMap; returns what the API server
   * stored.
   */
  public ConfigMap write(String namespace, String json) {
    ConfigMap desired =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(RoutingTableCodec.CONFIG_MAP_NAME)
            .withNamespace(namespace)
            .addToLabels(MANAGED_BY_LABEL, MANAGED_BY_VALUE)
            .addToLabels(PART_OF_LABEL, PART_OF_VALUE)
            .endMetadata()
            .addToData(RoutingTableCodec.CONFIG_MAP_KEY, json)
            .build();
    // The operator is the only writer (leader election) and the content is derived in full from
    // the regions: a plain replace of the latest version is right, no merge with what is there.
    return client
        .configMaps()
        .inNamespace(namespace)
        .resource(desired)
        .createOr(NonDeletingOperation::update);
  }

  private static boolean isRoutingTable(ConfigMap cm) {
    return cm != null && RoutingTableCodec.CONFIG_MAP_NAME.equals(cm.getMetadata().getName());
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::stop);
    informers.clear();
  }
}
