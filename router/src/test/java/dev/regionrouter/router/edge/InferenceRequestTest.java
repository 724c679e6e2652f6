package dev.regionrouter.router.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.router.error.RouterException;
import dev.regionrouter.router.json.JsonScanner;
import dev.regionrouter.router.json.RandomJson;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What the router forwards for a /v1/inference body: the caller's bytes, with missing defaults
 * appended.
 */
class InferenceRequestTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One scanner for every body, as a connection reads its requests. */
  private static final JsonScanner SCANNER = JsonScanner.reusable();

  /** Fails on a key given twice: the forwarded body must never carry one. */
  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private static InferenceRequest.Parsed parse(String body) {
    return InferenceRequest.parse(body.getBytes(StandardCharsets.UTF_8), JSON, SCANNER);
  }

  @Test
  void aCompleteBodyIsForwardedByteForByte() {
    String body =
        "{\"prompt\": \"hi\",  \"max_tokens\": 5, \"temperature\": 0.1, \"stop\": [\"\\n\"]}";
    assertThat(new String(parse(body).forward(), StandardCharsets.UTF_8)).isEqualTo(body);
  }

  @Test
  void missingDefaultsAreAppendedAndEveryOtherFieldKept() throws Exception {
    InferenceRequest.Parsed parsed = parse("{\"prompt\":\"hi\",\"user\":{\"id\":7}}  \n");
    JsonNode forwarded = STRICT.readTree(parsed.forward());
    assertThat(forwarded.path("prompt").asText()).isEqualTo("hi");
    assertThat(forwarded.path("user").path("id").asInt()).isEqualTo(7);
    assertThat(forwarded.path("max_tokens").asInt()).isEqualTo(100);
    assertThat(forwarded.path("temperature").asDouble()).isEqualTo(0.7);
    assertThat(parsed.maxTokens()).isEqualTo(100);
    assertThat(parsed.estimatedTokens()).isEqualTo(100);
  }

  @Test
  void onlyTheMissingDefaultIsAppended() throws Exception {
    JsonNode noMaxTokens =
        STRICT.readTree(parse("{\"prompt\":\"hi\",\"temperature\":1.5}").forward());
    assertThat(noMaxTokens.path("max_tokens").asInt()).isEqualTo(100);
    assertThat(noMaxTokens.path("temperature").asDouble()).isEqualTo(1.5);
    JsonNode noTemperature =
        STRICT.readTree(parse("{\"prompt\":\"hi\",\"max_tokens\":9}").forward());
    assertThat(noTemperature.path("max_tokens").asInt()).isEqualTo(9);
    assertThat(noTemperature.path("temperature").asDouble()).isEqualTo(0.7);
  }

  @Test
  void anExplicitNullIsReplacedNotRepeated() throws Exception {
    JsonNode forwarded =
        STRICT.readTree(parse("{\"prompt\":\"hi\",\"max_tokens\":null}").forward());
    assertThat(forwarded.path("max_tokens").asInt()).isEqualTo(100);
    assertThat(forwarded.path("temperature").asDouble()).isEqualTo(0.7);
  }

  @Test
  void aByteOrderMarkIsNotPassedOn() {
    byte[] body =
        ("\uFEFF{\"prompt\":\"hi\",\"max_tokens\":5,\"temperature\":1}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] forwarded = InferenceRequest.parse(body, JSON, SCANNER).forward();
    assertThat(forwarded[0]).isEqualTo((byte) '{');
  }

  @Test
  void invalidBodiesAreRejectedWithEveryProblem() {
    assertThatThrownBy(() -> parse("{\"max_tokens\":0,\"temperature\":\"hot\"}"))
        .isInstanceOf(RouterException.class)
        .hasMessageContaining("prompt: is required")
        .hasMessageContaining("max_tokens: must be >= 1")
        .hasMessageContaining("temperature: must be a number");
    assertThatThrownBy(() -> parse("[1]"))
        .isInstanceOf(RouterException.class)
        .hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> parse(""))
        .isInstanceOf(RouterException.class)
        .hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> parse("{\"prompt\":"))
        .isInstanceOf(RouterException.class)
        .extracting(e -> ((RouterException) e).code())
        .isEqualTo("malformed_json");
    assertThatThrownBy(() -> parse("{\"prompt\":\"x\",\"extra\":[1,{\"a\":}]}"))
        .isInstanceOf(RouterException.class)
        .extracting(e -> ((RouterException) e).code())
        .isEqualTo("malformed_json");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"prompt\":{\"text\":\"x\"},\"max_tokens\":3000000000,\"temperature\":2.5}"))
        .hasMessageContaining("prompt: must be a string")
        .hasMessageContaining("max_tokens: must be an integer")
        .hasMessageContaining("temperature: must be between 0 and 2");
    assertThatThrownBy(() -> parse("{\"prompt\":\"x\",\"max_tokens\":1.5}"))
        .hasMessageContaining("must be an integer");
  }

  @Test
  void aFieldGivenTwiceCountsByItsLastValueAndUnknownOnesAreSkippedWhole() {
    InferenceRequest.Parsed parsed =
        parse(
            "{\"max_tokens\":-4,\"tools\":[{\"max_tokens\":\"x\"}],\"prompt\":\"12345678\",\"max_tokens\":8}");
    assertThat(parsed.maxTokens()).isEqualTo(8);
    assertThat(parsed.estimatedTokens()).isEqualTo(8 + 2); // ~4 characters a prompt token
  }

  @Test
  void theScannerReadsTheBodiesCallersSend() {
    for (String body :
        new String[] {
          "{\"prompt\":\"Explain quantum computing in one sentence.\",\"max_tokens\":32}",
          "{\"prompt\": \"caf\u00e9 \\\"x\\\" \\u00e9\", \"temperature\": 0.2, \"model\": \"m-1\"}\n",
          "{\"model\":\"gpt\",\"prompt\":\"hi\",\"stop\":[\"\\n\"],\"user\":{\"id\":7}}"
        }) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      assertThat(InferenceRequest.scan(bytes, SCANNER)).as(body).isNotNull();
      assertThat(describe(InferenceRequest.scan(bytes, SCANNER)))
          .isEqualTo(describe(InferenceRequest.read(bytes, JSON)));
    }
  }

  /**
   * The scanner is only a faster reader: on every body it accepts, Jackson reads the same fields
   * (random documents and mutations of them); the rest goes to Jackson.
   */
  @Test
  void whatTheScannerReadsJacksonReadsTheSame() {
    Random random = new Random(7);
    int scanned = 0;
    for (int i = 0; i < 3_000; i++) {
      byte[] body = RandomJson.document(random, false);
      if (random.nextBoolean()) {
        body = RandomJson.mutate(body, random);
      }
      InferenceRequest.Fields fields = InferenceRequest.scan(body, SCANNER);
      if (fields != null) {
        scanned++;
        String text = new String(body, StandardCharsets.UTF_8);
        assertThat(describe(fields))
            .as(text)
            .isEqualTo(describe(InferenceRequest.read(body, JSON)));
      }
    }
    assertThat(scanned).isGreaterThan(1_000);
  }

  private static String describe(InferenceRequest.Fields f) {
    return String.join(
        " | ",
        String.valueOf(f.prompt),
        String.valueOf(f.promptLength),
        String.valueOf(f.maxTokensToken),
        String.valueOf(f.maxTokens),
        String.valueOf(f.maxTokensTooLarge),
        String.valueOf(f.temperatureToken),
        String.valueOf(f.temperature),
        String.valueOf(f.model),
        String.valueOf(f.problems()));
  }
}
