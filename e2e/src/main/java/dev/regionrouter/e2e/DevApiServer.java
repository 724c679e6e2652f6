package dev.regionrouter.e2e;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * A laptop-sized Kubernetes API: fabric8's mock server in CRUD mode (real list, watch, patch and
 * status subresource over HTTP), with the InferenceRegion CRD installed and a kubeconfig written
 * for it. Operator, router and kubectl-like test code all talk to it as to a real API server.
 *
 * <p>Not a conformant API server: it does not validate objects against the CRD's schema, has no
 * server-side apply, no garbage collection and no authorization (a SelfSubjectRulesReview is
 * answered with every rule). Used by the end-to-end test and the bin/ scripts.
 */
public final class DevApiServer implements AutoCloseable {

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private DevApiServer(KubernetesMockServer server) {
    this.server = server;
    this.client = server.createClient();
  }

  /**
   * Starts on the loopback address and the given port (0 picks a free one) and installs the CRD.
   */
  public static DevApiServer start(int port, Path crdFile) throws IOException {
    return start(port, crdFile, request -> {});
  }

  /**
   * As {@link #start(int, Path)}, and hands every request the server receives to {@code observer}
   * before it is served (tests record which calls each client makes).
   */
  public static DevApiServer start(int port, Path crdFile, Consumer<RecordedRequest> observer)
      throws IOException {
    KubernetesCrudDispatcher dispatcher =
        new KubernetesCrudDispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            observer.accept(request);
            return super.dispatch(request);
          }

          /**
           * JOSDK asks with a SelfSubjectRulesReview whether it may use Leases before it joins
           * leader election; a real API server answers from RBAC, this one grants everything.
           */
          @Override
          public MockResponse handleCreate(RecordedRequest request) {
            if (request.getPath().contains("/selfsubjectrulesreviews")) {
              return new MockResponse()
                  .setResponseCode(201)
                  .setHeader("Content-Type", "application/json")
                  .setBody(
                      "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\","
                          + "\"metadata\":{},\"spec\":{},\"status\":{\"incomplete\":false,"
                          + "\"nonResourceRules\":[],\"resourceRules\":[{\"verbs\":[\"*\"],"
                          + "\"apiGroups\":[\"*\"],\"resources\":[\"*\"]}]}}");
            }
            return super.handleCreate(request);
          }
        };
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), port);
    DevApiServer api = new DevApiServer(server);
    try (InputStream crd = Files.newInputStream(crdFile)) {
      api.client
          .resource(
              api.client
                  .getKubernetesSerialization()
                  .unmarshal(crd, CustomResourceDefinition.class))
          .create();
    }
    return api;
  }

  public int port() {
    return server.getPort();
  }

  public String url() {
    return "http://" + server.getHostName() + ":" + server.getPort();
  }

  /** A client for this server (the caller closes it). */
  public KubernetesClient client() {
    return server.createClient();
  }

  /** Writes a kubeconfig that points at this server, with the given default namespace. */
  public Path writeKubeconfig(Path file, String namespace) throws IOException {
    return writeKubeconfig(file, namespace, "dev");
  }

  /**
   * Writes a kubeconfig for a client that presents {@code token} (the server accepts any; tests
   * tell the clients apart by it).
   */
  public Path writeKubeconfig(Path file, String namespace, String token) throws IOException {
    String kubeconfig =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: dev
          cluster:
            server: %s
        contexts:
        - name: dev
          context:
            cluster: dev
            namespace: %s
            user: dev
        current-context: dev
        users:
        - name: dev
          user:
            token: %s
        """
            .formatted(url(), namespace, token);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, kubeconfig, StandardCharsets.UTF_8);
    return file;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  /**
   * {@code java -jar e2e/target/dev-apiserver.jar [--port=N] [--kubeconfig=PATH] [--namespace=NS]
   * [--crd=PATH]}: runs until killed.
   */
  public static void main(String[] args) throws Exception {
    int port = 0;
    Path kubeconfig = Path.of("target/dev-kubeconfig");
    String namespace = "default";
    Path crd = Path.of("crds/inferenceregions.inference.regionrouter.dev.yaml");
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      switch (kv[0]) {
        case "--port" -> port = Integer.parseInt(kv[1]);
        case "--kubeconfig" -> kubeconfig = Path.of(kv[1]);
        case "--namespace" -> namespace = kv[1];
        case "--crd" -> crd = Path.of(kv[1]);
        default -> {
          System.err.println(
              "usage: dev-apiserver [--port=N] [--kubeconfig=PATH] [--namespace=NS] [--crd=PATH]");
          System.exit(2);
        }
      }
    }
    DevApiServer api = start(port, crd);
    api.writeKubeconfig(kubeconfig, namespace);
    System.out.println(
        "dev API server on " + api.url() + " (CRUD mock, CRD installed); KUBECONFIG=" + kubeconfig);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  api.close();
                  stop.countDown();
                }));
    stop.await();
  }
}
