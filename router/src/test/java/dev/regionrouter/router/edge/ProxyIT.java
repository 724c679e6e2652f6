package dev.regionrouter.router.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.router.support.Calls;
import dev.regionrouter.router.support.RawRegion;
import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP surface: errors, pass-through with streaming, headers and credentials. */
class ProxyIT extends RouterIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestRegion region = new TestRegion("r", 0);
  private RawRegion raw;

  @AfterEach
  void stop() throws IOException {
    region.close();
    if (raw != null) {
      raw.close();
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return Calls.send(CALLER, request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertError(HttpResponse<String> response, int status, String code)
      throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/json");
    JsonNode error = JSON.readTree(response.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.path("message").asText()).isNotBlank();
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void healthAnswersTheContract() throws Exception {
    HttpResponse<String> response = get("/health");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()))
        .isEqualTo(JSON.readTree("{\"status\":\"healthy\",\"service\":\"region-router\"}"));
  }

  @Test
  void malformedJsonIs400() throws Exception {
    useRegions(region(fresh("r"), region.endpoint(), 1, 0.1));
    assertError(inference("{\"prompt\": "), 400, "malformed_json");
  }

  @Test
  void invalidFieldsAre400() throws Exception {
    useRegions(region(fresh("r"), region.endpoint(), 1, 0.1));
    assertError(inference("{}"), 400, "invalid_request");
    assertError(inference("{\"prompt\": 5}"), 400, "invalid_request");
    assertError(inference("{\"prompt\": \"x\", \"max_tokens\": -1}"), 400, "invalid_request");
    assertError(inference("{\"prompt\": \"x\", \"max_tokens\": 1.5}"), 400, "invalid_request");
    assertError(inference("{\"prompt\": \"x\", \"temperature\": 3}"), 400, "invalid_request");
    assertError(inference("{\"prompt\": \"x\", \"temperature\": \"hot\"}"), 400, "invalid_request");
    assertError(inference("[]"), 400, "invalid_request");
    assertThat(region.inferenceCalls()).isZero();
  }

  @Test
  void bodyOverTheLimitIs413() throws Exception {
    String big = "{\"prompt\":\"" + "x".repeat(70 * 1024) + "\"}";
    assertError(inference(big), 413, "body_too_large");
  }

  @Test
  void wrongContentTypeIs415() throws Exception {
    assertError(
        send(
            Calls.request(url("/v1/inference"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}"))),
        415,
        "unsupported_media_type");
    assertError(
        send(
            Calls.request(url("/v1/inference"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}"))),
        415,
        "unsupported_media_type");
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405InTheErrorShape() throws Exception {
    assertError(get("/nope"), 404, "not_found");
    assertError(get("/v1/inference"), 405, "method_not_allowed");
    assertError(send(Calls.request(url("/health")).DELETE()), 405, "method_not_allowed");
  }

  @Test
  void passThroughRelaysAnOpenAiRequestUnchanged() throws Exception {
    region.onOther(
        ex -> {
          ex.getResponseHeaders().set("X-Upstream", "yes");
          TestRegion.send(
              ex,
              200,
              "application/json",
              "{\"object\":\"list\",\"path\":\"" + ex.getRequestURI() + "\"}");
        });
    String name = fresh("r");
    useRegions(region(name, region.endpoint(), 1, 0.1));
    HttpResponse<String> response =
        send(
            Calls.request(url("/v1/embeddings?x=1"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"hi\"}")));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"object\":\"list\",\"path\":\"/v1/embeddings?x=1\"}");
    assertThat(response.headers().firstValue("X-Upstream")).hasValue("yes");
    assertThat(response.headers().firstValue("X-Region-Router-Region")).hasValue(name);
    assertThat(response.headers().firstValue("X-Region-Router-Attempts")).hasValue("1");
    assertThat(region.requestBodies()).containsExactly("{\"input\":\"hi\"}");
  }

  @Test
  void hopByHopHeadersAndCallerAuthorizationAreNotForwarded() throws Exception {
    region.onOther(
        ex -> {
          ex.getResponseHeaders().set("Connection", "X-Secret-Hop");
          ex.getResponseHeaders().set("X-Secret-Hop", "1");
          ex.getResponseHeaders().set("Keep-Alive", "timeout=5");
          TestRegion.send(ex, 200, "application/json", "{}");
        });
    useRegions(region(fresh("r"), region.endpoint(), 1, 0.1));
    HttpResponse<String> response =
        send(
            Calls.request(url("/v1/models"))
                .header("Authorization", "Bearer caller-secret")
                .header("X-Forward-Me", "kept")
                .header("X-Region-Router-Region", "spoofed")
                .GET());
    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, List<String>> seen = region.requestHeaders().get(0);
    assertThat(seen).doesNotContainKey("Authorization").doesNotContainKey("X-region-router-region");
    assertThat(seen.get("X-forward-me")).containsExactly("kept");
    assertThat(response.headers().firstValue("X-Secret-Hop")).isEmpty();
    assertThat(response.headers().firstValue("Keep-Alive")).isEmpty();
  }

  @Test
  void regionCredentialsAreSentAsBearerToken() throws Exception {
    Files.createDirectories(CREDENTIALS.resolve("region-a-token"));
    Files.writeString(CREDENTIALS.resolve("region-a-token").resolve("api-key"), "s3cr3t\n");
    useRegions(
        region(
            fresh("r"),
            region.endpoint(),
            1,
            0.1,
            "credentialsSecretRef: {name: region-a-token, key: api-key}"));
    HttpResponse<String> response =
        inference("{\"prompt\":\"x\"}", "Authorization", "Bearer caller-secret");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(region.requestHeaders().get(0).get("Authorization"))
        .containsExactly("Bearer s3cr3t");
  }

  @Test
  void regionWhoseCredentialsAreMissingIsSkipped() throws Exception {
    TestRegion other = new TestRegion("other", 0);
    try (other) {
      useRegions(
          region(
              fresh("r"),
              region.endpoint(),
              0,
              0.1,
              "credentialsSecretRef: {name: missing-secret}"),
          region(fresh("other"), other.endpoint(), 20, 0.1));
      HttpResponse<String> response = inference("{\"prompt\":\"x\"}");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(region.inferenceCalls()).isZero();
      assertThat(other.inferenceCalls()).isEqualTo(1);
    }
  }

  @Test
  void serverSentEventsAreRelayedAsTheyArrive() throws Exception {
    CountDownLatch firstChunkSeen = new CountDownLatch(1);
    region.onOther(
        ex -> {
          ex.getResponseHeaders().set("Content-Type", "text/event-stream");
          ex.sendResponseHeaders(200, 0); // chunked
          OutputStream out = ex.getResponseBody();
          out.write("data: {\"token\":\"Hel\"}\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
          // the region holds the rest until the caller has the first event: only an incremental
          // relay
          // lets this test finish
          if (!firstChunkSeen.await(10, TimeUnit.SECONDS)) {
            out.write(
                "data: {\"error\":\"first chunk never reached the caller\"}\n\n"
                    .getBytes(StandardCharsets.UTF_8));
          }
          out.write(
              "data: {\"token\":\"lo\"}\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
          out.close();
        });
    useRegions(region(fresh("r"), region.endpoint(), 1, 0.1));
    HttpResponse<InputStream> response =
        Calls.send(
            CALLER,
            Calls.request(url("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"stream\":true}"))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    try (InputStream body = response.body()) {
      String first = readUntil(body, "\n\n");
      assertThat(first).isEqualTo("data: {\"token\":\"Hel\"}\n\n");
      firstChunkSeen.countDown();
      String rest = new String(body.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(rest).isEqualTo("data: {\"token\":\"lo\"}\n\ndata: [DONE]\n\n");
    }
  }

  @Test
  void theHeadOfAStreamFeedsTheScoredLatencyAndAWholeAnswerDoesNot() throws Exception {
    region.onOther(
        ex -> {
          Thread.sleep(
              300); // as real traffic meets this region: 300 ms until the head of its answer
          boolean stream = ex.getRequestURI().getPath().equals("/v1/chat/completions");
          TestRegion.send(
              ex,
              200,
              stream ? "text/event-stream" : "application/json",
              stream ? "data: {\"token\":\"x\"}\n\ndata: [DONE]\n\n" : "{\"data\":[]}");
        });
    String name = fresh("r");
    useRegions(region(name, region.endpoint(), 1, 0.1));
    // its probes answer at once (a few ms on loopback); one 300 ms sample would add 90 ms
    // (smoothing 0.3)
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                json(get("/regions/status"))
                    .path("regions")
                    .path(name)
                    .path("latency_cache")
                    .isNumber());

    // a whole answer's time includes the region's work on it: not the region's round trip
    assertThat(post("/v1/embeddings", "{\"input\":\"x\"}").statusCode()).isEqualTo(200);
    assertThat(
            json(get("/regions/status"))
                .path("regions")
                .path(name)
                .path("latency_cache")
                .asDouble())
        .isLessThan(0.05);

    // a stream's head comes before any generation: real traffic's sample of the round trip
    HttpResponse<String> streamed = post("/v1/chat/completions", "{\"stream\":true}");
    assertThat(streamed.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    assertThat(
            json(get("/regions/status"))
                .path("regions")
                .path(name)
                .path("latency_cache")
                .asDouble())
        .isGreaterThan(0.05);
  }

  @Test
  void streamCutByTheRegionMidwayReachesTheCallerAsATruncatedStreamWithoutRetry() throws Exception {
    raw = new RawRegion(RawRegion.Fault.DISCONNECT_MID_STREAM);
    TestRegion other = new TestRegion("other", 0);
    try (other) {
      String cut = fresh("cut");
      useRegions(
          region(cut, raw.endpoint(), 0, 0.1), region(fresh("other"), other.endpoint(), 20, 0.1));
      // a raw socket sees exactly what the router sends: status, the relayed events, then the cut
      String seen;
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
        socket
            .getOutputStream()
            .write(
                ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                        + "\r\nContent-Length: 15\r\n\r\n{\"stream\":true}")
                    .getBytes(StandardCharsets.US_ASCII));
        java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        try {
          socket.getInputStream().transferTo(received);
        } catch (IOException e) {
          // a reset is a fine way to cut the stream
        }
        seen = received.toString(StandardCharsets.UTF_8);
      }
      if (!seen.isEmpty()) {
        assertThat(seen).startsWith("HTTP/1.1 200");
        assertThat(seen)
            .doesNotEndWith(
                "0\r\n\r\n"); // no final chunk: the caller cannot mistake it for complete
      }
      assertThat(other.requestBodies()).isEmpty();
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(get("/actuator/prometheus").body())
                      .contains("outcome=\"stream_broken\",region=\"" + cut + "\""));
    }
  }

  private static String readUntil(InputStream in, String end) throws IOException {
    StringBuilder text = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      text.append((char) b);
      if (text.toString().endsWith(end)) {
        break;
      }
    }
    return text.toString();
  }
}
