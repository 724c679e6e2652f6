package dev.regionrouter.operator;

import static dev.regionrouter.operator.MockCluster.region;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.api.table.RoutingTable;
import dev.regionrouter.api.table.RoutingTableCodec;
import dev.regionrouter.api.v1alpha1.Condition;
import dev.regionrouter.api.v1alpha1.Conditions;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.api.v1alpha1.SecretKeyReference;
import dev.regionrouter.operator.config.OperatorSettings;
import dev.regionrouter.operator.table.ConfigMapStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The routing-table contract end to end against a CRUD mock API server, with one operator started
 * in-process as in production. Each test uses its own namespace (a namespace is a routing domain).
 */
class RoutingTableIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  // regions point at a closed port: probing them is not what these tests look at
  @RegisterExtension
  static final InProcessOperator OPERATOR =
      new InProcessOperator(OperatorSettings.defaults().withDefaultProbe(60, 1));

  private static MockCluster cluster() {
    return OPERATOR.cluster();
  }

  private static KubernetesClient client() {
    return cluster().client();
  }

  @Test
  void publishesTheExampleRegionsSortedWithTheContractFields() throws Exception {
    String ns = "examples";
    try (InputStream in =
        Files.newInputStream(Path.of("..", "examples", "inferenceregions.yaml"))) {
      client()
          .load(in)
          .items()
          .forEach(
              item -> {
                item.getMetadata().setNamespace(ns);
                client().resource(item).create();
              });
    }
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              RoutingTable table = cluster().table(ns).orElseThrow();
              assertThat(table.regions())
                  .extracting(RegionEntry::name)
                  .containsExactly("ap-south-1", "brazilsouth", "me-south-1", "us-east-1");
            });
    ConfigMap cm = cluster().configMap(ns).orElseThrow();
    assertThat(cm.getMetadata().getLabels())
        .containsEntry(ConfigMapStore.MANAGED_BY_LABEL, "region-router-operator")
        .containsEntry(ConfigMapStore.PART_OF_LABEL, "region-router");
    String json = cm.getData().get(RoutingTableCodec.CONFIG_MAP_KEY);
    // deterministic bytes: exactly what the codec writes for the same table
    assertThat(json).isEqualTo(RoutingTableCodec.toJson(RoutingTableCodec.readJson(json)));
    assertThat(json)
        .contains("\"name\":\"ap-south-1\"", "\"costPer1kTokens\"", "\"priority\"", "\"provider\"");
  }

  @Test
  void followsCreateUpdateAndDeleteAndKeepsAnEmptyTableWhenTheLastRegionGoes() {
    String ns = "lifecycle";
    InferenceRegion region = region(ns, "eu-west-1", "http://127.0.0.1:9/", 0.5, 2, "aws");
    region.getMetadata().setLabels(Map.of("geo", "eu"));
    region.getSpec().setCredentialsSecretRef(new SecretKeyReference("eu-token", null));
    cluster().create(region);
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              RegionEntry entry = cluster().table(ns).orElseThrow().region("eu-west-1");
              assertThat(entry).isNotNull();
              assertThat(entry.priority()).isEqualTo(2);
              assertThat(entry.labels()).containsEntry("geo", "eu");
              assertThat(entry.credentialsSecretRef())
                  .isEqualTo(new RegionEntry.SecretRef("eu-token", "token"));
            });

    cluster().edit(ns, "eu-west-1", r -> r.getSpec().setPriority(7));
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(cluster().table(ns).orElseThrow().region("eu-west-1").priority())
                    .isEqualTo(7));

    cluster().edit(ns, "eu-west-1", r -> r.getMetadata().setLabels(Map.of("geo", "emea")));
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(cluster().table(ns).orElseThrow().region("eu-west-1").labels())
                    .containsEntry("geo", "emea"));

    client().resources(InferenceRegion.class).inNamespace(ns).withName("eu-west-1").delete();
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        cluster()
                            .configMap(ns)
                            .orElseThrow()
                            .getData()
                            .get(RoutingTableCodec.CONFIG_MAP_KEY))
                    .isEqualTo("{\"regions\":[]}"));
  }

  @Test
  void leavesADrainedRegionOutAndPutsItBackWhenUndrained() {
    String ns = "drain";
    cluster().create(region(ns, "a", "http://127.0.0.1:9", 0.1, 1, "aws"));
    InferenceRegion drained = region(ns, "b", "http://127.0.0.1:9", 0.2, 1, "gcp");
    drained.getSpec().setDrain(true);
    cluster().create(drained);
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(cluster().table(ns).orElseThrow().regions())
                  .extracting(RegionEntry::name)
                  .containsExactly("a");
              Condition published =
                  cluster()
                      .get(ns, "b")
                      .orElseThrow()
                      .getStatus()
                      .condition(Conditions.PUBLISHED)
                      .orElseThrow();
              assertThat(published.getStatus()).isEqualTo(Condition.FALSE);
              assertThat(published.getReason()).isEqualTo(Conditions.Reasons.DRAINED);
            });

    cluster().edit(ns, "b", r -> r.getSpec().setDrain(false));
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(cluster().table(ns).orElseThrow().regions())
                  .extracting(RegionEntry::name)
                  .containsExactly("a", "b");
              Condition published =
                  cluster()
                      .get(ns, "b")
                      .orElseThrow()
                      .getStatus()
                      .condition(Conditions.PUBLISHED)
                      .orElseThrow();
              assertThat(published.getReason()).isEqualTo(Conditions.Reasons.PUBLISHED);
              assertThat(published.getStatus()).isEqualTo(Condition.TRUE);
            });
  }

  @Test
  void reportsAnInvalidObjectWithAConditionAndAnEventAndKeepsTheOthersPublished() {
    String ns = "invalid";
    cluster().create(region(ns, "good", "http://127.0.0.1:9", 0.1, 1, "aws"));
    // the mock API server does not validate: this is what slips past an old or missing CRD schema
    cluster().create(region(ns, "bad", "ftp://example.com?x=1", -1, 1, "AWS!"));
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              InferenceRegion bad = cluster().get(ns, "bad").orElseThrow();
              assertThat(bad.getStatus()).isNotNull();
              Condition accepted = bad.getStatus().condition(Conditions.ACCEPTED).orElseThrow();
              assertThat(accepted.getStatus()).isEqualTo(Condition.FALSE);
              assertThat(accepted.getReason()).isEqualTo(Conditions.Reasons.INVALID_SPEC);
              assertThat(accepted.getMessage()).contains("endpoint", "costPer1kTokens", "provider");
              assertThat(bad.getStatus().condition(Conditions.STALLED).orElseThrow().isTrue())
                  .isTrue();
              assertThat(bad.getStatus().condition(Conditions.READY).orElseThrow().getStatus())
                  .isEqualTo(Condition.FALSE);
              assertThat(bad.getStatus().getObservedGeneration())
                  .isEqualTo(bad.getMetadata().getGeneration());
              assertThat(cluster().table(ns).orElseThrow().regions())
                  .extracting(RegionEntry::name)
                  .containsExactly("good");
              assertThat(
                      cluster()
                          .get(ns, "good")
                          .orElseThrow()
                          .getStatus()
                          .condition(Conditions.PUBLISHED)
                          .orElseThrow()
                          .isTrue())
                  .isTrue();
            });
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              List<Event> events =
                  client().v1().events().inNamespace(ns).list().getItems().stream()
                      .filter(e -> "bad".equals(e.getInvolvedObject().getName()))
                      .filter(e -> Conditions.Reasons.INVALID_SPEC.equals(e.getReason()))
                      .toList();
              assertThat(events).hasSize(1);
              assertThat(events.get(0).getType()).isEqualTo("Warning");
            });

    // fixing the spec clears Stalled and publishes it
    cluster()
        .edit(
            ns,
            "bad",
            r -> {
              r.getSpec().setEndpoint("http://127.0.0.1:9");
              r.getSpec().setCostPer1kTokens(0.3);
              r.getSpec().setProvider("aws");
            });
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              InferenceRegion fixed = cluster().get(ns, "bad").orElseThrow();
              assertThat(fixed.getStatus().condition(Conditions.ACCEPTED).orElseThrow().isTrue())
                  .isTrue();
              assertThat(fixed.getStatus().condition(Conditions.STALLED)).isEmpty();
              assertThat(cluster().table(ns).orElseThrow().regions())
                  .extracting(RegionEntry::name)
                  .containsExactly("bad", "good");
            });
  }

  @Test
  void convergesOnExactly200Then100RegionsAfterConcurrentBurstsWithFewWrites() throws Exception {
    String ns = "burst";
    try (MockCluster.WriteCounter writes = cluster().countConfigMapWrites(ns);
        ExecutorService pool = Executors.newFixedThreadPool(16)) {
      List<Future<?>> created = new ArrayList<>();
      IntStream.range(0, 200)
          .forEach(
              i ->
                  created.add(
                      pool.submit(
                          () ->
                              cluster()
                                  .create(
                                      region(
                                          ns,
                                          String.format("r-%03d", i),
                                          "http://127.0.0.1:9",
                                          0.01 * i,
                                          i % 5,
                                          "aws")))));
      for (Future<?> f : created) {
        f.get();
      }
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .untilAsserted(
              () -> assertThat(cluster().table(ns).orElseThrow().regions()).hasSize(200));
      int writesAfterCreates = writes.writes();

      List<Future<?>> deleted = new ArrayList<>();
      IntStream.range(0, 100)
          .forEach(
              i ->
                  deleted.add(
                      pool.submit(
                          () ->
                              client()
                                  .resources(InferenceRegion.class)
                                  .inNamespace(ns)
                                  .withName(String.format("r-%03d", 2 * i))
                                  .delete())));
      for (Future<?> f : deleted) {
        f.get();
      }
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                RoutingTable table = cluster().table(ns).orElseThrow();
                assertThat(table.regions()).hasSize(100);
                assertThat(table.regions())
                    .extracting(RegionEntry::name)
                    .allMatch(n -> Integer.parseInt(n.substring(2)) % 2 == 1);
              });
      // 300 changes: coalesced into a handful of writes, far fewer than one per change
      assertThat(writesAfterCreates).isLessThan(20);
      assertThat(writes.writes()).isLessThan(40);
    }
    // and every remaining region says so in its status, each condition once
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        client().resources(InferenceRegion.class).inNamespace(ns).list().getItems())
                    .allSatisfy(
                        r -> {
                          assertThat(r.getStatus()).isNotNull();
                          assertThat(
                                  r.getStatus()
                                      .condition(Conditions.PUBLISHED)
                                      .orElseThrow()
                                      .isTrue())
                              .isTrue();
                          assertThat(r.getStatus().getConditions())
                              .extracting(Condition::getType)
                              .doesNotHaveDuplicates();
                        }));
  }

  @Test
  void undoesAHandEditAndADeletionOfTheConfigMap() {
    String ns = "drift";
    cluster().create(region(ns, "x", "http://127.0.0.1:9", 0.1, 1, "aws"));
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> cluster().table(ns).map(t -> t.regions().size() == 1).orElse(false));
    String good =
        cluster().configMap(ns).orElseThrow().getData().get(RoutingTableCodec.CONFIG_MAP_KEY);

    client()
        .configMaps()
        .inNamespace(ns)
        .withName(RoutingTableCodec.CONFIG_MAP_NAME)
        .edit(
            cm -> {
              cm.getData().put(RoutingTableCodec.CONFIG_MAP_KEY, "{\"regions\":[]}");
              return cm;
            });
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        cluster()
                            .configMap(ns)
                            .orElseThrow()
                            .getData()
                            .get(RoutingTableCodec.CONFIG_MAP_KEY))
                    .isEqualTo(good));

    client().configMaps().inNamespace(ns).withName(RoutingTableCodec.CONFIG_MAP_NAME).delete();
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        cluster()
                            .configMap(ns)
                            .map(cm -> cm.getData().get(RoutingTableCodec.CONFIG_MAP_KEY)))
                    .contains(good));
  }
}
