package dev.regionrouter.operator;

import static dev.regionrouter.operator.MockCluster.region;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.api.table.RoutingTableCodec;
import dev.regionrouter.api.v1alpha1.Condition;
import dev.regionrouter.api.v1alpha1.Conditions;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.operator.MockCluster.Fault;
import dev.regionrouter.operator.config.OperatorSettings;
import dev.regionrouter.operator.reconciler.ReconcileErrors;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator against an API server having a bad day: server errors and conflicts on the writes it
 * makes, watches dropped, the operator itself stopped in the middle of a burst. Every test ends
 * with the same check: the ConfigMap lists exactly the regions that exist, each status says so with
 * every condition once, and the operator is alive and ready.
 *
 * <p>Each test gets its own mock API server (faults and dropped watches hit the whole server). The
 * operator's client retries a 5xx only once (fabric8's default of ten retries with backoff would
 * absorb a short outage before the operator's own retries and error path are exercised).
 */
class ApiServerFaultsIT {

  /** A call to the operator that hangs fails instead of holding the build. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration WAIT = Duration.ofSeconds(45);
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private MockCluster cluster;
  private ExecutorService pool;

  @BeforeEach
  void startCluster() {
    cluster = MockCluster.start();
    pool = Executors.newFixedThreadPool(8);
  }

  @AfterEach
  void stopAll() throws Exception {
    pool.shutdownNow();
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    cluster.close();
  }

  private RegionRouterOperator startOperator() {
    KubernetesClient client = cluster.newClient(1);
    RegionRouterOperator operator =
        new RegionRouterOperator(client, OperatorSettings.defaults().withDefaultProbe(60, 1));
    toClose.add(client);
    toClose.add(operator);
    operator.start();
    return operator;
  }

  @Test
  void convergesAfterServerErrorsOnConfigMapAndStatusWrites() throws Exception {
    String ns = "server-errors";
    RegionRouterOperator operator = startOperator();
    createAll(ns, names("r", 0, 10));
    awaitConverged(ns, Set.copyOf(names("r", 0, 10)));

    Fault configMapErrors =
        cluster.inject(
            MockCluster.configMapWrites(ns),
            500,
            "InternalError",
            "etcdserver: request timed out",
            Integer.MAX_VALUE);
    Fault statusErrors =
        cluster.inject(
            MockCluster.statusWrites(ns),
            500,
            "InternalError",
            "etcdserver: leader changed",
            Integer.MAX_VALUE);
    // during the outage: 20 creations, 5 spec changes, 5 deletions
    List<Future<?>> changes = new ArrayList<>();
    names("r", 10, 30)
        .forEach(
            n ->
                changes.add(
                    pool.submit(
                        () -> cluster.create(region(ns, n, "http://127.0.0.1:9", 0.1, 1, "aws")))));
    names("r", 0, 5).forEach(n -> changes.add(pool.submit(() -> setPriority(ns, n, 7))));
    names("r", 5, 10).forEach(n -> changes.add(pool.submit(() -> delete(ns, n))));
    for (Future<?> f : changes) {
      f.get();
    }
    // the operator keeps trying and is refused, repeatedly, on both kinds of write
    await().atMost(WAIT).until(() -> configMapErrors.hits() >= 3 && statusErrors.hits() >= 3);
    assertAliveAndReady(operator);
    assertThat(cluster.table(ns).orElseThrow().regions()).hasSize(10); // the last good table stays

    configMapErrors.clear();
    statusErrors.clear();
    Set<String> expected = new java.util.TreeSet<>(names("r", 0, 5));
    expected.addAll(names("r", 10, 30));
    awaitConverged(ns, expected);
    assertThat(cluster.table(ns).orElseThrow().regions())
        .filteredOn(e -> expected.contains(e.name()))
        .filteredOn(e -> names("r", 0, 5).contains(e.name()))
        .extracting(RegionEntry::priority)
        .containsOnly(7);
    assertAliveAndReady(operator);
  }

  @Test
  void convergesAfterConflictsOnConfigMapAndStatusWrites() throws Exception {
    String ns = "conflicts";
    RegionRouterOperator operator = startOperator();
    createAll(ns, names("c", 0, 10));
    awaitConverged(ns, Set.copyOf(names("c", 0, 10)));

    // a conflict means someone else wrote the object first: do that write for real, then refuse
    AtomicInteger touches = new AtomicInteger();
    Fault statusConflicts =
        cluster.inject(
            MockCluster.statusWrites(ns),
            409,
            "Conflict",
            "Operation cannot be fulfilled on inferenceregions: the object has been modified; "
                + "please apply your changes to the latest version and try again",
            25,
            request ->
                pool.submit(
                    () ->
                        cluster.edit(
                            ns,
                            MockCluster.objectName(request),
                            r ->
                                r.getMetadata()
                                    .setAnnotations(
                                        Map.of(
                                            "test/touched",
                                            String.valueOf(touches.incrementAndGet()))))));
    Fault configMapConflicts =
        cluster.inject(
            r -> MockCluster.configMapWrites(ns).test(r) && "PUT".equals(r.getMethod()),
            409,
            "Conflict",
            "Operation cannot be fulfilled on configmaps 'inference-regions': the object has been "
                + "modified; please apply your changes to the latest version and try again",
            2);
    List<Future<?>> changes = new ArrayList<>();
    names("c", 10, 30)
        .forEach(
            n ->
                changes.add(
                    pool.submit(
                        () -> cluster.create(region(ns, n, "http://127.0.0.1:9", 0.1, 1, "aws")))));
    names("c", 0, 5).forEach(n -> changes.add(pool.submit(() -> setPriority(ns, n, 3))));
    names("c", 5, 10).forEach(n -> changes.add(pool.submit(() -> delete(ns, n))));
    for (Future<?> f : changes) {
      f.get();
    }

    Set<String> expected = new java.util.TreeSet<>(names("c", 0, 5));
    expected.addAll(names("c", 10, 30));
    awaitConverged(ns, expected);
    assertThat(statusConflicts.hits()).isPositive();
    assertThat(configMapConflicts.hits()).isPositive();
    assertAliveAndReady(operator);
  }

  @Test
  void relistsAfterTheWatchesDropAndConvergesOnChangesMadeMeanwhile() throws Exception {
    String ns = "watch-drop";
    RegionRouterOperator operator = startOperator();
    createAll(ns, names("w", 0, 10));
    awaitConverged(ns, Set.copyOf(names("w", 0, 10)));

    // the API server goes away: every watch is cut, and the next watch requests get 410 Gone
    assertThat(cluster.dropWatches())
        .isGreaterThanOrEqualTo(2); // regions and routing-table ConfigMaps
    createAll(ns, names("w", 10, 15));
    delete(ns, "w-000");
    delete(ns, "w-001");
    setPriority(ns, "w-002", 9);
    cluster
        .client()
        .configMaps()
        .inNamespace(ns)
        .withName(RoutingTableCodec.CONFIG_MAP_NAME)
        .delete();
    assertThat(get(operator, "/healthz").statusCode()).isEqualTo(200);

    Set<String> expected = new java.util.TreeSet<>(names("w", 2, 15));
    awaitConverged(ns, expected);
    assertThat(cluster.table(ns).orElseThrow().region("w-002").priority()).isEqualTo(9);
    // and the watches are back: a change made now arrives too
    cluster.create(region(ns, "w-100", "http://127.0.0.1:9", 0.1, 1, "aws"));
    expected.add("w-100");
    awaitConverged(ns, expected);
    assertAliveAndReady(operator);
  }

  @Test
  void aNewOperatorConvergesOnExactly200WhenTheFirstStopsMidBurst() throws Exception {
    String ns = "restart";
    RegionRouterOperator first = startOperator();
    AtomicInteger accepted = new AtomicInteger();
    List<String> all = names("b", 0, 200);
    List<Future<?>> creates = new ArrayList<>();
    try (ExecutorService creators = Executors.newFixedThreadPool(4)) {
      all.forEach(
          n ->
              creates.add(
                  creators.submit(
                      () -> {
                        cluster.create(region(ns, n, "http://127.0.0.1:9", 0.01, 2, "gcp"));
                        accepted.incrementAndGet();
                      })));
      await().atMost(WAIT).until(() -> accepted.get() >= 100);
      first.stop(); // mid-burst: creations keep coming while no operator runs
      int createdWhileStopped = accepted.get();
      RegionRouterOperator second = startOperator();
      for (Future<?> f : creates) {
        f.get();
      }
      assertThat(createdWhileStopped).isLessThan(200);
      awaitConverged(ns, new java.util.TreeSet<>(all));
      assertAliveAndReady(second);
    }
  }

  @Test
  void showsApiServerErrorOnTheRegionWhileItsTableCannotBeWrittenAndClearsItAfter()
      throws Exception {
    String ns = "error-status";
    RegionRouterOperator operator = startOperator();
    cluster.create(region(ns, "steady", "http://127.0.0.1:9", 0.1, 1, "aws"));
    cluster.create(region(ns, "changing", "http://127.0.0.1:9", 0.2, 1, "aws"));
    awaitConverged(ns, Set.of("changing", "steady"));
    // after the first probe (60 s interval: nothing else changes the status during the test)
    await()
        .atMost(WAIT)
        .until(() -> cluster.get(ns, "changing").orElseThrow().getStatus().getProbe() != null);
    InferenceRegion before = cluster.get(ns, "changing").orElseThrow();

    Fault refused =
        cluster.inject(
            MockCluster.configMapWrites(ns),
            500,
            "InternalError",
            "etcdserver: request timed out",
            Integer.MAX_VALUE);
    setPriority(ns, "changing", 9);
    cluster.create(region(ns, "newcomer", "http://127.0.0.1:9", 0.3, 1, "aws"));

    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              InferenceRegion changing = cluster.get(ns, "changing").orElseThrow();
              Condition ready = condition(changing, Conditions.READY);
              assertThat(ready.getStatus()).isEqualTo(Condition.FALSE);
              assertThat(ready.getReason()).isEqualTo(ReconcileErrors.API_SERVER_ERROR);
              assertThat(ready.getMessage())
                  .contains(
                      "ConfigMap inference-regions", "HTTP 500", "etcdserver: request timed out");
              assertThat(condition(changing, Conditions.RECONCILING).getReason())
                  .isEqualTo(ReconcileErrors.API_SERVER_ERROR);
              // the rest of the status is kept: accepted, still listed (its previous version),
              // probe results
              assertThat(condition(changing, Conditions.ACCEPTED).getLastTransitionTime())
                  .isEqualTo(condition(before, Conditions.ACCEPTED).getLastTransitionTime());
              assertThat(condition(changing, Conditions.ACCEPTED).isTrue()).isTrue();
              assertThat(condition(changing, Conditions.PUBLISHED).isTrue()).isTrue();
              assertThat(condition(changing, Conditions.HEALTHY).getStatus())
                  .isEqualTo(condition(before, Conditions.HEALTHY).getStatus());
              assertThat(changing.getStatus().getProbe()).isEqualTo(before.getStatus().getProbe());
              assertThat(changing.getStatus().getConditions())
                  .extracting(Condition::getType)
                  .doesNotHaveDuplicates();

              InferenceRegion newcomer = cluster.get(ns, "newcomer").orElseThrow();
              Condition published = condition(newcomer, Conditions.PUBLISHED);
              assertThat(published.getStatus()).isEqualTo(Condition.FALSE);
              assertThat(published.getReason()).isEqualTo(ReconcileErrors.API_SERVER_ERROR);
              assertThat(condition(newcomer, Conditions.ACCEPTED).isTrue()).isTrue();
              // the region whose table entry is current is not bothered
              assertThat(ReconcileErrorsShown.in(cluster.get(ns, "steady").orElseThrow()))
                  .isFalse();
            });
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(cluster.client().v1().events().inNamespace(ns).list().getItems())
                    .filteredOn(e -> "changing".equals(e.getInvolvedObject().getName()))
                    .filteredOn(e -> ReconcileErrors.API_SERVER_ERROR.equals(e.getReason()))
                    .hasSize(1));

    // no churn while the error lasts: the operator retries (more refused writes), the status stays
    // put
    AtomicInteger statusWrites = cluster.countRequests(MockCluster.statusWrites(ns, "changing"));
    String shownVersion =
        cluster.get(ns, "changing").orElseThrow().getMetadata().getResourceVersion();
    int refusedSoFar = refused.hits();
    await().atMost(WAIT).until(() -> refused.hits() >= refusedSoFar + 2);
    assertThat(statusWrites.get()).isZero();
    assertThat(cluster.get(ns, "changing").orElseThrow().getMetadata().getResourceVersion())
        .isEqualTo(shownVersion);
    assertAliveAndReady(operator);

    refused.clear();
    awaitConverged(ns, Set.of("changing", "newcomer", "steady"));
    InferenceRegion recovered = cluster.get(ns, "changing").orElseThrow();
    assertThat(cluster.table(ns).orElseThrow().region("changing").priority()).isEqualTo(9);
    // the regions' endpoints refuse connections: that is Healthy's business, never Reconciling's
    assertThat(condition(recovered, Conditions.RECONCILING)).isNull();
    assertThat(condition(recovered, Conditions.ACCEPTED).getLastTransitionTime())
        .isEqualTo(condition(before, Conditions.ACCEPTED).getLastTransitionTime());
  }

  /** Whether any condition shows an error of the operator's error path. */
  private static final class ReconcileErrorsShown {
    static boolean in(InferenceRegion region) {
      return region.getStatus() != null
          && region.getStatus().getConditions().stream()
              .anyMatch(
                  c ->
                      ReconcileErrors.API_SERVER_ERROR.equals(c.getReason())
                          || ReconcileErrors.INTERNAL_ERROR.equals(c.getReason()));
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  private static List<String> names(String prefix, int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> String.format("%s-%03d", prefix, i)).toList();
  }

