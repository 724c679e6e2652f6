package dev.regionrouter.mockregion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.regionrouter.mockregion.config.StreamFault;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The faults a router's retry and stream conduct is tested against: failures once or for a while (a
 * flap, /health green), error codes, faults for one model only, and streams that break.
 */
class StreamAndTimedFaultsTest {

  private static final String INFERENCE_BODY = "{\"prompt\":\"hello\",\"max_tokens\":5}";
  private static final String STREAM_BODY =
      "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private MockRegion region;
  private TestHttp http;

  @BeforeEach
  void start() {
    region =
        MockRegion.builder("me-south-1")
            .latencyMs(0)
            .inferenceDelayMs(0)
            .streamChunks(4)
            .streamIntervalMs(10)
            .build();
    region.start();
    http = new TestHttp(region);
  }

  @AfterEach
  void stop() {
    region.stop();
  }

  @Test
  void failFirstFailsOnlyTheFirstRequestsWith429AndRetryAfter() {
    region.settings().update(s -> s.failFirst(1).failureStatus(429).retryAfterSeconds(2));

    HttpResponse<String> first = http.post("/v1/inference", INFERENCE_BODY);
    assertThat(first.statusCode()).isEqualTo(429);
    assertThat(first.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(http.post("/v1/inference", INFERENCE_BODY).statusCode()).isEqualTo(200);
  }

  @Test
  void failForFailsInferenceForAWhileWhileHealthStaysGreen() {
    region.settings().update(s -> s.failForMs(300).failureStatus(503));

    assertThat(http.post("/v1/inference", INFERENCE_BODY).statusCode()).isEqualTo(503);
    assertThat(http.get("/health").statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(3))
        .until(() -> http.post("/v1/inference", INFERENCE_BODY).statusCode() == 200);
  }

  @Test
  void anErrorCodeNamesTheInjectedFailure() {
    region
        .settings()
        .update(s -> s.failureRate(1).failureStatus(400).errorCode("context_length_exceeded"));

    HttpResponse<String> response = http.post("/v1/chat/completions", STREAM_BODY);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("\"code\":\"context_length_exceeded\"");
  }

  @Test
  void faultsApplyOnlyToTheNamedModel() {
    region.settings().update(s -> s.failureRate(1).failureStatus(500).faultModel("gpt-4o"));

    assertThat(http.post("/v1/chat/completions", STREAM_BODY).statusCode()).isEqualTo(500);
    assertThat(
            http.post("/v1/chat/completions", STREAM_BODY.replace("gpt-4o", "gpt-4o-mini"))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void noDoneEndsTheStreamCleanlyWithoutDone() throws IOException {
    region.settings().update(s -> s.streamFault(StreamFault.NO_DONE));

    String seen = raw(STREAM_BODY);

    assertThat(seen)
        .contains("chat.completion.chunk")
        .doesNotContain("[DONE]")
        .endsWith("0\r\n\r\n");
  }

  @Test
  void malformedSendsAnEventThatIsNotJsonThenGoesOn() throws IOException {
    region.settings().update(s -> s.streamFault(StreamFault.MALFORMED).streamFaultAfter(1));

    String seen = raw(STREAM_BODY);

    assertThat(seen).contains("data: {\"choices\": [\n\n").contains("data: [DONE]");
  }

  @Test
  void cutDropsTheConnectionAfterTheEvents() throws IOException {
    region.settings().update(s -> s.streamFault(StreamFault.CUT).streamFaultAfter(2));

    String seen = raw(STREAM_BODY);

    assertThat(seen.split("chat.completion.chunk", -1)).hasSize(3); // two events
    assertThat(seen).doesNotContain("[DONE]").doesNotEndWith("0\r\n\r\n");
  }

  @Test
  void stallGoesSilentWithTheConnectionOpen() throws IOException {
    region.settings().update(s -> s.streamFault(StreamFault.STALL).streamFaultAfter(1));

    String seen = raw(STREAM_BODY);

    assertThat(seen)
        .contains("chat.completion.chunk")
        .doesNotContain("[DONE]")
        .doesNotEndWith("0\r\n\r\n");
  }

  /**
   * Everything the mock sent for one request on a raw socket, until it closed or went quiet for 1
   * s.
   */
  private String raw(String body) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", region.port())) {
      socket.setSoTimeout(1_000);
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      socket
          .getOutputStream()
          .write(
              ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                      + "Content-Type: application/json\r\nContent-Length: "
                      + bytes.length
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(bytes);
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          received.write(buffer, 0, n);
        }
      } catch (SocketTimeoutException | java.net.SocketException e) {
        // quiet (stall) or reset (cut): what was received is the answer
      }
      return received.toString(StandardCharsets.UTF_8);
    }
  }
}
