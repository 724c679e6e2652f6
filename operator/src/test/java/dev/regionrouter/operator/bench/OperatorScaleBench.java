package dev.regionrouter.operator.bench;

import dev.regionrouter.api.table.RoutingTableCodec;
import dev.regionrouter.api.v1alpha1.Condition;
import dev.regionrouter.api.v1alpha1.Conditions;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.operator.MockCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bench/operator-scale's runner: a CRUD mock API server on a local port, the real operator.jar as a
 * child process against it (kubeconfig file), N InferenceRegions of one {@link RegionShapes}
 * created concurrently in one namespace. Prints key=value results: time until the ConfigMap lists
 * all of them (and from the last accepted create: the operator's own share), ConfigMap writes, time
 * until every status says Published, the operator's peak RSS (VmHWM) and peak heap.
 *
 * <p>When the shape and count make a table over the ConfigMap limit, it waits instead until every
 * region's status settled (Published, or refused with RoutingTableTooLarge) and reports how many
 * regions the kept table lists, its size, and how many regions were refused.
 *
 * <p>Arguments: JAVA OPERATOR_JAR REGIONS WORK_DIR SHAPE [extra JVM options...]
 */
public final class OperatorScaleBench {

  private static final String NS = "bench";

  /** Held so that the level sticks: the mock logs every request through java.util.logging. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  public static void main(String[] args) throws Exception {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    String java = args[0];
    Path jar = Path.of(args[1]);
    int count = Integer.parseInt(args[2]);
    Path work = Path.of(args[3]);
    RegionShapes shape = RegionShapes.named(args[4]);
    List<String> jvmOptions = List.of(args).subList(5, args.length);
    int expectedBytes = TableSizeBench.bytes(shape, count);
    boolean overLimit = expectedBytes > RoutingTableCodec.CONFIG_MAP_MAX_BYTES;
    Files.createDirectories(work);

    try (MockCluster cluster = MockCluster.startOnLoopback()) {
      KubernetesClient client = cluster.client();
      Path kubeconfig = work.resolve("kubeconfig");
      Files.writeString(
          kubeconfig,
          """
          apiVersion: v1
          kind: Config
          clusters:
          - name: mock
            cluster:
              server: %s
          contexts:
          - name: mock
            context:
              cluster: mock
              user: bench
              namespace: %s
          current-context: mock
          users:
          - name: bench
            user:
              token: bench
          """
              .formatted(client.getMasterUrl().toString().replaceAll("/$", ""), NS));
      int httpPort = freePort();
      List<String> command = new ArrayList<>();
      command.add(java);
      command.addAll(jvmOptions);
      command.addAll(List.of("-jar", jar.toString()));
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("operator.log").toFile());
      Map<String, String> env = pb.environment();
      env.put("KUBECONFIG", kubeconfig.toString());
      env.put("OPERATOR_HTTP_PORT", String.valueOf(httpPort));
      env.put("LEADER_ELECTION", "false");
      env.remove("OPERATOR_NAMESPACE");
      env.remove("WATCH_NAMESPACES");
      Process operator = pb.start();
      // bench/operator-scale's timeout sends SIGTERM to this JVM: take the operator down with it
      Thread reaper = new Thread(operator::destroyForcibly, "stop-operator");
      Runtime.getRuntime().addShutdownHook(reaper);
      HttpClient http = HttpClient.newHttpClient();
      PeakSampler sampler = new PeakSampler(operator.pid(), http, httpPort);
      try {
        waitReady(http, httpPort, operator);
        sampler.start();
        AtomicInteger writes = new AtomicInteger();
        AtomicInteger listed = new AtomicInteger();
        AtomicInteger tableBytes = new AtomicInteger();
        AtomicLong allListedAt = new AtomicLong();
        Watch watch =
            client
                .configMaps()
                .inNamespace(NS)
                .withName(RoutingTableCodec.CONFIG_MAP_NAME)
                .watch(
                    new Watcher<>() {
                      @Override
                      public void eventReceived(Action action, ConfigMap cm) {
                        if (action == Action.ADDED || action == Action.MODIFIED) {
                          writes.incrementAndGet();
                          String json = cm.getData().get(RoutingTableCodec.CONFIG_MAP_KEY);
                          int n = RoutingTableCodec.readJson(json).regions().size();
                          listed.set(n);
                          tableBytes.set(json.getBytes(StandardCharsets.UTF_8).length);
                          if (n == count) {
                            allListedAt.compareAndSet(0, System.nanoTime());
                          }
                        }
                      }

                      @Override
                      public void onClose(WatcherException cause) {}
                    });
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
          List<Future<?>> creates = new ArrayList<>();
          for (int i = 0; i < count; i++) {
            int n = i;
            creates.add(pool.submit(() -> client.resource(shape.region(NS, n)).create()));
          }
          for (Future<?> f : creates) {
            f.get();
          }
        }
        long createdAt = System.nanoTime();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (!overLimit
            && allListedAt.get() == 0
            && System.nanoTime() < deadline
            && operator.isAlive()) {
          Thread.sleep(20); // polling a benchmark's progress, not a test assertion
        }
        long tableMs =
            allListedAt.get() == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(allListedAt.get() - start);
        long fromLastCreateMs =
            allListedAt.get() == 0
                ? -1
                : Math.max(0, TimeUnit.NANOSECONDS.toMillis(allListedAt.get() - createdAt));
        int writesAtTable = writes.get();
        long statusMs = -1;
        long published = 0;
        long tooLarge = 0;
        while (System.nanoTime() < deadline && operator.isAlive()) {
          List<InferenceRegion> regions =
              client.resources(InferenceRegion.class).inNamespace(NS).list().getItems();
          published =
              regions.stream().filter(r -> reason(r).equals(Conditions.Reasons.PUBLISHED)).count();
          tooLarge =
              regions.stream()
                  .filter(r -> reason(r).equals(Conditions.Reasons.TABLE_TOO_LARGE))
                  .count();
          if (published == count
              || (overLimit && published + tooLarge == count && published == listed.get())) {
            statusMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            break;
          }
          Thread.sleep(1000);
        }
        Thread.sleep(2000); // let the probes of 1,000 regions run a little before the last sample
        watch.close();
        sampler.stop();
        System.out.println("regions=" + count);
        System.out.println("shape=" + shape.name().toLowerCase(Locale.ROOT));
        System.out.println("expected_table_bytes=" + expectedBytes);
        System.out.println("over_limit=" + overLimit);
        System.out.println("table_bytes=" + tableBytes.get());
        System.out.println("last_create_to_table_ms=" + fromLastCreateMs);
        System.out.println("regions_published=" + published);
        System.out.println("regions_too_large=" + tooLarge);
        System.out.println("operator_ready=" + ready(http, httpPort));
        System.out.println("create_ms=" + TimeUnit.NANOSECONDS.toMillis(createdAt - start));
        System.out.println("table_complete_ms=" + tableMs);
        System.out.println("table_regions=" + listed.get());
        System.out.println("configmap_writes=" + writesAtTable);
        System.out.println("configmap_writes_total=" + writes.get());
        System.out.println("status_published_ms=" + statusMs);
        System.out.println("peak_rss_mib=" + sampler.peakRssKb.get() / 1024);
        System.out.println("peak_heap_used_mib=" + sampler.peakHeapBytes.get() / (1024 * 1024));
        System.out.println(
            "heap_committed_mib=" + sampler.heapCommittedBytes.get() / (1024 * 1024));
        System.out.println("operator_alive=" + operator.isAlive());
      } finally {
        sampler.stop();
        operator.destroy(); // SIGTERM: the operator's shutdown hook stops it cleanly
        if (!operator.waitFor(20, TimeUnit.SECONDS)) {
          operator.destroyForcibly();
        }
        System.out.println("operator_exit_code=" + operator.exitValue());
      }
    }
  }

  private static String reason(InferenceRegion region) {
    return region.getStatus() == null
        ? ""
        : region.getStatus().condition(Conditions.PUBLISHED).map(Condition::getReason).orElse("");
  }

  private static boolean ready(HttpClient http, int port) {
    try {
      return http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode()
          == 200;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static void waitReady(HttpClient http, int port, Process operator) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && operator.isAlive()) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("operator did not become ready (see operator.log)");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Samples the child's VmHWM from /proc and its heap from /metrics every 200 ms. */
  private static final class PeakSampler {
    private static final Pattern HEAP =
        Pattern.compile(
            "^jvm_memory_used_bytes\\{area=\"heap\",[^}]*} ([0-9.eE+]+)$", Pattern.MULTILINE);
    private static final Pattern HEAP_COMMITTED =
        Pattern.compile(
            "^jvm_memory_committed_bytes\\{area=\"heap\",[^}]*} ([0-9.eE+]+)$", Pattern.MULTILINE);
    final AtomicLong peakRssKb = new AtomicLong();
    final AtomicLong peakHeapBytes = new AtomicLong();
    final AtomicLong heapCommittedBytes = new AtomicLong();
    private final long pid;
    private final HttpClient http;
    private final int port;
    private volatile boolean running;
    private Thread thread;

    PeakSampler(long pid, HttpClient http, int port) {
      this.pid = pid;
      this.http = http;
      this.port = port;
    }

    void start() {
      running = true;
      thread =
          new Thread(
              () -> {
                while (running) {
                  sample();
                  try {
                    Thread.sleep(200);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "sampler");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      if (running) {
        running = false;
        thread.join();
        sample();
      }
    }

    private void sample() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (line.startsWith("VmHWM:")) {
            peakRssKb.accumulateAndGet(Long.parseLong(line.replaceAll("[^0-9]", "")), Math::max);
          }
        }
        String metrics =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        peakHeapBytes.accumulateAndGet(sum(HEAP, metrics), Math::max);
        heapCommittedBytes.accumulateAndGet(sum(HEAP_COMMITTED, metrics), Math::max);
      } catch (IOException | InterruptedException | RuntimeException e) {
        // process gone or busy: keep the peaks seen so far
      }
    }

    private static long sum(Pattern p, String text) {
      Matcher m = p.matcher(text);
      double total = 0;
      while (m.find()) {
        total += Double.parseDouble(m.group(1));
      }
      return (long) total;
    }
  }

  private OperatorScaleBench() {}
}
