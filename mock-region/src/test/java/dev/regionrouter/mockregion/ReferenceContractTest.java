package dev.regionrouter.mockregion;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract the reference tutorial's router and the demo rely on. */
class ReferenceContractTest {

  private MockRegion region;
  private TestHttp http;

  @BeforeEach
  void start() {
    region = MockRegion.builder("ap-south-1").latencyMs(10).inferenceDelayMs(0).build();
    region.start();
    http = new TestHttp(region);
  }

  @AfterEach
  void stop() {
    region.stop();
  }

  @Test
  void healthAnswersHealthyWithTheRegionName() {
    HttpResponse<String> response = http.get("/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"status\":\"healthy\",\"region\":\"ap-south-1\"}");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.headers().firstValue("X-Mock-Region")).hasValue("ap-south-1");
  }

  @Test
  void inferenceEchoesTheFirstFiftyCharactersAndMaxTokens() {
    String prompt = "Explain quantum computing in simple terms for a curious ten year old";

    HttpResponse<String> response =
        http.post(
            "/v1/inference",
            "{\"prompt\":\"" + prompt + "\",\"max_tokens\":42,\"temperature\":0.2}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo(
            "{\"output\":\"Mock response from ap-south-1: "
                + prompt.substring(0, 50)
                + "...\",\"tokens_used\":42}");
    assertThat(response.headers().firstValue("X-Mock-Region")).hasValue("ap-south-1");
  }

  @Test
  void inferenceReportsOneHundredTokensWhenMaxTokensIsAbsent() {
    HttpResponse<String> response = http.post("/v1/inference", "{\"prompt\":\"hi\"}");

    assertThat(response.body())
        .isEqualTo("{\"output\":\"Mock response from ap-south-1: hi...\",\"tokens_used\":100}");
  }

  @Test
  void inferenceCutsThePromptByCharactersNotBytes() {
    String prompt = "é".repeat(60);

    HttpResponse<String> response = http.post("/v1/inference", "{\"prompt\":\"" + prompt + "\"}");

    assertThat(response.body()).contains(": " + "é".repeat(50) + "...\"");
  }

  @Test
  void tokensUsedOverrideReplacesMaxTokens() {
    region.settings().update(s -> s.tokensUsed(7));

    HttpResponse<String> response =
        http.post("/v1/inference", "{\"prompt\":\"hi\",\"max_tokens\":300}");

    assertThat(response.body()).endsWith("\"tokens_used\":7}");
  }

  @Test
  void malformedJsonIsA400WithAJsonError() {
    HttpResponse<String> response = http.post("/v1/inference", "{\"prompt\": ");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .startsWith("{\"error\":{\"code\":\"bad_request\",\"message\":\"malformed JSON");
    assertThat(response.headers().firstValue("X-Mock-Region")).hasValue("ap-south-1");
  }

  @Test
  void bodiesThatAreNotAnObjectOrHaveWrongTypesAreA400() {
    assertThat(http.post("/v1/inference", "[1,2]").statusCode()).isEqualTo(400);
    assertThat(http.post("/v1/inference", "").statusCode()).isEqualTo(400);
    assertThat(http.post("/v1/inference", "{\"prompt\":\"x\"} trailing").statusCode())
        .isEqualTo(400);
    HttpResponse<String> wrongType =
        http.post("/v1/inference", "{\"prompt\":\"x\",\"max_tokens\":\"many\"}");
    assertThat(wrongType.statusCode()).isEqualTo(400);
    assertThat(wrongType.body()).contains("max_tokens must be a non-negative integer");
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405() {
    HttpResponse<String> missing = http.get("/nope");
    HttpResponse<String> wrongMethod = http.get("/v1/inference");

    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("\"not_found\"");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void oversizedBodyIs413() {
    region.stop();
    region = MockRegion.builder("ap-south-1").inferenceDelayMs(0).maxBodyBytes(64).build();
    region.start();
    http = new TestHttp(region);

    HttpResponse<String> response =
        http.post("/v1/inference", "{\"prompt\":\"" + "x".repeat(200) + "\"}");

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.headers().firstValue("X-Mock-Region")).hasValue("ap-south-1");
  }

  @Test
  void keepsTheConnectionOpenAcrossRequests() {
    for (int i = 0; i < 20; i++) {
      assertThat(http.get("/health").statusCode()).isEqualTo(200);
    }

    assertThat(region.stats().count("/health", 200)).isEqualTo(20);
    assertThat(region.stats().snapshot().get("connectionsAccepted")).isEqualTo(1L);
  }

  @Test
  void headOnHealthSendsHeadersWithoutBody() {
    HttpResponse<String> response =
        http.send(
            http.request("/health").method("HEAD", HttpRequest.BodyPublishers.noBody()).build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
    assertThat(response.headers().firstValue("X-Mock-Region")).hasValue("ap-south-1");
  }
}
