package dev.regionrouter.operator;

import static dev.regionrouter.operator.MockCluster.region;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.operator.config.OperatorSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator's /metrics as Prometheus scrapes it: the per-region Ready and Healthy gauges follow
 * the objects' conditions, and a deleted region's series leave with it; the operator's own meters
 * all share the regionrouter_operator_ prefix.
 */
class OperatorMetricsIT {

  /** A call to the operator that hangs fails instead of holding the build. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @RegisterExtension
  static final InProcessOperator OPERATOR =
      new InProcessOperator(OperatorSettings.defaults().withDefaultProbe(1, 1));

  @RegisterExtension static final RegionHealthServer LIVE = new RegionHealthServer(0);

  private static MockCluster cluster() {
    return OPERATOR.cluster();
  }

  @Test
  void perRegionReadyAndHealthyGaugesFollowTheConditionsAndLeaveWithADeletedRegion() {
    String ns = "metrics";
    String liveEndpoint = LIVE.endpoint();
    cluster().create(region(ns, "ap-south-1", liveEndpoint, 0.32, 1, "aws"));
    cluster().create(region(ns, "us-east-1", "http://127.0.0.1:1", 0.5, 3, "aws"));
    // the mock API server does not validate: an invalid spec reaches the operator, Ready=False
    cluster().create(region(ns, "broken-1", "ftp://nowhere.example", 0.5, 3, "aws"));
    String ready = "regionrouter_operator_region_ready";
    String healthy = "regionrouter_operator_region_healthy";
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              String metrics = scrape();
              assertThat(value(metrics, ready, ns, "ap-south-1")).isEqualTo(1.0);
              assertThat(value(metrics, healthy, ns, "ap-south-1")).isEqualTo(1.0);
              // nothing listens on port 1: Healthy=False after three failed probes, while Ready
              // (in effect in the routing table) stays True: two gauges for two facts
              assertThat(value(metrics, healthy, ns, "us-east-1")).isEqualTo(0.0);
              assertThat(value(metrics, ready, ns, "us-east-1")).isEqualTo(1.0);
              assertThat(value(metrics, ready, ns, "broken-1")).isEqualTo(0.0);
            });

    cluster()
        .client()
        .resources(InferenceRegion.class)
        .inNamespace(ns)
        .withName("us-east-1")
        .delete();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              String metrics = scrape();
              assertThat(metrics).doesNotContain("region=\"us-east-1\"");
              assertThat(value(metrics, ready, ns, "ap-south-1")).isEqualTo(1.0);
            });
  }

  @Test
  void theOperatorsOwnMetersShareOnePrefix() throws Exception {
    String metrics = scrape();
    assertThat(metrics)
        .contains("regionrouter_operator_reconcile_failures_total")
        .contains("regionrouter_operator_table_publishes_total{")
        .contains("regionrouter_operator_leader ");
    // every series is ours (regionrouter_operator_), the JVM's and process' (jvm_, process_,
    // system_) or java-operator-sdk's (operator_sdk_)
    metrics
        .lines()
        .filter(l -> !l.startsWith("#") && !l.isBlank())
        .map(l -> l.split("[{ ]", 2)[0])
        .forEach(
            name ->
                assertThat(name)
                    .matches("(regionrouter_operator_|jvm_|process_|system_|operator_sdk_).*"));
  }

  /** The gauge's value for the region, or null when it has no series. */
  private static Double value(String metrics, String name, String namespace, String region) {
    Matcher m =
        Pattern.compile(
                "(?m)^"
                    + name
                    + "\\{region=\""
                    + Pattern.quote(region)
                    + "\",region_namespace=\""
                    + Pattern.quote(namespace)
                    + "\"} (\\S+)$")
            .matcher(metrics);
    return m.find() ? Double.valueOf(m.group(1)) : null;
  }

  private static String scrape() throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + OPERATOR.operator().httpPort() + "/metrics"))
                .timeout(CALL_TIMEOUT)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
