package dev.regionrouter.operator;

import dev.regionrouter.api.table.RoutingTable;
import dev.regionrouter.api.table.RoutingTableCodec;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.api.v1alpha1.InferenceRegionSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A kubernetes-server-mock API server in CRUD mode with the project's committed CRD installed (so
 * that status is a real subresource), plus the few helpers the operator tests share.
 */
public final class MockCluster implements AutoCloseable {

  /** The committed CRD, found from the module (tests) or the repository root (bench). */
  public static final Path CRD_FILE =
      java.util.stream.Stream.of(Path.of("..", "crds"), Path.of("crds"))
          .map(dir -> dir.resolve("inferenceregions.inference.regionrouter.dev.yaml"))
          .filter(Files::exists)
          .findFirst()
          .orElse(Path.of("..", "crds", "inferenceregions.inference.regionrouter.dev.yaml"));

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final AuthorizingCrudDispatcher dispatcher = new AuthorizingCrudDispatcher();

  private MockCluster(boolean loopback) {
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    if (loopback) {
      server.init(java.net.InetAddress.getLoopbackAddress(), 0);
    } else {
      server.init();
    }
    client = server.createClient();
    try (InputStream crd = Files.newInputStream(CRD_FILE)) {
      client
          .resource(
              client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class))
          .create();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + CRD_FILE.toAbsolutePath(), e);
    }
  }

  /**
   * The CRUD dispatcher plus the one non-CRUD call the operator makes: JOSDK checks with a
   * SelfSubjectRulesReview that it may use Leases before it joins leader election. A real API
   * server answers it from RBAC; here every rule is granted.
   *
   * <p>It also plays the API server's bad days for the fault tests: requests matching an injected
   * {@link Fault} are answered with that fault's error instead of being served (everything else
   * keeps the real CRUD semantics), and open watch connections can be dropped.
   */
  static final class AuthorizingCrudDispatcher extends KubernetesCrudDispatcher {
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final Map<Predicate<RecordedRequest>, AtomicInteger> counters =
        new ConcurrentHashMap<>();
    private final Set<WebSocket> openWatches = ConcurrentHashMap.newKeySet();
    private final AtomicInteger goneAnswersLeft = new AtomicInteger();

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      counters.forEach(
          (matches, count) -> {
            if (matches.test(request)) {
              count.incrementAndGet();
            }
          });
      for (Fault fault : faults) {
        if (fault.takes(request)) {
          return fault.response();
        }
      }
      if (isWatch(request) && goneAnswersLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        // what an API server says when the client's resourceVersion left its watch cache: an ERROR
        // event with 410 Gone in the watch stream, after which the client must list again
        return new MockResponse()
            .withWebSocketUpgrade(
                new WebSocketListener() {
                  @Override
                  public void onOpen(
                      WebSocket webSocket, io.fabric8.mockwebserver.http.Response response) {
                    webSocket.send(
                        "{\"type\":\"ERROR\",\"object\":"
                            + statusJson(
                                410,
                                "Expired",
                                "too old resource version (injected: the watch was dropped)")
                            + "}");
                    webSocket.close(1000, "");
                  }
                });
      }
      return super.dispatch(request);
    }

    @Override
    public MockResponse handleCreate(RecordedRequest request) {
      if (request.getPath().contains("/selfsubjectrulesreviews")) {
        return new MockResponse()
            .setResponseCode(201)
            .setHeader("Content-Type", "application/json")
            .setBody(
                "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\",\"metadata\":{},"
                    + "\"spec\":{},\"status\":{\"incomplete\":false,\"nonResourceRules\":[],"
                    + "\"resourceRules\":[{\"verbs\":[\"*\"],\"apiGroups\":[\"*\"],\"resources\":[\"*\"]}]}}");
      }
      return super.handleCreate(request);
    }

    /** Remembers each watch's WebSocket so that {@link #dropWatches} can close it. */
    @Override
    public MockResponse handleWatch(String path) {
      MockResponse response = super.handleWatch(path);
      WebSocketListener inner = response.getWebSocketListener();
      if (inner != null) {
        response.withWebSocketUpgrade(new TrackingListener(inner, openWatches));
      }
      return response;
    }

    int dropWatches() {
      List<WebSocket> open = List.copyOf(openWatches);
      goneAnswersLeft.addAndGet(open.size());
      open.forEach(
          ws -> {
            openWatches.remove(ws);
            ws.close(1001, "injected: API server going away");
          });
      return open.size();
    }

    private static boolean isWatch(RecordedRequest request) {
      String path = request.getPath();
      return path.contains("watch=true") || path.contains("watch=1");
    }
  }

  /** Delegates every callback; records the socket while it is open. */
  private static final class TrackingListener extends WebSocketListener {
    private final WebSocketListener inner;
    private final Set<WebSocket> open;

    TrackingListener(WebSocketListener inner, Set<WebSocket> open) {
      this.inner = inner;
      this.open = open;
    }

    @Override
    public void onBeforeAccept(
        WebSocket webSocket, io.fabric8.mockwebserver.http.Response response) {
      inner.onBeforeAccept(webSocket, response);
    }

    @Override
    public void onOpen(WebSocket webSocket, io.fabric8.mockwebserver.http.Response response) {
      open.add(webSocket);
      inner.onOpen(webSocket, response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      inner.onMessage(webSocket, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, byte[] bytes) {
      inner.onMessage(webSocket, bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      open.remove(webSocket);
      inner.onClosing(webSocket, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      open.remove(webSocket);
      inner.onClosed(webSocket, code, reason);
    }

    @Override
    public void onFailure(
        WebSocket webSocket, Throwable t, io.fabric8.mockwebserver.http.Response response) {
      open.remove(webSocket);
      inner.onFailure(webSocket, t, response);
    }
  }

  /**
   * An injected API-server fault: requests matching it are answered with its HTTP error, up to a
   * number of times or until {@link #clear()}. Counts what it answered.
   */
  public static final class Fault {
    private final Predicate<RecordedRequest> matches;
    private final int code;
    private final String reason;
    private final String message;
    private final AtomicInteger left;
    private final AtomicInteger hits = new AtomicInteger();
    private final Consumer<RecordedRequest> onHit;

    private Fault(
        Predicate<RecordedRequest> matches,
        int code,
        String reason,
        String message,
        int times,
        Consumer<RecordedRequest> onHit) {
      this.matches = matches;
      this.code = code;
      this.reason = reason;
      this.message = message;
      this.left = new AtomicInteger(times);
      this.onHit = onHit;
    }

    boolean takes(RecordedRequest request) {
      if (!matches.test(request) || left.getAndUpdate(n -> n > 0 ? n - 1 : 0) <= 0) {
        return false;
      }
      hits.incrementAndGet();
      onHit.accept(request);
      return true;
    }

    MockResponse response() {
      return status(code, reason, message);
    }

    /** Requests answered with the error so far. */
    public int hits() {
      return hits.get();
    }

    /** The API server is well again for these requests. */
    public void clear() {
      left.set(0);
    }
  }

  /**
   * Answers matching requests with HTTP {@code code} up to {@code times} times (or until cleared).
   */
  public Fault inject(
      Predicate<RecordedRequest> matches, int code, String reason, String message, int times) {
    return inject(matches, code, reason, message, times, r -> {});
  }

  /**
   * As {@link #inject(Predicate, int, String, String, int)}, running {@code onHit} for each
   * answered request.
   */
  public Fault inject(
      Predicate<RecordedRequest> matches,
      int code,
      String reason,
      String message,
      int times,
      Consumer<RecordedRequest> onHit) {
    Fault fault = new Fault(matches, code, reason, message, times, onHit);
    dispatcher.faults.add(fault);
    return fault;
  }

  /** Counts the requests that match from now on (served normally). */
  public AtomicInteger countRequests(Predicate<RecordedRequest> matches) {
    AtomicInteger count = new AtomicInteger();
    dispatcher.counters.put(matches, count);
    return count;
  }

  /** Removes every injected fault. */
  public void clearFaults() {
    dispatcher.faults.forEach(Fault::clear);
    dispatcher.faults.clear();
  }

  /**
   * Drops every open watch connection (as when an API server restarts), and answers as many of the
   * following watch requests with 410 Gone, so that each informer must relist. Returns how many
   * watches were open.
   */
  public int dropWatches() {
    return dispatcher.dropWatches();
  }

  /** Creates, replaces or patches of ConfigMaps in that namespace. */
  public static Predicate<RecordedRequest> configMapWrites(String namespace) {
    return r ->
        isWrite(r) && pathOnly(r).startsWith("/api/v1/namespaces/" + namespace + "/configmaps");
  }

  /** Status updates of InferenceRegions in that namespace (names given: only those). */
  public static Predicate<RecordedRequest> statusWrites(String namespace, String... names) {
    Set<String> only = Set.of(names);
    String prefix =
        "/apis/"
            + InferenceRegion.GROUP
            + "/"
            + InferenceRegion.VERSION
            + "/namespaces/"
            + namespace
            + "/"
            + InferenceRegion.PLURAL
            + "/";
    return r -> {
      String path = pathOnly(r);
      if (!isWrite(r) || !path.startsWith(prefix) || !path.endsWith("/status")) {
        return false;
      }
      return only.isEmpty()
          || only.contains(path.substring(prefix.length(), path.length() - "/status".length()));
    };
  }

  /**
   * The object name of a request on a single object (the path segment after the plural), or null.
   */
  public static String objectName(RecordedRequest request) {
    String[] parts = pathOnly(request).split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      if (InferenceRegion.PLURAL.equals(parts[i])) {
        return parts[i + 1];
      }
    }
    return null;
  }

  private static boolean isWrite(RecordedRequest r) {
    String method = r.getMethod();
    return "POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method);
  }

  private static String pathOnly(RecordedRequest r) {
    String path = r.getPath();
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  private static MockResponse status(int code, String reason, String message) {
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(statusJson(code, reason, message));
  }

  private static String statusJson(int code, String reason, String message) {
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
        + "\"message\":\""
        + message.replace("\"", "'")
        + "\",\"reason\":\""
        + reason
        + "\",\"code\":"
        + code
        + "}";
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

  /**
   * A fresh client that retries a 5xx or 429 answer at most {@code retries} times (fabric8 retries
   * ten times with backoff by default, which hides a short outage from the code above it).
   */
  public KubernetesClient newClient(int retries) {
    Config config =
        new ConfigBuilder(server.createClient().getConfiguration())
            .withRequestRetryBackoffLimit(retries)
            .withRequestRetryBackoffInterval(50)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  public static InferenceRegion region(
      String namespace, String name, String endpoint, double cost, int priority, String provider) {
    return new InferenceRegion(
        namespace, name, new InferenceRegionSpec(endpoint, cost, priority, provider));
  }

  public InferenceRegion create(InferenceRegion region) {
    return client.resource(region).create();
  }

  /**
   * A read-modify-write of a test's own, as kubectl's: the edit is optimistic (resourceVersion), so
   * a 409 (an operator's status write, or another write of the test to the same object, came
   * between the read and the patch) means read again and redo the change.
   */
  public void edit(
      String namespace, String name, java.util.function.Consumer<InferenceRegion> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        client
            .resources(InferenceRegion.class)
            .inNamespace(namespace)
            .withName(name)
            .edit(
                r -> {
                  change.accept(r);
                  return r;
                });
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  public Optional<InferenceRegion> get(String namespace, String name) {
    return Optional.ofNullable(
        client.resources(InferenceRegion.class).inNamespace(namespace).withName(name).get());
  }

  public Optional<ConfigMap> configMap(String namespace) {
    return Optional.ofNullable(
        client
            .configMaps()
            .inNamespace(namespace)
            .withName(RoutingTableCodec.CONFIG_MAP_NAME)
            .get());
  }

  /** The routing table the ConfigMap holds now; empty when there is no ConfigMap. */
  public Optional<RoutingTable> table(String namespace) {
    return configMap(namespace)
        .map(cm -> RoutingTableCodec.readJson(cm.getData().get(RoutingTableCodec.CONFIG_MAP_KEY)));
  }

  /** Counts writes (creations and modifications) of the routing-table ConfigMap of a namespace. */
  public WriteCounter countConfigMapWrites(String namespace) {
    return new WriteCounter(client, namespace);
  }

  public static final class WriteCounter implements AutoCloseable {
    private final AtomicInteger writes = new AtomicInteger();
    private final Watch watch;

    WriteCounter(KubernetesClient client, String namespace) {
      watch =
          client
              .configMaps()
              .inNamespace(namespace)
              .withName(RoutingTableCodec.CONFIG_MAP_NAME)
              .watch(
                  new Watcher<>() {
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
