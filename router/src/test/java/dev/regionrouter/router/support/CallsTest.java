package dev.regionrouter.router.support;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server that never answers fails the calling test, naming the request, instead of hanging it.
 */
@Timeout(10) // a regression here hangs; the limit makes it a failure
class CallsTest {

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void noAnswerFailsNamingTheRequest() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      assertFailsNamingTheRequestAfterOneSecond(
          "http://127.0.0.1:" + silent.getLocalPort() + "/actuator/prometheus");
    }
  }

  @Test
  void aBodyThatNeverEndsFailsToo() throws Exception {
    try (ServerSocket headersOnly = new ServerSocket(0)) {
      Thread.ofVirtual().start(() -> answerHeadersOnly(headersOnly));
      assertFailsNamingTheRequestAfterOneSecond(
          "http://127.0.0.1:" + headersOnly.getLocalPort() + "/regions/status");
    }
  }

  private void assertFailsNamingTheRequestAfterOneSecond(String url) {
    assertThatThrownBy(
            () ->
                Calls.send(
                    client,
                    Calls.request(url).timeout(Duration.ofSeconds(1)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(AssertionError.class)
        .hasMessage("no answer to GET " + url + " within 1 s");
  }

  /** Answers the first request with headers announcing a body it never sends. */
  private static void answerHeadersOnly(ServerSocket server) {
    try (Socket caller = server.accept()) {
      caller.getInputStream().read(new byte[4096]);
      OutputStream out = caller.getOutputStream();
      out.write(
          "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      caller.getInputStream().read(); // until the caller gives up and closes
    } catch (IOException e) {
      // the test closed the server
    }
  }
}
