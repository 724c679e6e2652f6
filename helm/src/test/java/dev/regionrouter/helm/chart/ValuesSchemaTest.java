package dev.regionrouter.helm.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** values.schema.json makes a misspelt or mistyped value fail the install instead of vanishing. */
class ValuesSchemaTest {

  @TempDir Path dir;

  private static final Map<String, Object> REGION =
      Map.of(
          "endpoint",
          "https://r.example.com",
          "costPer1kTokens",
          0.1,
          "priority",
          1,
          "provider",
          "aws");

  private void assertRejected(Values values, String expectedInMessage) {
    Path file = Charts.writeValues(dir, values.yaml());
    assertThatThrownBy(() -> Charts.templateCommand(file).call())
        .as("helm template with values:\n%s", values)
        .hasMessageContaining(expectedInMessage);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "bogus",
        "operator.bogus",
        "operator.image.bogus",
        "operator.leaderElection.bogus",
        "operator.resources.bogus",
        "operator.resources.limits.bogus",
        "operator.serviceAccount.bogus",
        "operator.affinity.bogus",
        "router.bogus",
        "router.image.bogus",
        "router.service.bogus",
        "router.credentials.bogus",
        "router.autoscaling.bogus",
        "router.podDisruptionBudget.bogus",
        "router.resources.requests.bogus",
        "securityContext.bogus",
        "monitoring.bogus",
        "monitoring.serviceMonitor.bogus",
        "networkPolicy.bogus",
        "crds.bogus",
        "trustedCA.bogus",
        "demoRegions.bogus",
        "demoRegions.image.bogus",
        "tests.bogus",
        "tests.image.bogus",
      })
  void rejectsAnUnknownKeyAtEveryLevel(String path) {
    assertRejected(Values.of(path, "x"), "bogus");
  }

  @Test
  void rejectsUnknownKeysInsideListItemsAndRegions() {
    assertRejected(
        Values.of(
            "networkPolicy.routerClients",
            List.of(Map.of("podSelector", Map.of("matchLabelz", Map.of())))),
        "matchLabelz");
    assertRejected(
        Values.of("router.extraEnv", List.of(Map.of("name", "A", "value", "b", "valueFom", "x"))),
        "valueFom");
    assertRejected(
        Values.of("operator.tolerations", List.of(Map.of("key", "a", "efect", "NoSchedule"))),
        "efect");
    assertRejected(
        Values.of("regions.ap-south-1", withField("costPer1kToken", 1)), "costPer1kToken");
    assertRejected(
        Values.of("regions.ap-south-1", withField("capacity", Map.of("maxInflight", 3))),
        "maxInflight");
    assertRejected(
        Values.of("regions.ap-south-1", withField("probe", Map.of("interval", 3))), "interval");
    assertRejected(
        Values.of("regions.ap-south-1", withField("probe", Map.of("sendCredential", true))),
        "sendCredential");
    assertRejected(
        Values.of("regions.ap-south-1", withField("timeouts", Map.of("firstByte", 3))),
        "firstByte");
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "router.replicas | two",
        "router.port | 70000",
        "router.managementPort | 0",
        "router.extraVolumeMounts | /data",
        "router.topologySpreadConstraints | zone",
        "router.service.type | Ingress",
        "router.extraArgs | --router.x=1",
        "router.autoscaling.enabled | yes",
        "router.podDisruptionBudget.maxUnavailable | half",
        "operator.replicas | -1",
        "operator.watchNamespaces | team-a",
        "operator.image.pullPolicy | Sometimes",
        "operator.image.digest | latest",
        "operator.resources.limits.memory | lots",
        "securityContext.runAsUser | root",
        "monitoring.serviceMonitor.interval | 30",
        "fullnameOverride | Edge_Router",
        "commonLabels | team",
        "tmpSizeLimit | big",
      })
  void rejectsAWrongTypeOrFormat(String path, String value) {
    Object typed = value.matches("-?\\d+") ? Integer.valueOf(value) : value;
    assertRejected(Values.of(path, typed), path.substring(path.lastIndexOf('.') + 1));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "endpoint | ftp://r.example.com",
        "endpoint | https://r.example.com/?q=1",
        "endpoint | https://user@r.example.com",
        "endpoint | r.example.com",
        "provider | AWS",
        "provider | -aws",
        "priority | -1",
        "priority | 1.5",
        "costPer1kTokens | -0.01",
        "costPer1kTokens | free",
        "healthPath | health",
      })
  void rejectsARegionTheCrdWouldReject(String field, String value) {
    Object typed = value.matches("-?[\\d.]+") ? Double.valueOf(value) : value;
    if (typed instanceof Double d && d == Math.rint(d) && !value.contains(".")) {
      typed = d.intValue();
    }
    assertRejected(Values.of("regions.r1", withField(field, typed)), field);
  }

  /**
   * The optional objects and the models map: each value a JSON document, checked as the CRD checks
   * it.
   */
  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "probe | {\"method\": \"POST\"} | method",
        "probe | {\"method\": \"get\"} | method",
        "probe | {\"sendCredentials\": \"yes\"} | sendCredentials",
        "timeouts | {\"firstByteSeconds\": 0} | firstByteSeconds",
        "timeouts | {\"firstByteSeconds\": 601} | firstByteSeconds",
        "timeouts | {\"firstByteSeconds\": 2.5} | firstByteSeconds",
        "timeouts | {\"streamIdleSeconds\": 0} | streamIdleSeconds",
        "timeouts | {\"streamIdleSeconds\": 3601} | streamIdleSeconds",
        "models | \"gpt-4o\" | models",
        "models | {\"gpt-4o\": \"\"} | gpt-4o",
        "models | {\"gpt-4o\": 4} | gpt-4o",
        // helm names a bad key as an invalid property name, without its path
        "models | {\"\": \"gpt-4o-2024-08-06\"} | invalid propertyName",
      })
  void rejectsANestedRegionFieldTheCrdWouldReject(
      String field, String json, String expectedInMessage) throws IOException {
    Object value = new ObjectMapper().readValue(json, Object.class);
    assertRejected(Values.of("regions.r1", withField(field, value)), expectedInMessage);
  }

  @Test
  void rejectsARegionModelNameOrModelLongerThan256Characters() {
    String long257 = "m".repeat(257);
    assertRejected(
        Values.of("regions.r1", withField("models", Map.of(long257, "gpt-4o"))),
        "invalid propertyName '" + long257 + "'");
    assertRejected(
        Values.of("regions.r1", withField("models", Map.of("gpt-4o", long257))), "gpt-4o");
  }

  @Test
  void takesAtMost256ModelsPerRegion() {
    Map<String, Object> models = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 256; i++) {
      models.put("model-" + i, "deployment-" + i);
    }
    Path file =
        Charts.writeValues(dir, Values.of("regions.r1", withField("models", models)).yaml());
    assertThat(Tree.map(Charts.template(file).get("InferenceRegion", "r1"), "spec.models"))
        .hasSize(256);

    models.put("model-256", "deployment-256");
    assertRejected(Values.of("regions.r1", withField("models", models)), "models");
  }

  @ParameterizedTest(name = "without {0}")
  @ValueSource(strings = {"endpoint", "costPer1kTokens", "priority", "provider"})
  void rejectsARegionWithoutARequiredField(String field) {
    Map<String, Object> region = new java.util.LinkedHashMap<>(REGION);
    region.remove(field);
    assertRejected(Values.of("regions.r1", region), field);
  }

  @Test
  void rejectsARegionNameThatIsNotAKubernetesName() {
    assertRejected(Values.of("regions.AP_South", REGION), "AP_South");
  }

  @Test
  void refusesARouterThatWouldBeKilledWhileItDrains() {
    assertRejected(
        Values.of("router.drainSeconds", 40).with("router.terminationGracePeriodSeconds", 45),
        "must be greater than router.preStopSleepSeconds + router.drainSeconds");
  }

  @Test
  void refusesAnAutoscalerWhoseMinimumExceedsItsMaximum() {
    assertRejected(
        Values.of("router.autoscaling.enabled", true)
            .with("router.autoscaling.minReplicas", 5)
            .with("router.autoscaling.maxReplicas", 3),
        "minReplicas (5) must not be greater than maxReplicas (3)");
  }

  @Test
  void acceptsTheDefaultsAndEveryOptionAtOnce() {
    assertThat(Charts.template().objects()).isNotEmpty();
    assertThat(Charts.template(Charts.values("all-options.yaml")).objects()).isNotEmpty();
  }

  /**
   * Every object in the schema says what other keys it takes: none (additionalProperties false) or
   * a typed map. The only open objects are Kubernetes structures passed through to the API server
   * (affinity terms) and Helm's `global`, each marked with a $comment.
   */
  @Test
  void everyObjectInTheSchemaIsClosedOrATypedMap() throws IOException {
    Map<String, Object> schema =
        new ObjectMapper()
            .readerForMapOf(Object.class)
            .readValue(Charts.chartDir().resolve("values.schema.json").toFile());
    List<String> open = new ArrayList<>();
    List<String> passThrough = new ArrayList<>();
    walk(schema, "$", open, passThrough);

    assertThat(open).as("object schemas without additionalProperties").isEmpty();
    assertThat(passThrough)
        .as("pass-through objects")
        .containsExactlyInAnyOrder(
            "$.properties.global",
            "$.definitions.kubernetesObject",
            "$.definitions.volumeList.items");
  }

  @SuppressWarnings("unchecked")
  private static void walk(Object node, String path, List<String> open, List<String> passThrough) {
    if (node instanceof Map<?, ?> map) {
      Object type = map.get("type");
      boolean isObject =
          "object".equals(type) || (type instanceof List<?> l && l.contains("object"));
      if (isObject) {
        Object additional = map.get("additionalProperties");
        if (additional == null) {
          open.add(path);
        } else if (Boolean.TRUE.equals(additional)) {
          assertThat(map.get("$comment")).as("why %s is open", path).isNotNull();
          passThrough.add(path);
        }
      }
      ((Map<String, Object>) map).forEach((k, v) -> walk(v, path + "." + k, open, passThrough));
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        walk(list.get(i), path + "[" + i + "]", open, passThrough);
      }
    }
  }

  private static final Pattern KEY = Pattern.compile("^(\\s*)([A-Za-z][A-Za-z0-9]*):(.*)$");

  /**
   * Every value in values.yaml is explained by a comment right above it, or (for the entries of a
   * resources block) above its parent or grandparent.
   */
  @Test
  void everyValueIsCommented() throws IOException {
    List<String> lines = Files.readAllLines(Charts.chartDir().resolve("values.yaml"));
    List<String> uncommented = new ArrayList<>();
    // indentation -> whether the key opened at that indentation was commented
    Map<Integer, Boolean> commentedAt = new java.util.HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher key = KEY.matcher(lines.get(i));
      if (!key.matches()) {
        continue;
      }
      int indent = key.group(1).length();
      boolean commented = i > 0 && lines.get(i - 1).trim().startsWith("#");
      commentedAt.put(indent, commented);
      commentedAt.keySet().removeIf(k -> k > indent);
      boolean leaf = !key.group(3).isBlank();
      boolean ancestorCommented =
          commentedAt.getOrDefault(indent - 2, false)
              || commentedAt.getOrDefault(indent - 4, false);
      if (leaf && !commented && !ancestorCommented) {
        uncommented.add((i + 1) + ": " + lines.get(i).trim());
      }
    }
    assertThat(uncommented).as("values without a comment").isEmpty();
  }

  private static Map<String, Object> withField(String field, Object value) {
    Map<String, Object> region = new java.util.LinkedHashMap<>(REGION);
    region.put(field, value);
    return region;
  }
}
