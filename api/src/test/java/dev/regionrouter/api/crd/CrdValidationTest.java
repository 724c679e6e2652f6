package dev.regionrouter.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.api.v1alpha1.RegionRules;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@code kubectl apply} of an InferenceRegion meets at the API server: the committed CRD's
 * schema and CEL rules, evaluated on valid and invalid objects. The operator's Java checks ({@link
 * RegionRules}) must agree with the CRD on every case.
 */
class CrdValidationTest {

  private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory());
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private final CrdSchemaValidator validator = CrdSchemaValidator.forCommittedCrd();

  @Test
  void exampleRegionsPassTheSchemaAndTheJavaRules() throws IOException {
    List<Map<String, Object>> examples = examples();
    assertThat(
            examples.stream()
                .map(o -> (String) ((Map<?, ?>) o.get("metadata")).get("name"))
                .toList())
        .containsExactly("ap-south-1", "brazilsouth", "me-south-1", "us-east-1");
    for (Map<String, Object> example : examples) {
      assertThat(validator.validate(example)).as("CRD problems of %s", example).isEmpty();
      InferenceRegion region = JSON.convertValue(example, InferenceRegion.class);
      assertThat(RegionRules.checkSpec(region.getSpec())).isEmpty();
    }
  }

  @Test
  void fullyPopulatedRegionIsValid() {
    Map<String, Object> region =
        valid(
            spec -> {
              spec.put("drain", true);
              spec.put("healthPath", "/healthz");
              spec.put("inferencePath", "/api/v1/generate");
              spec.put("capacity", Map.of("maxInFlight", 64, "tokensPerMinute", 100000));
              spec.put("credentialsSecretRef", Map.of("name", "ap-south-1-token", "key", "token"));
              spec.put(
                  "probe",
                  Map.of(
                      "intervalSeconds",
                      5,
                      "timeoutSeconds",
                      2,
                      "method",
                      "HEAD",
                      "sendCredentials",
                      true));
              spec.put("endpoint", "https://[2001:db8::1]:8443/base");
              spec.put(
                  "models",
                  Map.of("gpt-4o", "gpt-4o-2024-08-06", "gpt-4o-mini", "my-mini-deployment"));
              spec.put("timeouts", Map.of("firstByteSeconds", 30, "streamIdleSeconds", 120));
            });
    assertThat(validator.validate(region)).isEmpty();
    assertThat(RegionRules.checkSpec(JSON.convertValue(region, InferenceRegion.class).getSpec()))
        .isEmpty();
  }

  static Stream<Arguments> invalidRegions() {
    return Stream.of(
        Arguments.of(
            "missing endpoint",
            (Consumer<Map<String, Object>>) s -> s.remove("endpoint"),
            "spec.endpoint: Required value",
            "endpoint: is required"),
        Arguments.of(
            "missing cost",
            (Consumer<Map<String, Object>>) s -> s.remove("costPer1kTokens"),
            "spec.costPer1kTokens: Required value",
            "costPer1kTokens: is required"),
        Arguments.of(
            "missing priority",
            (Consumer<Map<String, Object>>) s -> s.remove("priority"),
            "spec.priority: Required value",
            "priority: is required"),
        Arguments.of(
            "missing provider",
            (Consumer<Map<String, Object>>) s -> s.remove("provider"),
            "spec.provider: Required value",
            "provider: is required"),
        Arguments.of(
            "ftp endpoint",
            (Consumer<Map<String, Object>>) s -> s.put("endpoint", "ftp://example.com"),
            "endpoint must be an http:// or https:// URL",
            "must be an http:// or https:// URL"),
        Arguments.of(
            "endpoint with query",
            (Consumer<Map<String, Object>>) s -> s.put("endpoint", "http://example.com/v1?key=1"),
            "endpoint must not have a query string",
            "must not have a query string"),
        Arguments.of(
            "endpoint with fragment",
            (Consumer<Map<String, Object>>) s -> s.put("endpoint", "http://example.com/#top"),
            "endpoint must not have a fragment",
            "must not have a fragment"),
        Arguments.of(
            "endpoint without host",
            (Consumer<Map<String, Object>>) s -> s.put("endpoint", "http:///v1"),
            "endpoint must name a host",
            "must name a host"),
        Arguments.of(
            "endpoint with user info",
            (Consumer<Map<String, Object>>) s -> s.put("endpoint", "http://user:pw@example.com"),
            "endpoint must name a host",
            "must name a host"),
        Arguments.of(
            "negative cost",
            (Consumer<Map<String, Object>>) s -> s.put("costPer1kTokens", -0.1),
            "spec.costPer1kTokens: Invalid value: -0.1: costPer1kTokens in body should be greater than or equal to 0",
            "costPer1kTokens: must be a number >= 0"),
        Arguments.of(
            "negative priority",
            (Consumer<Map<String, Object>>) s -> s.put("priority", -1),
            "spec.priority: Invalid value: -1: priority in body should be greater than or equal to 0",
            "priority: must be >= 0"),
        Arguments.of(
            "uppercase provider",
            (Consumer<Map<String, Object>>) s -> s.put("provider", "AWS"),
            "spec.provider: Invalid value: \"AWS\": should match",
            "must be a lowercase DNS label"),
        Arguments.of(
            "relative health path",
            (Consumer<Map<String, Object>>) s -> s.put("healthPath", "health"),
            "spec.healthPath: Invalid value: \"health\": should match",
            "healthPath: 'health' must be an absolute path"),
        Arguments.of(
            "probe timeout above interval",
            (Consumer<Map<String, Object>>)
                s ->
                    s.put(
                        "probe",
                        new LinkedHashMap<>(Map.of("intervalSeconds", 5, "timeoutSeconds", 10))),
            "probe.timeoutSeconds must not be greater than probe.intervalSeconds",
            "probe.timeoutSeconds must not be greater than probe.intervalSeconds"),
        Arguments.of(
            "probe timeout above default interval",
            (Consumer<Map<String, Object>>)
                s -> s.put("probe", new LinkedHashMap<>(Map.of("timeoutSeconds", 30))),
            "probe.timeoutSeconds must not be greater than probe.intervalSeconds",
            "probe.timeoutSeconds must not be greater than probe.intervalSeconds"),
        Arguments.of(
            "zero capacity",
            (Consumer<Map<String, Object>>)
                s -> s.put("capacity", new LinkedHashMap<>(Map.of("maxInFlight", 0))),
            "spec.capacity.maxInFlight: Invalid value: 0: maxInFlight in body should be greater than or equal to 1",
            "capacity.maxInFlight: must be >= 1"),
        Arguments.of(
            "endpoint port above 65535",
            (Consumer<Map<String, Object>>) s -> s.put("endpoint", "http://example.com:99999/v1"),
            "endpoint port must be 1 to 65535",
            "has a port outside 1-65535"),
        Arguments.of(
            "endpoint port 0",
            (Consumer<Map<String, Object>>) s -> s.put("endpoint", "http://example.com:0"),
            "endpoint port must be 1 to 65535",
            "has a port outside 1-65535"),
        Arguments.of(
            "cloud metadata address",
            (Consumer<Map<String, Object>>) s -> s.put("endpoint", "http://169.254.169.254/latest"),
            "must not be a link-local or cloud metadata address",
            "is a link-local or cloud metadata address"),
        Arguments.of(
            "IPv6 link-local address",
            (Consumer<Map<String, Object>>) s -> s.put("endpoint", "http://[fe80::1]:8080"),
            "must not be a link-local or cloud metadata address",
            "is a link-local or cloud metadata address"),
        Arguments.of(
            "EC2 IPv6 metadata address",
            (Consumer<Map<String, Object>>) s -> s.put("endpoint", "http://[fd00:ec2::254]"),
            "must not be a link-local or cloud metadata address",
            "is a link-local or cloud metadata address"),
        Arguments.of(
            "probe method POST",
            (Consumer<Map<String, Object>>)
                s -> s.put("probe", new LinkedHashMap<>(Map.of("method", "POST"))),
            "spec.probe.method: Invalid value: \"POST\": should match",
            "probe.method: must be GET or HEAD"),
        Arguments.of(
            "empty region model name",
            (Consumer<Map<String, Object>>)
                s -> s.put("models", new LinkedHashMap<>(Map.of("gpt-4o", ""))),
            "every model name and every region model name must be 1 to 256 characters",
            "every model name and every region model name must be 1 to 256 characters"),
        Arguments.of(
            "first-byte timeout of 0",
            (Consumer<Map<String, Object>>)
                s -> s.put("timeouts", new LinkedHashMap<>(Map.of("firstByteSeconds", 0))),
            "spec.timeouts.firstByteSeconds: Invalid value: 0: firstByteSeconds in body should be greater than or equal to 1",
            "timeouts.firstByteSeconds: must be between 1 and 600"),
        Arguments.of(
            "stream idle timeout above an hour",
            (Consumer<Map<String, Object>>)
                s -> s.put("timeouts", new LinkedHashMap<>(Map.of("streamIdleSeconds", 3601))),
            "spec.timeouts.streamIdleSeconds: Invalid value: 3601: streamIdleSeconds in body should be less than or equal to 3600",
            "timeouts.streamIdleSeconds: must be between 1 and 3600"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRegions")
  void invalidRegionIsRejectedByTheCrdAndTheOperatorWithAClearMessage(
      String name, Consumer<Map<String, Object>> breakIt, String crdMessage, String javaMessage) {
    Map<String, Object> region = valid(breakIt);
    assertThat(validator.validate(region))
        .as("CRD problems")
        .anySatisfy(p -> assertThat(p).contains(crdMessage));
    assertThat(RegionRules.checkSpec(JSON.convertValue(region, InferenceRegion.class).getSpec()))
        .as("operator problems")
        .anySatisfy(p -> assertThat(p).contains(javaMessage));
  }

  @Test
  void fractionalPriorityIsRejectedAsNotAnInteger() {
    Map<String, Object> region = valid(s -> s.put("priority", 1.5));
    assertThat(validator.validate(region))
        .containsExactly("spec.priority: Invalid value: \"number\": must be of type integer");
  }

  @Test
  void unknownSpecFieldIsReported() {
    Map<String, Object> region = valid(s -> s.put("weight", 3));
    assertThat(validator.validate(region)).containsExactly("spec.weight: unknown field \"weight\"");
  }

  @Test
  void theHighestPortAndOrdinaryPrivateAddressesAreValid() {
    for (String endpoint :
        List.of(
            "http://example.com:65535",
            "http://10.0.0.5:8080",
            "http://[fd00::1]:8443/v1",
            "http://169.25.1.1",
            "https://inference.example.com:1")) {
      Map<String, Object> region = valid(spec -> spec.put("endpoint", endpoint));
      assertThat(validator.validate(region)).as(endpoint).isEmpty();
      assertThat(RegionRules.checkSpec(JSON.convertValue(region, InferenceRegion.class).getSpec()))
          .as(endpoint)
          .isEmpty();
    }
  }

  @Test
  void missingSpecIsRejected() {
    Map<String, Object> region = valid(s -> {});
    region.remove("spec");
    assertThat(validator.validate(region)).containsExactly("spec: Required value");
  }

  @Test
  void everyCelRuleCompilesAndHoldsOnAValidObject() {
    // A rule that does not compile shows up as a problem, so a valid object proves they all
    // compile.
    Map<String, Object> region =
        valid(s -> s.put("probe", new LinkedHashMap<>(Map.of("intervalSeconds", 10))));
    assertThat(validator.validate(region)).isEmpty();
  }

  @Test
  void aConditionWithMetav1ConditionsFieldsPasses() {
    Map<String, Object> region = valid(spec -> {});
    region.put(
        "status", Map.of("observedGeneration", 1, "conditions", List.of(condition(c -> {}))));
    assertThat(validator.validate(region)).isEmpty();
  }

  @Test
  void conditionsThatBreakMetav1ConditionsSchemaAreRefused() {
    Map<String, String> broken = new LinkedHashMap<>();
    broken.put("status", "Yes");
    broken.put("lastTransitionTime", "yesterday");
    broken.put("reason", "not camel case");
    broken.put("type", "-Ready");
    for (Map.Entry<String, String> e : broken.entrySet()) {
      Map<String, Object> region = valid(spec -> {});
      region.put(
          "status", Map.of("conditions", List.of(condition(c -> c.put(e.getKey(), e.getValue())))));
      assertThat(validator.validate(region))
          .as("condition with %s=%s", e.getKey(), e.getValue())
          .singleElement()
          .asString()
          .startsWith("status.conditions[0]." + e.getKey() + ": ");
    }
    for (String required : List.of("type", "status", "reason", "message", "lastTransitionTime")) {
      Map<String, Object> region = valid(spec -> {});
      region.put("status", Map.of("conditions", List.of(condition(c -> c.remove(required)))));
      assertThat(validator.validate(region))
          .as("condition without %s", required)
          .singleElement()
          .asString()
          .contains(required)
          .contains("Required value");
    }
    Map<String, Object> region = valid(spec -> {});
    region.put(
        "status", Map.of("conditions", List.of(condition(c -> c.put("observedGeneration", -1)))));
    assertThat(validator.validate(region))
        .singleElement()
        .asString()
        .contains("observedGeneration");
  }

  private static Map<String, Object> condition(Consumer<Map<String, Object>> change) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", "Ready");
    c.put("status", "True");
    c.put("reason", "Published");
    c.put("message", "");
    c.put("lastTransitionTime", "2026-01-01T00:00:00Z");
    c.put("observedGeneration", 1);
    change.accept(c);
    return c;
  }

  private static Map<String, Object> valid(Consumer<Map<String, Object>> change) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("endpoint", "https://inference.ap-south-1.example.com");
    spec.put("costPer1kTokens", 0.32);
    spec.put("priority", 1);
    spec.put("provider", "aws");
    change.accept(spec);
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("apiVersion", InferenceRegion.API_VERSION);
    object.put("kind", InferenceRegion.KIND);
    object.put("metadata", Map.of("name", "ap-south-1"));
    object.put("spec", spec);
    return object;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> examples() throws IOException {
    Path file = CrdFiles.apiModule().getParent().resolve("examples/inferenceregions.yaml");
    List<Map<String, Object>> objects = new ArrayList<>();
    try (var parser = YAML.getFactory().createParser(file.toFile())) {
      YAML.readValues(parser, Map.class)
          .forEachRemaining(
              o -> {
                if (o != null) {
                  objects.add((Map<String, Object>) o);
                }
              });
    }
    return objects;
  }
}
