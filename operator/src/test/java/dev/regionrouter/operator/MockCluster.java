package dev.regionrouter.operator;

import dev.regionrouter.api.table.RoutingTable;
import dev.regionrouter.api.table.RoutingTableCodec;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.api.v1alpha1.InferenceRegionSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A kubernetes-server-mock API server in CRUD mode with the project's committed CRD installed
 * (so that status is a real subresource), plus the few helpers the operator tests share.
 */
public final class MockCluster implements AutoCloseable {

  /** The committed CRD, found from the module (tests) or the repository root (bench). */
  public static final Path CRD_FILE = java.util.stream.Stream.of(Path.of("..", "crds"), Path.of("crds"))
      .map(dir -> dir.resolve("inferenceregions.inference.regionrouter.dev.yaml"))
      .filter(Files::exists)
      .findFirst()
      .orElse(Path.of("..", "crds", "inferenceregions.inference.regionrouter.dev.yaml"));

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private MockCluster(boolean loopback) {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new AuthorizingCrudDispatcher(), false);
    if (loopback) {
      server.init(java.net.InetAddress.getLoopbackAddress(), 0);
    } else {
      server.init();
    }
    client = server.createClient();
    try (InputStream crd = Files.newInputStream(CRD_FILE)) {
      client.resource(client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class)).create();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + CRD_FILE.toAbsolutePath(), e);
    }
  }

  /**
   * The CRUD dispatcher plus the one non-CRUD call the operator makes: JOSDK checks with a
   * SelfSubjectRulesReview that it may use Leases before it joins leader election. A real API
   * server answers it from RBAC; here every rule is granted.
   */
  static final class AuthorizingCrudDispatcher extends KubernetesCrudDispatcher {
    @Override
    public MockResponse handleCreate(RecordedRequest request) {
      if (request.getPath().contains("/selfsubjectrulesreviews")) {
        return new MockResponse().setResponseCode(201).setHeader("Content-Type", "application/json").setBody(
            "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\",\"metadata\":{},"
                + "\"spec\":{},\"status\":{\"incomplete\":false,\"nonResourceRules\":[],"
                + "\"resourceRules\":[{\"verbs\":[\"*\"],\"apiGroups\":[\"*\"],\"resources\":[\"*\"]}]}}");
      }
      return super.handleCreate(request);
    }
  }

  public static MockCluster start() {
    return new MockCluster(false);
  }

  /** Listening on 127.0.0.1 only (a mock that other processes on this machine use). */
  public static MockCluster startOnLoopback() {
    return new MockCluster(true);
  }

  /** The shared client of the test itself. */
  public KubernetesClient client() {
    return client;
  }

  /** A fresh client (each operator gets its own, as separate processes would). */
  public KubernetesClient newClient() {
    return server.createClient();
  }

  public static InferenceRegion region(String namespace, String name, String endpoint, double cost, int priority,
      String provider) {
    return new InferenceRegion(namespace, name, new InferenceRegionSpec(endpoint, cost, priority, provider));
  }

  public InferenceRegion create(InferenceRegion region) {
    return client.resource(region).create();
  }

  public Optional<InferenceRegion> get(String namespace, String name) {
    return Optional.ofNullable(client.resources(InferenceRegion.class).inNamespace(namespace).withName(name).get());
  }

  public Optional<ConfigMap> configMap(String namespace) {
    return Optional.ofNullable(client.configMaps().inNamespace(namespace).withName(RoutingTableCodec.CONFIG_MAP_NAME)
        .get());
  }

  /** The routing table the ConfigMap holds now; empty when there is no ConfigMap. */
  public Optional<RoutingTable> table(String namespace) {
    return configMap(namespace).map(cm -> RoutingTableCodec.readJson(cm.getData().get(RoutingTableCodec.CONFIG_MAP_KEY)));
  }

  /** Counts writes (creations and modifications) of the routing-table ConfigMap of a namespace. */
  public WriteCounter countConfigMapWrites(String namespace) {
    return new WriteCounter(client, namespace);
  }

  public static final class WriteCounter implements AutoCloseable {
    private final AtomicInteger writes = new AtomicInteger();
    private final Watch watch;

    WriteCounter(KubernetesClient client, String namespace) {
      watch = client.configMaps().inNamespace(namespace).withName(RoutingTableCodec.CONFIG_MAP_NAME)
          .watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap resource) {
              if (action == Action.ADDED || action == Action.MODIFIED) {
                writes.incrementAndGet();
              }
            }

            @Override
            public void onClose(WatcherException cause) {}
          });
    }

    public int writes() {
      return writes.get();
    }

    @Override
    public void close() {
      watch.close();
    }
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
