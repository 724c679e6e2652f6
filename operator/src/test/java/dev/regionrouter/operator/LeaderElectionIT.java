package dev.regionrouter.operator;

import static dev.regionrouter.operator.MockCluster.region;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.operator.config.OperatorSettings;
import dev.regionrouter.operator.config.OperatorSettings.LeaderElectionSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one API server: one leads (writes), the other stands by (ready, writes nothing),
 * and takes over when the leader stops. Also checks the HTTP side door of both.
 */
class LeaderElectionIT {

  /** A call to the operator that hangs fails instead of holding the build. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration WAIT = Duration.ofSeconds(40);
  private final HttpClient http = HttpClient.newHttpClient();
  private MockCluster cluster;
  private KubernetesClient clientA;
  private KubernetesClient clientB;
  private RegionRouterOperator a;
  private RegionRouterOperator b;

  @AfterEach
  void stopAll() {
    if (a != null) {
      a.stop();
    }
    if (b != null) {
      b.stop();
    }
    clientA.close();
    clientB.close();
    cluster.close();
  }

  private static OperatorSettings replica(String identity) {
    return OperatorSettings.defaults()
        .withDefaultProbe(60, 1)
        .withLeaderElection(
            LeaderElectionSettings.of("operators", identity)
                .withTimings(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(300)));
  }

  @Test
  void onlyTheLeaderWritesAndTheStandbyTakesOverWhenTheLeaderStops() throws Exception {
    cluster = MockCluster.start();
    clientA = cluster.newClient();
    clientB = cluster.newClient();
    a = new RegionRouterOperator(clientA, replica("replica-a"));
    a.start();
    await().atMost(WAIT).until(a::isLeader);
    b = new RegionRouterOperator(clientB, replica("replica-b"));
    b.start();

    String ns = "team";
    cluster.create(region(ns, "r1", "http://127.0.0.1:9", 0.1, 1, "aws"));
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(cluster.table(ns).orElseThrow().regions())
                    .extracting(RegionEntry::name)
                    .containsExactly("r1"));
    assertThat(b.isLeader()).isFalse();
    // both ready (a standby is healthy), both alive, the standby wrote nothing
    for (RegionRouterOperator replica : List.of(a, b)) {
      assertThat(get(replica, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(replica, "/readyz").statusCode()).isEqualTo(200);
    }
    assertThat(get(a, "/readyz").body()).contains("leading");
    assertThat(get(b, "/readyz").body()).contains("standing by");
    assertThat(get(a, "/metrics").body())
        .contains("regionrouter_operator_leader 1.0")
        .containsPattern(
            "regionrouter_operator_table_publishes_total\\{outcome=\"written\"} [1-9]");
    assertThat(get(b, "/metrics").body())
        .contains("regionrouter_operator_leader 0.0")
        .doesNotContainPattern(
            "regionrouter_operator_table_publishes_total\\{outcome=\"written\"} [1-9]");
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("replica-a");

    a.stop();
    a = null;
    await().atMost(WAIT).until(b::isLeader);
    cluster.create(region(ns, "r2", "http://127.0.0.1:9", 0.2, 1, "gcp"));
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(cluster.table(ns).orElseThrow().regions())
                    .extracting(RegionEntry::name)
                    .containsExactly("r1", "r2"));
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("replica-b");
  }

  private io.fabric8.kubernetes.api.model.coordination.v1.Lease lease() {
    return cluster
        .client()
        .leases()
        .inNamespace("operators")
        .withName(OperatorSettings.LEASE_NAME)
        .get();
  }

  private HttpResponse<String> get(RegionRouterOperator replica, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.httpPort() + path))
            .timeout(CALL_TIMEOUT)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