  private void createAll(String ns, List<String> names) throws Exception {
    List<Future<?>> creates = new ArrayList<>();
    names.forEach(
        n ->
            creates.add(
                pool.submit(
                    () -> cluster.create(region(ns, n, "http://127.0.0.1:9", 0.1, 1, "aws")))));
    for (Future<?> f : creates) {
      f.get();
    }
  }

  private void setPriority(String ns, String name, int priority) {
    cluster.edit(ns, name, r -> r.getSpec().setPriority(priority));
  }

  private void delete(String ns, String name) {
    cluster.client().resources(InferenceRegion.class).inNamespace(ns).withName(name).delete();
  }

  private static Condition condition(InferenceRegion region, String type) {
    return region.getStatus() == null ? null : region.getStatus().condition(type).orElse(null);
  }

  /**
   * Converged: the ConfigMap lists exactly these regions (no duplicate, none lost), and every
   * region's status is current (observedGeneration), says Published=True, carries each condition
   * once and no error.
   */
  private void awaitConverged(String ns, Set<String> expected) {
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              List<String> listed =
                  cluster.table(ns).orElseThrow().regions().stream()
                      .map(RegionEntry::name)
                      .toList();
              assertThat(listed).doesNotHaveDuplicates();
              assertThat(listed).containsExactlyElementsOf(expected.stream().sorted().toList());
              List<InferenceRegion> regions =
                  cluster
                      .client()
                      .resources(InferenceRegion.class)
                      .inNamespace(ns)
                      .list()
                      .getItems();
              assertThat(
                      regions.stream()
                          .map(r -> r.getMetadata().getName())
                          .collect(Collectors.toSet()))
                  .isEqualTo(expected);
              assertThat(regions)
                  .allSatisfy(
                      r -> {
                        assertThat(r.getStatus()).isNotNull();
                        assertThat(r.getStatus().getObservedGeneration())
                            .isEqualTo(r.getMetadata().getGeneration());
                        assertThat(r.getStatus().getConditions())
                            .extracting(Condition::getType)
                            .doesNotHaveDuplicates();
                        Condition published = condition(r, Conditions.PUBLISHED);
                        assertThat(published.isTrue()).isTrue();
                        assertThat(published.getMessage())
                            .isEqualTo("listed in ConfigMap " + RoutingTableCodec.CONFIG_MAP_NAME);
                        assertThat(ReconcileErrorsShown.in(r))
                            .as("error conditions of %s", r.getMetadata().getName())
                            .isFalse();
                      });
            });
  }

  private void assertAliveAndReady(RegionRouterOperator operator) throws Exception {
    assertThat(get(operator, "/healthz").statusCode()).isEqualTo(200);
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(get(operator, "/readyz").statusCode()).isEqualTo(200));
  }

  private HttpResponse<String> get(RegionRouterOperator operator, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.httpPort() + path))
            .timeout(CALL_TIMEOUT)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
