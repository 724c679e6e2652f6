package dev.regionrouter.router.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.router.support.Calls;
import dev.regionrouter.router.support.RawRegion;
import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.test.context.TestPropertySource;

/**
 * The fault suite beyond the matrix (issue 6): oversized answers, slowloris regions,
 * connections cut mid-answer or left silent, callers that trickle or stop their body. Each fault
 * with the outcome the caller must get. (The burst of 1,000 requests is {@link FailoverBurstIT}.)
 */
@TestPropertySource(properties = "router.proxy.body-read-timeout=1s")
class FaultSuiteIT extends RouterIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROMPT = "{\"prompt\":\"Hello world\",\"max_tokens\":20}";
  private static final int FIFTY_MB = 50 * 1024 * 1024;

  private final TestRegion fallback = new TestRegion("fallback", 0);
  private TestRegion primary;
  private RawRegion raw;

  @AfterEach
  void stopRegions() throws Exception {
    fallback.close();
    if (primary != null) {
      primary.close();
    }
    if (raw != null) {
      raw.close();
    }
  }

  private String[] withFallback(String primaryName, String primaryEndpoint) {
    return new String[] {
      region(primaryName, primaryEndpoint, 0, 0.1),
      region(fresh("fallback"), fallback.endpoint(), 20, 0.2)
    };
  }

  private void assertServedByFallbackOnSecondAttempt(HttpResponse<String> response)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Region-Router-Attempts")).hasValue("2");
    assertThat(response.headers().firstValue("X-Region-Router-Region").orElseThrow())
        .startsWith("fallback-");
    assertThat(JSON.readTree(response.body()).path("result").asText())
        .startsWith("Mock response from fallback");
  }

  private void awaitAttemptOutcome(String region, String outcome) {
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(get("/actuator/prometheus").body())
                    .contains(
                        "regionrouter_router_attempts_total{application=\"region-router\",outcome=\""
                            + outcome
                            + "\",region=\""
                            + region
                            + "\"}"));
  }

  private void awaitNothingInFlight(String region) {
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(
                        JSON.readTree(get("/regions/status").body())
                            .path("regions")
                            .path(region)
                            .path("in_flight")
                            .asInt())
                    .isZero());
  }

  /** Writes 50 MB of a JSON string (declared or chunked) and records how much the router took. */
  private static TestRegion.Handler fiftyMegabytes(boolean declareLength, AtomicLong sent) {
    return exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, declareLength ? FIFTY_MB : 0);
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) 'x');
      byte[] first = chunk.clone();
      byte[] prefix = "{\"output\":\"".getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(prefix, 0, first, 0, prefix.length);
      OutputStream out = exchange.getResponseBody();
      try {
        for (int written = 0; written < FIFTY_MB; written += chunk.length) {
          out.write(written == 0 ? first : chunk);
          sent.addAndGet(chunk.length);
        }
        out.close();
      } finally {
        sent.addAndGet(
            1L << 40); // marks "done writing" (whether the router took it all or hung up)
      }
    };
  }

  @ParameterizedTest(name = "length declared: {0}")
  @ValueSource(booleans = {false, true})
  void hugeInferenceAnswerFailsTheAttemptInsteadOfBeingBuffered(boolean declareLength)
      throws Exception {
    AtomicLong sent = new AtomicLong();
    primary = new TestRegion("primary", 0).onInference(fiftyMegabytes(declareLength, sent));
    String name = fresh("huge");
    useRegions(withFallback(name, primary.endpoint()));

    assertServedByFallbackOnSecondAttempt(inference(PROMPT));
    awaitAttemptOutcome(name, "response_too_large");
    // the router hung up long before the 50 MB were sent (it reads 10 MB at most)
    await().atMost(Duration.ofSeconds(10)).until(() -> sent.get() >= 1L << 40);
    assertThat(sent.get() - (1L << 40)).isLessThan(FIFTY_MB);
    awaitNothingInFlight(name);
  }

  @Test
  void passThroughRelaysAHugeAnswerWhole() throws Exception {
    AtomicLong sent = new AtomicLong();
    TestRegion.Handler huge = fiftyMegabytes(false, sent);
    fallback.onOther(huge);
    useRegions(region(fresh("files"), fallback.endpoint(), 1, 0.1));
    HttpResponse<InputStream> response =
        Calls.send(
            CALLER,
            Calls.request(url("/v1/files/big/content")).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    long received;
    try (InputStream body = response.body()) {
      received = body.transferTo(OutputStream.nullOutputStream());
    }
    assertThat(received).isEqualTo(FIFTY_MB);
  }

  @Test
  void slowlorisRegionTricklingItsHeadersIsCutByThePerTryTimeout() throws Exception {
    raw = new RawRegion(RawRegion.Fault.SLOW_HEADERS);
    String name = fresh("slowloris");
    useRegions(withFallback(name, raw.endpoint()));
    assertServedByFallbackOnSecondAttempt(inference(PROMPT));
    awaitAttemptOutcome(name, "timeout");

    // the pass-through waits for headers under the same per-try timeout
    HttpResponse<String> relayed =
        Calls.send(
            CALLER,
            Calls.request(url("/v1/models")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(relayed.statusCode()).isEqualTo(404); // the fallback's own answer for /v1/models
    assertThat(relayed.headers().firstValue("X-Region-Router-Region").orElseThrow())
        .startsWith("fallback-");
    awaitNothingInFlight(name);
  }

  @Test
  void regionClosingTheConnectionMidAnswerFailsOver() throws Exception {
    raw = new RawRegion(RawRegion.Fault.CLOSE_MID_BODY);
    String name = fresh("cut");
    useRegions(withFallback(name, raw.endpoint()));
    assertServedByFallbackOnSecondAttempt(inference(PROMPT));
    assertThat(raw.faultsServed()).isEqualTo(1);
    awaitAttemptOutcome(name, "reset");
  }

  @Test
  void streamThatGoesSilentIsCutAfterTheIdleTimeout() throws Exception {
    raw = new RawRegion(RawRegion.Fault.STALL_MID_STREAM);
    String name = fresh("silent");
    useRegions(
        region(name, raw.endpoint(), 0, 0.1), region(fresh("other"), fallback.endpoint(), 20, 0.1));
    String seen;
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(
          15_000); // a safety net only: the router's idle timeout (2 s) must end it first
      socket
          .getOutputStream()
          .write(
              ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                      + "\r\nContent-Length: 15\r\n\r\n{\"stream\":true}")
                  .getBytes(StandardCharsets.US_ASCII));
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      try {
        socket.getInputStream().transferTo(received);
      } catch (java.net.SocketTimeoutException e) {
        throw new AssertionError("the silent stream was never cut", e);
      } catch (IOException e) {
        // a reset is a fine way to cut it
      }
      seen = received.toString(StandardCharsets.UTF_8);
    }
    assertThat(seen).startsWith("HTTP/1.1 200").contains("data: {\"chunk\":0}");
    assertThat(seen)
        .doesNotEndWith("0\r\n\r\n"); // no final chunk: the caller cannot mistake it for complete
    await().atMost(Duration.ofSeconds(5)).until(() -> raw.closedByRouter() == 1);
    awaitAttemptOutcome(name, "stream_broken");
    awaitNothingInFlight(name);
    assertThat(fallback.requestBodies()).isEmpty(); // bytes had reached the caller: no retry
  }

  /** Sends headers announcing a 100-byte body, then the body one byte every 100 ms. */
  private String trickleBody(String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      for (int i = 0; i < 100; i++) {
        try {
          out.write('{');
          out.flush();
          Thread.sleep(100); // the fault itself: a caller that trickles its body
        } catch (IOException e) {
          break; // the router answered and closed
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        if (in.available() > 0) {
          break;
        }
      }
      try {
        in.transferTo(received);
      } catch (IOException e) {
        // the router may reset the connection after its answer
      }
      return received.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void callerTricklingItsBodyGets408WhileOtherCallersAreServed() throws Exception {
    useRegions(region(fresh("r"), fallback.endpoint(), 1, 0.1));
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> slow = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String path = i % 2 == 0 ? "/v1/inference" : "/v1/chat/completions";
        slow.add(callers.submit(() -> trickleBody(path)));
      }
      // meanwhile, normal callers are served: the slow ones hold only their own connections
      for (int i = 0; i < 20; i++) {
        assertThat(inference(PROMPT).statusCode()).isEqualTo(200);
      }
      for (Future<String> answer : slow) {
        String seen = answer.get();
        assertThat(seen).startsWith("HTTP/1.1 408");
        assertThat(seen).contains("\"code\":\"request_timeout\"");
      }
    }
    assertThat(fallback.inferenceCalls()).isEqualTo(20); // no trickled request reached a region
  }

  @Test
  void callerThatStopsSendingItsBodyGets408() throws Exception {
    useRegions(region(fresh("r"), fallback.endpoint(), 1, 0.1));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(15_000);
      socket
          .getOutputStream()
          .write(
              ("POST /v1/inference HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                      + "\r\nContent-Length: 100\r\n\r\n{\"prompt\":")
                  .getBytes(StandardCharsets.US_ASCII));
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      try {
        socket.getInputStream().transferTo(received);
      } catch (IOException e) {
        // reset after the answer is fine
      }
      assertThat(received.toString(StandardCharsets.UTF_8))
          .startsWith("HTTP/1.1 408")
          .contains("\"code\":\"request_timeout\"");
    }
    assertThat(fallback.inferenceCalls()).isZero();
  }
}
