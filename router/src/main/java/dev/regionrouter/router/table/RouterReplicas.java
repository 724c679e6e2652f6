package dev.regionrouter.router.table;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the router's ready replicas from its Service's EndpointSlices (label {@code
 * kubernetes.io/service-name}), watched through the API, and tells the listener whenever the count
 * changes. A pod is counted once however many slices list it (dual-stack has one slice per address
 * family); an endpoint counts unless its {@code conditions.ready} is false (the API's meaning of an
 * absent condition). Until the first list, and while no ready endpoint is listed (this replica is
 * not ready yet, or the Service is gone), the count is 1: a replica alone enforces the whole
 * capacity.
 */
public final class RouterReplicas implements AutoCloseable {

  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  private static final Logger LOG = LoggerFactory.getLogger(RouterReplicas.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String service;
  private final IntConsumer listener;
  private SharedIndexInformer<EndpointSlice> informer;
  private int count = 1;

  public RouterReplicas(
      KubernetesClient client, String namespace, String service, IntConsumer listener) {
    this.client = client;
    this.namespace = namespace;
    this.service = service;
    this.listener = listener;
  }

  /** Starts the watch in the background (retried while the API server does not answer). */
  public void start() {
    informer =
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace(namespace)
            .withLabel(SERVICE_NAME_LABEL, service)
            .runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(EndpointSlice slice) {
            recount();
          }

          @Override
          public void onUpdate(EndpointSlice before, EndpointSlice slice) {
            recount();
          }

          @Override
          public void onDelete(EndpointSlice slice, boolean finalStateUnknown) {
            recount();
          }
        });
    informer.start();
  }

  /** The ready replicas last counted, at least 1. */
  public synchronized int count() {
    return count;
  }

  private void recount() {
    int ready = Math.max(1, readyEndpoints(informer.getStore().list()));
    synchronized (this) {
      if (ready == count) {
        return;
      }
      LOG.info(
          "{} ready router replicas behind Service {}/{}: each enforces 1/{} of a region's capacity",
          ready,
          namespace,
          service,
          ready);
      count = ready;
    }
    listener.accept(ready);
  }

  /** Distinct ready endpoints (by target pod, else by first address) across the slices. */
  static int readyEndpoints(List<EndpointSlice> slices) {
    Set<String> ready = new HashSet<>();
    for (EndpointSlice slice : slices) {
      if (slice.getEndpoints() == null) {
        continue;
      }
      for (Endpoint endpoint : slice.getEndpoints()) {
        boolean notReady =
            endpoint.getConditions() != null
                && Boolean.FALSE.equals(endpoint.getConditions().getReady());
        if (notReady) {
          continue;
        }
        if (endpoint.getTargetRef() != null && endpoint.getTargetRef().getName() != null) {
          ready.add("pod:" + endpoint.getTargetRef().getName());
        } else if (endpoint.getAddresses() != null && !endpoint.getAddresses().isEmpty()) {
          ready.add("address:" + endpoint.getAddresses().get(0));
        }
      }
    }
    return ready.size();
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.stop();
    }
  }
}
