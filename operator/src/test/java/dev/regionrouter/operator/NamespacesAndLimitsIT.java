package dev.regionrouter.operator;

import static dev.regionrouter.operator.MockCluster.region;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.api.v1alpha1.Condition;
import dev.regionrouter.api.v1alpha1.Conditions;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.operator.config.OperatorSettings;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** WATCH_NAMESPACES is honoured, and a table over the size limit keeps the last one. */
class NamespacesAndLimitsIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension
  static final InProcessOperator OPERATOR =
      new InProcessOperator(
          OperatorSettings.defaults()
              .withDefaultProbe(60, 1)
              .withWatchNamespaces(Set.of("watched", "small"))
              .withMaxTableBytes(400));

  private static MockCluster cluster() {
    return OPERATOR.cluster();
  }

  @Test
  void managesOnlyTheWatchedNamespaces() {
    cluster().create(region("elsewhere", "x", "http://127.0.0.1:9", 0.1, 1, "aws"));
    cluster().create(region("watched", "y", "http://127.0.0.1:9", 0.1, 1, "aws"));
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(cluster().table("watched").orElseThrow().regions())
                    .extracting(RegionEntry::name)
                    .containsExactly("y"));
    // the watched namespace was handled after the other one was created: the other stays untouched
    assertThat(cluster().configMap("elsewhere")).isEmpty();
    InferenceRegion other = cluster().get("elsewhere", "x").orElseThrow();
    assertThat(other.getStatus() == null || other.getStatus().getConditions().isEmpty()).isTrue();
  }

  @Test
  void keepsTheLastTableAndReportsRoutingTableTooLargeForRegionsThatDoNotFit() {
    String ns = "small";
    cluster().create(region(ns, "a", "http://127.0.0.1:9", 0.1, 1, "aws"));
    cluster().create(region(ns, "b", "http://127.0.0.1:9", 0.1, 1, "aws"));
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(cluster().table(ns).orElseThrow().regions()).hasSize(2);
              assertThat(
                      cluster()
                          .get(ns, "b")
                          .orElseThrow()
                          .getStatus()
                          .condition(Conditions.PUBLISHED)
                          .orElseThrow()
                          .isTrue())
                  .isTrue();
            });
    // four more regions push regions.json past the 400-byte limit set for this test
    for (String name : new String[] {"c", "d", "e", "f"}) {
      cluster().create(region(ns, name, "http://127.0.0.1:9", 0.1, 1, "aws"));
    }
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Condition published =
                  cluster()
                      .get(ns, "f")
                      .orElseThrow()
                      .getStatus()
                      .condition(Conditions.PUBLISHED)
                      .orElseThrow();
              assertThat(published.getStatus()).isEqualTo(Condition.FALSE);
              assertThat(published.getReason()).isEqualTo(Conditions.Reasons.TABLE_TOO_LARGE);
              InferenceRegion a = cluster().get(ns, "a").orElseThrow();
              assertThat(a.getStatus().condition(Conditions.PUBLISHED).orElseThrow().isTrue())
                  .isTrue();
            });
    assertThat(cluster().table(ns).orElseThrow().regions())
        .extracting(RegionEntry::name)
        .containsExactly("a", "b");

    // back under the limit: everything is published
    for (String name : new String[] {"c", "d", "e"}) {
      cluster().client().resources(InferenceRegion.class).inNamespace(ns).withName(name).delete();
    }
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(cluster().table(ns).orElseThrow().regions())
                  .extracting(RegionEntry::name)
                  .containsExactly("a", "b", "f");
              assertThat(
                      cluster()
                          .get(ns, "f")
                          .orElseThrow()
                          .getStatus()
                          .condition(Conditions.PUBLISHED)
                          .orElseThrow()
                          .isTrue())
                  .isTrue();
            });
  }
}
