package dev.regionrouter.helm.terraform;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.api.crd.CrdSchemaValidator;
import dev.regionrouter.helm.chart.Charts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Terraform module, as far as this machine allows: no registry is reachable, so the helm and
 * kubernetes providers cannot be installed and `terraform init` of the module fails. What needs no
 * provider is checked for real with the terraform CLI: formatting of everything under terraform/,
 * and the module's variables (their validation blocks) with its regions-to-spec mapping
 * (regions.tf), evaluated by `terraform apply` in a scratch directory and compared with the CRD.
 */
class TerraformModuleTest {

  private static final Path TERRAFORM_DIR = Charts.repositoryRoot().resolve("terraform");
  private static final Path MODULE = TERRAFORM_DIR.resolve("modules/region-router");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger RUNS = new AtomicInteger();

  @TempDir static Path scratch;

  @BeforeAll
  static void initAProviderFreeCopyOfTheModulesVariables() throws Exception {
    assumeTrue(Terraform.onPath().isPresent(), "terraform is not on PATH");
    Files.copy(MODULE.resolve("variables.tf"), scratch.resolve("variables.tf"));
    Files.copy(MODULE.resolve("regions.tf"), scratch.resolve("regions.tf"));
    Files.writeString(
        scratch.resolve("outputs.tf"),
        "output \"region_specs\" {\n  value = local.region_specs\n}\n");
    Terraform.Result init = Terraform.run(scratch, "init", "-backend=false", "-input=false");
    assertThat(init.exitCode()).as(init.output()).isZero();
  }

  @Test
  void everythingUnderTerraformIsCanonicallyFormatted() throws Exception {
    Terraform.Result fmt = Terraform.run(TERRAFORM_DIR, "fmt", "-check", "-recursive", "-diff");
    assertThat(fmt.exitCode())
        .as(
            "terraform fmt -check -recursive terraform (fix: terraform fmt -recursive terraform):\n%s",
            fmt.output())
        .isZero();
  }

  @Test
  void variablesAndRegionMappingValidate() throws Exception {
    Terraform.Result validate = Terraform.run(scratch, "validate", "-no-color");
    assertThat(validate.exitCode()).as(validate.output()).isZero();
  }

  @Test
  void mapsEveryRegionFieldToTheCrdsSpecAndTheSpecPassesTheCrd() throws Exception {
    Map<String, Object> region = new LinkedHashMap<>(minimalRegion());
    region.put("drain", true);
    region.put("health_path", "/healthz");
    region.put("inference_path", "/v2/generate");
    region.put("capacity", Map.of("max_in_flight", 64, "tokens_per_minute", 120000));
    region.put("credentials_secret_ref", Map.of("name", "ap-token", "key", "token"));
    region.put(
        "probe",
        Map.of(
            "interval_seconds",
            5,
            "timeout_seconds",
            2,
            "method",
            "HEAD",
            "send_credentials",
            true));
    // model names are passed through as written, never turned into camelCase
    region.put("models", Map.of("gpt-4o", "gpt-4o-2024-08-06", "my_model", "my-mini-deployment"));
    region.put("timeouts", Map.of("first_byte_seconds", 30, "stream_idle_seconds", 120));
    Map<String, Object> partial = new LinkedHashMap<>(minimalRegion());
    partial.put("probe", Map.of("send_credentials", false));
    partial.put("timeouts", Map.of("stream_idle_seconds", 3600));

    Map<String, Object> specs =
        apply(Map.of("ap-south-1", region, "me-south-1", minimalRegion(), "eu-west-1", partial));

    assertThat(specs.get("ap-south-1"))
        .isEqualTo(
            Map.ofEntries(
                entry("endpoint", "https://inference.ap-south-1.example.com:8443/base"),
                entry("costPer1kTokens", 0.32),
                entry("priority", 1),
                entry("provider", "aws"),
                entry("drain", true),
                entry("healthPath", "/healthz"),
                entry("inferencePath", "/v2/generate"),
                entry("capacity", Map.of("maxInFlight", 64, "tokensPerMinute", 120000)),
                entry("credentialsSecretRef", Map.of("name", "ap-token", "key", "token")),
                entry(
                    "probe",
                    Map.of(
                        "intervalSeconds",
                        5,
                        "timeoutSeconds",
                        2,
                        "method",
                        "HEAD",
                        "sendCredentials",
                        true)),
                entry(
                    "models",
                    Map.of("gpt-4o", "gpt-4o-2024-08-06", "my_model", "my-mini-deployment")),
                entry("timeouts", Map.of("firstByteSeconds", 30, "streamIdleSeconds", 120))));
    assertThat(specs.get("eu-west-1"))
        .isEqualTo(
            Map.of(
                "endpoint",
                "https://inference.ap-south-1.example.com:8443/base",
                "costPer1kTokens",
                0.32,
                "priority",
                1,
                "provider",
                "aws",
                "probe",
                Map.of("sendCredentials", false),
                "timeouts",
                Map.of("streamIdleSeconds", 3600)));
    assertThat(specs.get("me-south-1"))
        .isEqualTo(
            Map.of(
                "endpoint",
                "https://inference.ap-south-1.example.com:8443/base",
                "costPer1kTokens",
                0.32,
                "priority",
                1,
                "provider",
                "aws"));
    for (Map.Entry<String, Object> spec : specs.entrySet()) {
      assertThat(crd().validate(inferenceRegion(spec.getKey(), spec.getValue())))
          .as(spec.getKey())
          .isEmpty();
    }
  }

