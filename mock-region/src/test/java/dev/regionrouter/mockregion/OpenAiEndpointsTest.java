package dev.regionrouter.mockregion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiEndpointsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private MockRegion region;
  private TestHttp http;

  @BeforeEach
  void start() {
    region =
        MockRegion.builder("brazilsouth")
            .inferenceDelayMs(0)
            .streamChunks(4)
            .streamIntervalMs(5)
            .build();
    region.start();
    http = new TestHttp(region);
  }

  @AfterEach
  void stop() {
    region.stop();
  }

  @Test
  void chatCompletionAnswersOneAssistantMessageWithUsage() throws IOException {
    HttpResponse<String> response =
        http.post(
            "/v1/chat/completions",
            """
                {"model":"gpt-test","max_tokens":12,
                 "messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello there"}]}""");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("object").asText()).isEqualTo("chat.completion");
    assertThat(body.path("model").asText()).isEqualTo("gpt-test");
    assertThat(body.path("choices").get(0).path("message").path("role").asText())
        .isEqualTo("assistant");
    assertThat(body.path("choices").get(0).path("message").path("content").asText())
        .isEqualTo("Mock response from brazilsouth: hello there...");
    assertThat(body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
    assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(12);
  }

  @Test
  void streamedChatCompletionSendsTheConfiguredChunksThenDone() throws Exception {
    HttpResponse<Stream<String>> response =
        http.client.send(
            http.postRequest(
                "/v1/chat/completions",
                "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"stream me\"}]}"),
            HttpResponse.BodyHandlers.ofLines());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    assertThat(response.headers().firstValue("X-Mock-Region")).hasValue("brazilsouth");
    List<String> events = response.body().filter(line -> !line.isEmpty()).toList();
    assertThat(events).hasSize(5).allSatisfy(line -> assertThat(line).startsWith("data: "));
    assertThat(events.get(4)).isEqualTo("data: [DONE]");
    List<JsonNode> chunks = events.subList(0, 4).stream().map(OpenAiEndpointsTest::data).toList();
    assertThat(chunks)
        .allSatisfy(c -> assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk"));
    assertThat(chunks.get(0).path("choices").get(0).path("delta").path("role").asText())
        .isEqualTo("assistant");
    assertThat(chunks.get(3).path("choices").get(0).path("finish_reason").asText())
        .isEqualTo("stop");
    assertThat(chunks.get(2).path("choices").get(0).path("finish_reason").isNull()).isTrue();
    String text =
        chunks.stream()
            .map(c -> c.path("choices").get(0).path("delta").path("content").asText())
            .reduce("", String::concat);
    assertThat(text).isEqualTo("Mock response from brazilsouth: stream me...");
  }

  @Test
  void aStreamsHeadGoesAtOnceAndItsFirstChunkAfterTheInferenceDelay() throws Exception {
    try (MockRegion slow =
        MockRegion.builder("slow")
            .inferenceDelayMs(1500)
            .streamChunks(2)
            .streamIntervalMs(5)
            .build()) {
      slow.start();
      TestHttp slowHttp = new TestHttp(slow);
      HttpResponse<java.io.InputStream> response =
          slowHttp.client.send(
              slowHttp.postRequest(
                  "/v1/chat/completions",
                  "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
              HttpResponse.BodyHandlers.ofInputStream());
      // the head is here (as an OpenAI-compatible server sends it on taking the request); the
      // first token is not: it comes after the inference delay
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
      try (java.io.InputStream body = response.body()) {
        assertThat(body.available()).isZero();
        String text = new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).startsWith("data: {").endsWith("data: [DONE]\n\n");
      }
    }
  }

  @Test
  void connectionIsReusableAfterAStream() throws Exception {
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> response =
          http.post(
              "/v1/chat/completions",
              "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"again\"}]}");
      assertThat(response.body()).endsWith("data: [DONE]\n\n");
    }
    assertThat(region.stats().snapshot().get("connectionsAccepted")).isEqualTo(1L);
  }

  @Test
  void chatWithoutMessagesIsA400() {
    HttpResponse<String> response = http.post("/v1/chat/completions", "{\"model\":\"x\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("messages must be a non-empty array");
  }

  @Test
  void textCompletionAnswersInTheCompletionsShape() throws IOException {
    HttpResponse<String> response =
        http.post("/v1/completions", "{\"prompt\":\"once upon\",\"max_tokens\":3}");

    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("object").asText()).isEqualTo("text_completion");
    assertThat(body.path("choices").get(0).path("text").asText())
        .isEqualTo("Mock response from brazilsouth: once upon...");
    assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(3);
  }

  @Test
  void embeddingsAreDeterministicUnitVectorsOnePerInput() throws IOException {
    String request = "{\"model\":\"emb\",\"input\":[\"a\",\"b\"],\"dimensions\":16}";

    JsonNode first = JSON.readTree(http.post("/v1/embeddings", request).body());
    JsonNode second = JSON.readTree(http.post("/v1/embeddings", request).body());

    assertThat(first.path("object").asText()).isEqualTo("list");
    assertThat(first.path("data")).hasSize(2);
    JsonNode vector = first.path("data").get(0).path("embedding");
    assertThat(vector).hasSize(16);
    double norm = 0;
    for (JsonNode value : vector) {
      norm += value.asDouble() * value.asDouble();
    }
    assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
    assertThat(second).isEqualTo(first);
  }

  private static JsonNode data(String event) {
    try {
      return JSON.readTree(event.substring("data: ".length()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
