package dev.regionrouter.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.regionrouter.api.v1alpha1.Condition;
import dev.regionrouter.api.v1alpha1.Conditions;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.api.v1alpha1.InferenceRegionSpec;
import dev.regionrouter.api.v1alpha1.InferenceRegionStatus;
import dev.regionrouter.operator.probe.ProbeObservation;
import dev.regionrouter.operator.table.Publication;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Runs the shipped Argo CD health check ({@code deploy/argocd/health.lua}) with LuaJ on objects
 * whose status the operator's own {@link RegionStatusCalculator} computed, the way Argo CD runs it:
 * the object as a Lua table in the global {@code obj}, the script returning {@code {status,
 * message}}.
 */
class ArgoCdHealthCheckTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final ProbeObservation UP = new ProbeObservation(true, 50L, T0, 0, null);
  private static final ProbeObservation DOWN =
      new ProbeObservation(false, null, T0, 3, "connection refused");

  record Health(String status, String message) {}

  @Test
  void aListedRegionIsHealthy() {
    Health h = run(computed(false, List.of(), Publication.PUBLISHED, UP));
    assertThat(h.status()).isEqualTo("Healthy");
    assertThat(h.message()).startsWith("Published: in effect");
  }

  @Test
  void aProviderOutageKeepsTheRegionHealthyForArgoAndSaysSoInTheMessage() {
    Health h = run(computed(false, List.of(), Publication.PUBLISHED, DOWN));
    assertThat(h.status()).isEqualTo("Healthy");
    assertThat(h.message()).contains("endpoint ProbeFailed").contains("connection refused");
  }

  @Test
  void aDrainedRegionIsHealthyWhateverItsEndpoint() {
    assertThat(run(computed(true, List.of(), Publication.PENDING, DOWN)).status())
        .isEqualTo("Healthy");
    assertThat(run(computed(true, List.of(), Publication.PENDING, null)).status())
        .isEqualTo("Healthy");
  }

  @Test
  void aRegionWhoseTableWriteIsDueIsProgressing() {
    InferenceRegion region = computed(false, List.of(), Publication.PENDING, UP);
    assertThat(region.getStatus().condition(Conditions.RECONCILING)).isPresent();
    Health h = run(region);
    assertThat(h.status()).isEqualTo("Progressing");
    assertThat(h.message()).startsWith("Pending: ");
  }

  @Test
  void aRegionWhoseObservedGenerationIsBehindIsProgressing() {
    InferenceRegion region = computed(false, List.of(), Publication.PUBLISHED, UP);
    region.getMetadata().setGeneration(2L); // a spec change the operator has not seen yet
    Health h = run(region);
    assertThat(h.status()).isEqualTo("Progressing");
    assertThat(h.message()).contains("generation 2");
  }

  @Test
  void aRegionWithoutStatusIsProgressing() {
    InferenceRegion region = computed(false, List.of(), Publication.PUBLISHED, UP);
    region.setStatus(null);
    assertThat(run(region).status()).isEqualTo("Progressing");
  }

  @Test
  void anInvalidSpecIsDegradedWithTheProblemsInTheMessage() {
    InferenceRegion region =
        computed(false, List.of("endpoint: must be http"), Publication.PENDING, null);
    assertThat(region.getStatus().condition(Conditions.STALLED)).isPresent();
    Health h = run(region);
    assertThat(h.status()).isEqualTo("Degraded");
    assertThat(h.message()).isEqualTo("InvalidSpec: fix the spec: endpoint: must be http");
  }

  @Test
  void acceptedFalseAloneIsDegraded() {
    InferenceRegion region =
        computed(false, List.of("endpoint: must be http"), Publication.PENDING, null);
    region.getStatus().getConditions().removeIf(c -> c.getType().equals(Conditions.STALLED));
    Health h = run(region);
    assertThat(h.status()).isEqualTo("Degraded");
    assertThat(h.message()).isEqualTo("InvalidSpec: endpoint: must be http");
  }

  @Test
  void aRoutingTableTooLargeIsDegraded() {
    Health h = run(computed(false, List.of(), Publication.TOO_LARGE, UP));
    assertThat(h.status()).isEqualTo("Degraded");
    assertThat(h.message()).startsWith("RoutingTableTooLarge: ");
  }

  @Test
  void theArgoCdConfigMapCarriesTheScriptVerbatimUnderTheDocumentedKey() throws IOException {
    JsonNode cm = new YAMLMapper().readTree(argocd().resolve("argocd-cm.yaml").toFile());
    assertThat(cm.path("metadata").path("name").asText()).isEqualTo("argocd-cm");
    assertThat(
            cm.path("data")
                .path(
                    "resource.customizations.health."
                        + InferenceRegion.GROUP
                        + "_"
                        + InferenceRegion.KIND)
                .asText())
        .isEqualTo(script());
  }

  private static InferenceRegion computed(
      boolean drained, List<String> problems, Publication publication, ProbeObservation probe) {
    InferenceRegion r =
        new InferenceRegion(
            "inference",
            "ap-south-1",
            new InferenceRegionSpec("http://127.0.0.1:8003", 0.32, 1, "aws"));
    r.getMetadata().setGeneration(1L);
    r.getSpec().setDrain(drained);
    r.setStatus(null);
    InferenceRegionStatus status =
        RegionStatusCalculator.compute(
            r, new RegionStatusCalculator.Observed(problems, publication, probe), T0);
    r.setStatus(status);
    assertThat(status.getConditions()).extracting(Condition::getType).contains(Conditions.READY);
    return r;
  }

  /** Argo CD's way: the object, as JSON, becomes the Lua table {@code obj}. */
  private static Health run(InferenceRegion region) {
    JsonNode json = Serialization.jsonMapper().valueToTree(region);
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", toLua(json));
    LuaValue result = globals.load(script(), "health.lua").call();
    return new Health(result.get("status").tojstring(), result.get("message").tojstring());
  }

  private static LuaValue toLua(JsonNode node) {
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!field.getValue().isNull()) {
          table.set(field.getKey(), toLua(field.getValue()));
        }
      }
      return table;
    }
    if (node.isArray()) {
      List<LuaValue> items = new ArrayList<>();
      node.forEach(item -> items.add(toLua(item)));
      return LuaValue.listOf(items.toArray(new LuaValue[0]));
    }
    if (node.isIntegralNumber()) {
      return LuaValue.valueOf((double) node.asLong());
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.asDouble());
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.asBoolean());
    }
    return LuaValue.valueOf(node.asText());
  }

  private static Path argocd() {
    Path here = Path.of("").toAbsolutePath();
    Path root = Files.isDirectory(here.resolve("deploy")) ? here : here.getParent();
    return root.resolve("deploy/argocd");
  }

  private static String script() {
    try {
      return Files.readString(argocd().resolve("health.lua"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
