package dev.regionrouter.operator;

import static dev.regionrouter.operator.MockCluster.region;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.regionrouter.api.v1alpha1.Condition;
import dev.regionrouter.api.v1alpha1.Conditions;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.operator.config.OperatorSettings;
import io.fabric8.kubernetes.api.model.Event;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Status, conditions and the operator's own probes, with real local HTTP servers as regions and a 1
 * s default probe interval (the override tests and small clusters use). The operator trusts a
 * private CA's bundle (OPERATOR_PROBE_TRUSTED_CA_FILE), and one region is an https server whose
 * certificate that CA signed.
 */
class StatusAndProbeIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private static final PrivateCa CA = PrivateCa.create("private regions CA");

  @RegisterExtension
  static final InProcessOperator OPERATOR =
      new InProcessOperator(
          OperatorSettings.defaults()
              .withDefaultProbe(1, 1)
              .withProbeTrustedCas(CA.trustedCaBundle()));

  /** An https region whose certificate the private CA signed. */
  @RegisterExtension
  static final RegionHealthServer PRIVATELY_SIGNED =
      new RegionHealthServer(0, CA.serverContext("localhost"));

  /**
   * The live region, 100 ms away. A status is written when the smoothed latency leaves a band of
   * max(5 ms, 20 %) around the reported one: at 100 ms a single probe must come ~67 ms late to move
   * it (EWMA alpha 0.3), more than a busy 2-core CI machine delays one.
   */
  @RegisterExtension static final RegionHealthServer LIVE = new RegionHealthServer(100);

  private static MockCluster cluster() {
    return OPERATOR.cluster();
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Condition condition(InferenceRegion r, String type) {
    return r.getStatus().condition(type).orElseThrow();
  }

  @Test
  void aLiveRegionBecomesReadyWithItsLatencyAndStatusStopsChangingAcrossProbeRounds() {
    String ns = "live";
    cluster().create(region(ns, "ap-south-1", LIVE.endpoint(), 0.32, 1, "aws"));
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              InferenceRegion r = cluster().get(ns, "ap-south-1").orElseThrow();
              assertThat(r.isReady()).isTrue();
              assertThat(condition(r, Conditions.READY).getReason())
                  .isEqualTo(Conditions.Reasons.PUBLISHED);
              assertThat(condition(r, Conditions.HEALTHY).getReason())
                  .isEqualTo(Conditions.Reasons.PROBE_SUCCEEDED);
              assertThat(condition(r, Conditions.ACCEPTED).getReason())
                  .isEqualTo(Conditions.Reasons.VALID);
              assertThat(condition(r, Conditions.PUBLISHED).getReason())
                  .isEqualTo(Conditions.Reasons.PUBLISHED);
              assertThat(r.getStatus().condition(Conditions.RECONCILING)).isEmpty();
              assertThat(r.getStatus().condition(Conditions.STALLED)).isEmpty();
              assertThat(r.getStatus().getProbe().getHealthy()).isTrue();
              assertThat(r.getStatus().getProbe().getLatencyMs()).isGreaterThanOrEqualTo(30L);
              assertThat(r.getStatus().getProbe().getLastProbeTime()).isNotBlank();
              assertThat(r.getStatus().getProbe().getConsecutiveFailures()).isZero();
            });
    // a cold start's first probes are slow (JIT, connections; more so on a busy CI machine): the
    // reported latency may still move out of its band once; steady is three rounds without a write
    await()
        .atMost(WAIT)
        .until(
            () -> {
              String version =
                  cluster().get(ns, "ap-south-1").orElseThrow().getMetadata().getResourceVersion();
              int seen = LIVE.hits();
              await().atMost(WAIT).until(() -> LIVE.hits() >= seen + 3);
              return version.equals(
                  cluster().get(ns, "ap-south-1").orElseThrow().getMetadata().getResourceVersion());
            });
    InferenceRegion settled = cluster().get(ns, "ap-south-1").orElseThrow();
    assertThat(settled.getStatus().getConditions())
        .extracting(Condition::getType)
        .containsExactly(
            Conditions.READY, Conditions.ACCEPTED, Conditions.PUBLISHED, Conditions.HEALTHY);
    assertThat(settled.getStatus().getConditions())
        .allSatisfy(
            c ->
                assertThat(c.getObservedGeneration())
                    .isEqualTo(settled.getMetadata().getGeneration()));

    // several more probe rounds of a steady region: no status write at all (no churn)
    int hits = LIVE.hits();
    await().atMost(WAIT).until(() -> LIVE.hits() >= hits + 5);
    InferenceRegion later = cluster().get(ns, "ap-south-1").orElseThrow();
    assertThat(later.getStatus()).usingRecursiveComparison().isEqualTo(settled.getStatus());
    assertThat(later.getMetadata().getResourceVersion())
        .isEqualTo(settled.getMetadata().getResourceVersion());

    // a spec change moves observedGeneration; lastTransitionTime stays (no status flipped). The
    // edit is optimistic (resourceVersion): a status write landing between its read and its patch
    // gets a 409, and the edit is redone, as kubectl does
    cluster().edit(ns, "ap-south-1", r -> r.getSpec().setPriority(3));
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              InferenceRegion r = cluster().get(ns, "ap-south-1").orElseThrow();
              assertThat(r.getStatus().getObservedGeneration())
                  .isEqualTo(r.getMetadata().getGeneration());
              assertThat(r.isReady()).isTrue();
              assertThat(r.getStatus().getConditions())
                  .extracting(Condition::getType)
                  .doesNotHaveDuplicates();
              for (Condition c : r.getStatus().getConditions()) {
                assertThat(c.getLastTransitionTime())
                    .isEqualTo(
                        settled
                            .getStatus()
                            .condition(c.getType())
                            .orElseThrow()
                            .getLastTransitionTime());
              }
            });
  }

  @Test
  void aDeadRegionBecomesUnhealthyWithOneEventAndCountsFailuresWithoutChurn() throws IOException {
    String ns = "dead";
    cluster().create(region(ns, "us-east-1", "http://127.0.0.1:" + closedPort(), 0.5, 1, "aws"));
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              InferenceRegion r = cluster().get(ns, "us-east-1").orElseThrow();
              assertThat(condition(r, Conditions.HEALTHY).getStatus()).isEqualTo(Condition.FALSE);
              assertThat(condition(r, Conditions.HEALTHY).getReason())
                  .isEqualTo(Conditions.Reasons.PROBE_FAILED);
              // a provider outage is not a failed rollout: Ready (in effect) stays True
              assertThat(r.isReady()).isTrue();
              assertThat(condition(r, Conditions.READY).getReason())
                  .isEqualTo(Conditions.Reasons.PUBLISHED);
              assertThat(r.getStatus().condition(Conditions.RECONCILING)).isEmpty();
              // still published: the router decides with its own probes, the status reports
              assertThat(condition(r, Conditions.PUBLISHED).isTrue()).isTrue();
              assertThat(r.getStatus().getProbe().getHealthy()).isFalse();
              assertThat(r.getStatus().getProbe().getConsecutiveFailures())
                  .isGreaterThanOrEqualTo(3);
              assertThat(r.getStatus().getProbe().getLastError()).isEqualTo("connection refused");
            });
    String transition =
        condition(cluster().get(ns, "us-east-1").orElseThrow(), Conditions.HEALTHY)
            .getLastTransitionTime();
    // more failed rounds: failures reach 4 (reported at 1, 2, 3, 4, 8, ...), the transition time
    // stays
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              InferenceRegion r = cluster().get(ns, "us-east-1").orElseThrow();
              assertThat(r.getStatus().getProbe().getConsecutiveFailures())
                  .isGreaterThanOrEqualTo(4);
              assertThat(condition(r, Conditions.HEALTHY).getLastTransitionTime())
                  .isEqualTo(transition);
              assertThat(r.getStatus().getConditions())
                  .extracting(Condition::getType)
                  .doesNotHaveDuplicates();
            });
    List<Event> unhealthy = events(ns, "us-east-1", "Unhealthy");
    assertThat(unhealthy).hasSize(1);
    assertThat(unhealthy.get(0).getType()).isEqualTo("Warning");
  }

  @Test
  void aFailingRegionRecoversWithARecoveredEvent() {
    String ns = "flaky";
    LIVE.answerWith(503);
    try {
      cluster().create(region(ns, "me-south-1", LIVE.endpoint(), 0.4, 1, "azure"));
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                InferenceRegion r = cluster().get(ns, "me-south-1").orElseThrow();
                assertThat(condition(r, Conditions.HEALTHY).getStatus()).isEqualTo(Condition.FALSE);
                assertThat(r.getStatus().getProbe().getLastError()).isEqualTo("HTTP 503");
              });
    } finally {
      LIVE.answerWith(200);
    }
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              InferenceRegion r = cluster().get(ns, "me-south-1").orElseThrow();
              assertThat(r.isReady()).isTrue();
              assertThat(r.getStatus().getProbe().getLastError()).isNull();
              assertThat(events(ns, "me-south-1", "Recovered")).hasSize(1);
              assertThat(events(ns, "me-south-1", "Unhealthy")).hasSize(1);
            });
  }

  @Test
  void aPrivatelySignedHttpsRegionIsHealthyWhenTheOperatorTrustsItsCa() {
    String ns = "private-ca";
    cluster().create(region(ns, "on-prem-1", PRIVATELY_SIGNED.endpoint(), 0.1, 1, "onprem"));
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              InferenceRegion r = cluster().get(ns, "on-prem-1").orElseThrow();
              assertThat(r.isReady()).isTrue();
              assertThat(condition(r, Conditions.HEALTHY).getStatus()).isEqualTo(Condition.TRUE);
              assertThat(condition(r, Conditions.HEALTHY).getReason())
                  .isEqualTo(Conditions.Reasons.PROBE_SUCCEEDED);
              assertThat(r.getStatus().getProbe().getLastError()).isNull();
            });
  }

  @Test
  void aDrainedHealthyRegionIsReadyWithReasonDrained() {
    String ns = "drained";
    InferenceRegion r = region(ns, "brazilsouth", LIVE.endpoint(), 0.28, 3, "azure");
    r.getSpec().setDrain(true);
    cluster().create(r);
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              InferenceRegion got = cluster().get(ns, "brazilsouth").orElseThrow();
              assertThat(got.isReady()).isTrue();
              assertThat(condition(got, Conditions.READY).getReason())
                  .isEqualTo(Conditions.Reasons.DRAINED);
              assertThat(condition(got, Conditions.PUBLISHED).getReason())
                  .isEqualTo(Conditions.Reasons.DRAINED);
              assertThat(got.getStatus().getProbe().getHealthy()).isTrue();
            });
  }

  private static List<Event> events(String ns, String name, String reason) {
    return cluster().client().v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
        .toList();
  }
}