  /**
   * Each rule of the CRD has its mirror in variables.tf: terraform and the CRD reject the same
   * region.
   */
  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "endpoint | ftp://r.example.com | must be an http:// or https:// URL",
        "endpoint | https://r.example.com/?x=1 | must be an http:// or https:// URL",
        "endpoint | https://user@r.example.com | must be an http:// or https:// URL",
        "cost_per_1k_tokens | -0.5 | cost_per_1k_tokens must be 0 or more",
        "priority | -1 | priority must be a whole number",
        "priority | 1.5 | priority must be a whole number",
        "provider | AWS | provider must be a lowercase DNS label",
        "provider | aws_east | provider must be a lowercase DNS label",
        "health_path | health | must start with /",
        "probe | {\"timeout_seconds\": 30} | not greater than the interval",
        "probe | {\"interval_seconds\": 5, \"timeout_seconds\": 6} | not greater than the interval",
        "capacity | {\"max_in_flight\": 0} | must be 1 or more",
        "credentials_secret_ref | {\"name\": \"Bad_Name\"} | must be a Secret name",
        "probe | {\"method\": \"POST\"} | probe.method must be",
        "probe | {\"method\": \"get\"} | probe.method must be",
        "timeouts | {\"first_byte_seconds\": 0} | timeouts.first_byte_seconds must be a whole number 1-600",
        "timeouts | {\"first_byte_seconds\": 601} | timeouts.first_byte_seconds must be a whole number 1-600",
        "timeouts | {\"first_byte_seconds\": 2.5} | timeouts.first_byte_seconds must be a whole number 1-600",
        "timeouts | {\"stream_idle_seconds\": 0} | stream_idle_seconds a whole number 1-3600",
        "timeouts | {\"stream_idle_seconds\": 3601} | stream_idle_seconds a whole number 1-3600",
        "models | {\"gpt-4o\": \"\"} | must be 1 to 256 characters",
        "models | {\"\": \"gpt-4o-2024-08-06\"} | must be 1 to 256 characters",
      })
  void rejectsWhatTheCrdRejects(String field, String value, String message) throws Exception {
    Object parsed =
        JSON.readValue(value.startsWith("{") ? value : quoteUnlessNumber(value), Object.class);
    Map<String, Object> region = new LinkedHashMap<>(minimalRegion());
    region.put(field, parsed);

    Terraform.Result result = plan(Map.of("r1", region));

    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output().replaceAll("\\s+", " ")).contains(message);
    Map<String, Object> spec = toCrdSpec(region);
    assertThat(crd().validate(inferenceRegion("r1", spec)))
        .as("the CRD rejects it too: %s", spec)
        .isNotEmpty();
  }

  @Test
  void rejectsAModelNameOrRegionModelNameLongerThan256CharactersAsTheCrdDoes() throws Exception {
    String long257 = "m".repeat(257);
    for (Map<String, String> models :
        List.of(Map.of(long257, "gpt-4o"), Map.of("gpt-4o", long257))) {
      Map<String, Object> region = new LinkedHashMap<>(minimalRegion());
      region.put("models", models);

      Terraform.Result result = plan(Map.of("r1", region));

      assertThat(result.exitCode()).as(result.output()).isNotZero();
      assertThat(result.output().replaceAll("\\s+", " ")).contains("must be 1 to 256 characters");
      assertThat(crd().validate(inferenceRegion("r1", toCrdSpec(region))))
          .as("the CRD rejects it too")
          .isNotEmpty();
    }
  }

  @Test
  void takesAtMost256ModelsPerRegionAsTheCrdDoes() throws Exception {
    Map<String, Object> models = new LinkedHashMap<>();
    for (int i = 0; i < 256; i++) {
      models.put("model-" + i, "deployment-" + i);
    }
    Map<String, Object> region = new LinkedHashMap<>(minimalRegion());
    region.put("models", models);
    assertThat(plan(Map.of("r1", region)).exitCode()).isZero();

    models.put("model-256", "deployment-256");
    Terraform.Result result = plan(Map.of("r1", region));

    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output().replaceAll("\\s+", " "))
        .contains("models may hold at most 256 entries");
    assertThat(crd().validate(inferenceRegion("r1", toCrdSpec(region))))
        .as("the CRD rejects it too")
        .isNotEmpty();
  }

  @Test
  void rejectsARegionNameThatIsNotAKubernetesName() throws Exception {
    Terraform.Result result = plan(Map.of("AP_South", minimalRegion()));
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("must be Kubernetes object names");
  }

  private static Map<String, Object> minimalRegion() {
    return Map.of(
        "endpoint",
        "https://inference.ap-south-1.example.com:8443/base",
        "cost_per_1k_tokens",
        0.32,
        "priority",
        1,
        "provider",
        "aws");
  }

  private static CrdSchemaValidator crd() throws IOException {
    var tree =
        new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
            .readTree(
                Charts.repositoryRoot()
                    .resolve("crds/inferenceregions.inference.regionrouter.dev.yaml")
                    .toFile());
    return new CrdSchemaValidator(
        tree.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema"));
  }

  private static Map<String, Object> inferenceRegion(String name, Object spec) {
    return Map.of(
        "apiVersion",
        "inference.regionrouter.dev/v1alpha1",
        "kind",
        "InferenceRegion",
        "metadata",
        Map.of("name", name, "namespace", "default"),
        "spec",
        spec);
  }

  /**
   * The module's snake_case fields in the CRD's camelCase, to ask the CRD about the same region.
   * The keys of models are model names, not fields: they stay as written.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> toCrdSpec(Map<String, Object> region) {
    Map<String, Object> spec = new LinkedHashMap<>();
    region.forEach(
        (k, v) ->
            spec.put(
                camel(k),
                v instanceof Map<?, ?> m && !k.equals("models")
                    ? toCrdSpec((Map<String, Object>) m)
                    : v));
    return spec;
  }

  private static String camel(String snake) {
    if (snake.equals("cost_per_1k_tokens")) {
      return "costPer1kTokens";
    }
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }

  private static String quoteUnlessNumber(String value) {
    return value.matches("-?\\d+(\\.\\d+)?") ? value : "\"" + value + "\"";
  }

  private static Path varFile(Map<String, Object> regions) throws IOException {
    Path file = scratch.resolve("case-" + RUNS.incrementAndGet() + ".tfvars.json");
    // chart is required by the module; only the regions matter here
    JSON.writeValue(file.toFile(), Map.of("chart", "unused", "regions", regions));
    return file;
  }

  private static Terraform.Result plan(Map<String, Object> regions) throws Exception {
    return Terraform.run(scratch, "plan", "-input=false", "-var-file=" + varFile(regions));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> apply(Map<String, Object> regions) throws Exception {
    Path state = scratch.resolve("case-" + RUNS.incrementAndGet() + ".tfstate");
    Terraform.Result apply =
        Terraform.run(
            scratch,
            "apply",
            "-auto-approve",
            "-input=false",
            "-state=" + state,
            "-var-file=" + varFile(regions));
    assertThat(apply.exitCode()).as(apply.output()).isZero();
    Terraform.Result output =
        Terraform.run(scratch, "output", "-state=" + state, "-json", "region_specs");
    assertThat(output.exitCode()).as(output.output()).isZero();
    return JSON.readValue(output.output(), Map.class);
  }
}
