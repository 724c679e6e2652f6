package dev.regionrouter.api.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.regionrouter.api.crd.CrdFiles;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutingTableCodecTest {

  private static final String CONTRACT_SAMPLE =
      "{\"regions\":[{\"name\":\"ap-south-1\",\"endpoint\":\"http://localhost:8003\",\"costPer1kTokens\":0.32,"
          + "\"priority\":1,\"provider\":\"aws\"}]}";

  @Test
  void writesTheContractsDocumentByteForByte() {
    RoutingTable table =
        RoutingTable.of(
            List.of(RegionEntry.of("ap-south-1", "http://localhost:8003", 0.32, 1, "aws")));
    assertThat(RoutingTableCodec.toJson(table)).isEqualTo(CONTRACT_SAMPLE);
  }

  @Test
  void readsTheContractsDocument() {
    RoutingTable table = RoutingTableCodec.readJson(CONTRACT_SAMPLE);
    assertThat(table.regions())
        .containsExactly(RegionEntry.of("ap-south-1", "http://localhost:8003", 0.32, 1, "aws"));
  }

  @Test
  void outputIsSortedByNameAndIndependentOfInputOrder() {
    RegionEntry a = RegionEntry.of("ap-south-1", "http://a:1", 0.32, 1, "aws");
    RegionEntry b = RegionEntry.of("brazilsouth", "http://b:1", 0.38, 1, "azure");
    RegionEntry u = RegionEntry.of("us-east-1", "http://u:1", 0.5, 2, "aws");
    String forward = RoutingTableCodec.toJson(new RoutingTable(List.of(a, b, u)));
    String backward = RoutingTableCodec.toJson(new RoutingTable(List.of(u, b, a)));
    assertThat(forward).isEqualTo(backward);
    assertThat(forward.indexOf("ap-south-1")).isLessThan(forward.indexOf("brazilsouth"));
    assertThat(forward.indexOf("brazilsouth")).isLessThan(forward.indexOf("us-east-1"));
  }

  @Test
  void optionalFieldsRoundTripAndLabelsAreSortedByKey() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("zone", "b");
    labels.put("geo", "eu");
    RegionEntry full =
        new RegionEntry(
            "eu-west-1",
            "https://eu.example.com/base",
            0.4,
            0,
            "aws",
            "/healthz",
            "/generate",
            new RegionEntry.Capacity(32, 100000L),
            new RegionEntry.SecretRef("eu-token", "token"),
            new RegionEntry.Probe(5, 1),
            labels);
    String json = RoutingTableCodec.toJson(RoutingTable.of(List.of(full)));
    assertThat(json)
        .contains("\"labels\":{\"geo\":\"eu\",\"zone\":\"b\"}")
        .contains("\"credentialsSecretRef\":{\"name\":\"eu-token\",\"key\":\"token\"}");
    assertThat(RoutingTableCodec.readJson(json).regions()).containsExactly(full);
  }

  @Test
  void modelsTimeoutsAndProbeMethodRoundTripWithModelsSortedByKey() {
    Map<String, String> models = new LinkedHashMap<>();
    models.put("gpt-4o-mini", "mini-deployment");
    models.put("gpt-4o", "gpt-4o-2024-08-06");
    RegionEntry full =
        new RegionEntry(
            "eu-west-1",
            "https://eu.example.com",
            0.4,
            0,
            "azure",
            "/v1/models",
            null,
            null,
            new RegionEntry.SecretRef("eu-token", "token"),
            new RegionEntry.Probe(null, null, "HEAD", true),
            null,
            models,
            new RegionEntry.Timeouts(30, 120));
    String json = RoutingTableCodec.toJson(RoutingTable.of(List.of(full)));
    assertThat(json)
        .contains(
            "\"models\":{\"gpt-4o\":\"gpt-4o-2024-08-06\",\"gpt-4o-mini\":\"mini-deployment\"}")
        .contains("\"timeouts\":{\"firstByteSeconds\":30,\"streamIdleSeconds\":120}")
        .contains("\"probe\":{\"method\":\"HEAD\",\"sendCredentials\":true}");
    assertThat(RoutingTableCodec.readJson(json).regions()).containsExactly(full);
    assertThat(full.modelFor("gpt-4o")).isEqualTo("gpt-4o-2024-08-06");
    assertThat(full.modelFor("o1")).isEqualTo("o1");
    assertThat(full.serves("gpt-4o")).isTrue();
    assertThat(full.serves("o1")).isFalse();
  }

  @Test
  void badModelsTimeoutsAndProbeMethodAreNamed() {
    String json =
        """
        {"regions":[{"name":"r","endpoint":"http://r","costPer1kTokens":0.1,"priority":1,"provider":"aws",
          "models":{"gpt-4o":""},"timeouts":{"firstByteSeconds":0},"probe":{"method":"POST"}}]}
        """;
    assertThatThrownBy(() -> RoutingTableCodec.readJson(json))
        .isInstanceOf(InvalidRoutingTableException.class)
        .hasMessageContaining("models: model names must not be empty")
        .hasMessageContaining("timeouts.firstByteSeconds: must be >= 1")
        .hasMessageContaining("probe.method: must be GET or HEAD");
  }

  @Test
  void yamlAndJsonOfTheSameTableGiveTheSameBytes() {
    String yaml =
        """
        regions:
          - name: us-east-1
            endpoint: http://localhost:8001
            costPer1kTokens: 0.5
            priority: 1
            provider: aws
          - name: ap-south-1
            endpoint: http://localhost:8003
            costPer1kTokens: 0.32
            priority: 1
            provider: aws
        """;
    RoutingTable fromYaml = RoutingTableCodec.readYaml(yaml);
    RoutingTable fromJson = RoutingTableCodec.readJson(RoutingTableCodec.toJson(fromYaml));
    assertThat(RoutingTableCodec.toJson(fromJson)).isEqualTo(RoutingTableCodec.toJson(fromYaml));
    assertThat(fromYaml.regions())
        .extracting(RegionEntry::name)
        .containsExactly("ap-south-1", "us-east-1");
  }

  @Test
  void emptyTableIsValid() {
    assertThat(RoutingTableCodec.readJson("{\"regions\":[]}").regions()).isEmpty();
    assertThat(RoutingTableCodec.toJson(RoutingTable.empty())).isEqualTo("{\"regions\":[]}");
  }

  @Test
  void unknownFieldsFromNewerWritersAreIgnored() {
    String json =
        "{\"version\":2,\"regions\":[{\"name\":\"a\",\"endpoint\":\"http://a\",\"costPer1kTokens\":0,"
            + "\"priority\":0,\"provider\":\"aws\",\"weight\":3}]}";
    assertThat(RoutingTableCodec.readJson(json).regions()).hasSize(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "empty document||document is empty",
        "not JSON|{\"regions\": [|not valid JSON",
        "regions not a list|{\"regions\": \"us-east-1\"}|regions: Cannot deserialize",
        "string priority|{\"regions\":[{\"name\":\"a\",\"endpoint\":\"http://a\",\"costPer1kTokens\":0.1,\"priority\":\"1\",\"provider\":\"aws\"}]}|regions[0].priority",
        "fractional priority|{\"regions\":[{\"name\":\"a\",\"endpoint\":\"http://a\",\"costPer1kTokens\":0.1,\"priority\":1.5,\"provider\":\"aws\"}]}|regions[0].priority",
        "duplicate key|{\"regions\":[],\"regions\":[]}|Duplicate field 'regions'",
        "missing endpoint|{\"regions\":[{\"name\":\"a\",\"costPer1kTokens\":0.1,\"priority\":1,\"provider\":\"aws\"}]}|regions[0] (a).endpoint: is required",
        "bad scheme|{\"regions\":[{\"name\":\"a\",\"endpoint\":\"ftp://a\",\"costPer1kTokens\":0.1,\"priority\":1,\"provider\":\"aws\"}]}|regions[0] (a).endpoint: 'ftp://a' must be an http:// or https:// URL",
        "query in endpoint|{\"regions\":[{\"name\":\"a\",\"endpoint\":\"http://a/?x=1\",\"costPer1kTokens\":0.1,\"priority\":1,\"provider\":\"aws\"}]}|must not have a query string",
        "negative cost|{\"regions\":[{\"name\":\"a\",\"endpoint\":\"http://a\",\"costPer1kTokens\":-1,\"priority\":1,\"provider\":\"aws\"}]}|regions[0] (a).costPer1kTokens: must be a number >= 0, got -1.0",
        "negative priority|{\"regions\":[{\"name\":\"a\",\"endpoint\":\"http://a\",\"costPer1kTokens\":1,\"priority\":-2,\"provider\":\"aws\"}]}|regions[0] (a).priority: must be >= 0, got -2",
        "bad provider|{\"regions\":[{\"name\":\"a\",\"endpoint\":\"http://a\",\"costPer1kTokens\":1,\"priority\":1,\"provider\":\"Big Cloud\"}]}|provider: 'Big Cloud' must be a lowercase DNS label",
        "missing name|{\"regions\":[{\"endpoint\":\"http://a\",\"costPer1kTokens\":1,\"priority\":1,\"provider\":\"aws\"}]}|regions[0].name: is required",
        "null region|{\"regions\":[null]}|regions[0]: must be an object, not null",
        "duplicate region|{\"regions\":[{\"name\":\"a\",\"endpoint\":\"http://a\",\"costPer1kTokens\":1,\"priority\":1,\"provider\":\"aws\"},{\"name\":\"a\",\"endpoint\":\"http://b\",\"costPer1kTokens\":1,\"priority\":1,\"provider\":\"aws\"}]}|regions[1] (a).name: 'a' appears more than once",
      })
  void invalidDocumentIsRejectedWithAMessageNamingTheProblem(
      String name, String document, String expected) {
    assertThatThrownBy(() -> RoutingTableCodec.readJson(document))
        .isInstanceOf(InvalidRoutingTableException.class)
        .satisfies(
            e ->
                assertThat(((InvalidRoutingTableException) e).problems())
                    .anySatisfy(p -> assertThat(p).contains(expected)));
  }

  @Test
  void everyProblemIsReportedNotJustTheFirst() {
    String json =
        "{\"regions\":[{\"name\":\"a\",\"endpoint\":\"ftp://a\",\"costPer1kTokens\":-1,\"priority\":-1,"
            + "\"provider\":\"X\"}]}";
    assertThatThrownBy(() -> RoutingTableCodec.readJson(json))
        .satisfies(e -> assertThat(((InvalidRoutingTableException) e).problems()).hasSize(4));
  }

  @Test
  void readsFilesByExtension(@TempDir Path dir) throws IOException {
    Path json = Files.writeString(dir.resolve("t.json"), CONTRACT_SAMPLE);
    Path yaml = Files.writeString(dir.resolve("t.yml"), "regions: []\n");
    assertThat(RoutingTableCodec.readFile(json).regions()).hasSize(1);
    assertThat(RoutingTableCodec.readFile(yaml).regions()).isEmpty();
    Path txt = Files.writeString(dir.resolve("t.txt"), CONTRACT_SAMPLE);
    assertThatThrownBy(() -> RoutingTableCodec.readFile(txt))
        .hasMessageContaining(".json, .yaml or .yml");
  }

  /**
   * examples/regions.yaml (file mode) and examples/inferenceregions.yaml (Kubernetes) must describe
   * the same regions.
   */
  @Test
  void exampleRoutingTableMatchesTheExampleInferenceRegions() throws IOException {
    Path examples = CrdFiles.apiModule().getParent().resolve("examples");
    RoutingTable file = RoutingTableCodec.readFile(examples.resolve("regions.yaml"));

    YAMLMapper yaml = new YAMLMapper();
    JsonMapper json = JsonMapper.builder().build();
    List<RegionEntry> fromCrs = new ArrayList<>();
    try (var parser =
        yaml.getFactory().createParser(examples.resolve("inferenceregions.yaml").toFile())) {
      yaml.readValues(parser, Map.class)
          .forEachRemaining(
              o -> {
                InferenceRegion cr = json.convertValue(o, InferenceRegion.class);
                fromCrs.add(
                    RegionEntry.of(
                        cr.getMetadata().getName(),
                        cr.getSpec().getEndpoint(),
                        cr.getSpec().getCostPer1kTokens(),
                        cr.getSpec().getPriority(),
                        cr.getSpec().getProvider()));
              });
    }
    assertThat(RoutingTableCodec.toJson(file))
        .isEqualTo(RoutingTableCodec.toJson(RoutingTable.of(fromCrs)));
    assertThat(file.regions())
        .extracting(RegionEntry::name)
        .containsExactly("ap-south-1", "brazilsouth", "me-south-1", "us-east-1");
  }
}
