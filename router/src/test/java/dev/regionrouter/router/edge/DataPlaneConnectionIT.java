package dev.regionrouter.router.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The data plane's handling of a caller's connection: keep-alive connections read continuously,
 * pipelined requests answered in order (more of them than the connection holds before it stops
 * reading), and the keep-alive idle timeout.
 */
@TestPropertySource(properties = "server.netty.idle-timeout=1s")
class DataPlaneConnectionIT extends RouterIT {

  private final TestRegion region = new TestRegion("echo", 0);

  @AfterEach
  void stop() {
    region.close();
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderMixedWithSpringsOwn() throws Exception {
    useRegions(region(fresh("echo"), region.endpoint(), 1, 0.1));
    int count =
        150; // 2 messages each (head, body): well past what a connection holds before it stops
    // reading
    StringBuilder burst = new StringBuilder();
    for (int i = 0; i < count; i++) {
      if (i % 10 == 5) {
        burst.append("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      } else {
        String body = "{\"prompt\":\"p-" + i + "\",\"max_tokens\":1}";
        burst
            .append(
                "POST /v1/inference HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ")
            .append(body.length())
            .append("\r\n\r\n")
            .append(body);
      }
    }
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(burst.toString().getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      for (int i = 0; i < count; i++) {
        String answer = readResponse(in);
        assertThat(answer).as("answer %d", i).startsWith("HTTP/1.1 200");
        if (i % 10 == 5) {
          assertThat(answer).as("answer %d", i).contains("\"status\":\"healthy\"");
        } else {
          assertThat(answer).as("answer %d", i).contains("Mock response from echo: p-" + i + "...");
        }
      }
    }
    assertThat(region.inferenceCalls()).isEqualTo(count - count / 10);
  }

  @Test
  void keepAliveConnectionIsClosedOnceIdleForTheTimeoutButNotWhileInUse() throws Exception {
    useRegions(region(fresh("echo"), region.endpoint(), 1, 0.1));
    String body = "{\"prompt\":\"idle\",\"max_tokens\":1}";
    byte[] request =
        ("POST /v1/inference HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n"
                + body)
            .getBytes(StandardCharsets.US_ASCII);
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      // a request every 400 ms for longer than the 1 s timeout: the connection stays
      for (int i = 0; i < 6; i++) {
        socket.getOutputStream().write(request);
        assertThat(readResponse(in))
            .as("request %d on the same connection", i)
            .startsWith("HTTP/1.1 200");
        Thread.sleep(400); // the pace of this caller, not a wait for an outcome
      }
      // then idle: closed by the router after about a second
      long idleFrom = System.nanoTime();
      assertThat(in.read()).as("end of stream").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - idleFrom)).isLessThan(Duration.ofSeconds(8));
    }
  }

  @Test
  void bodyArrivingInPartsAfterItsHeadIsServedWhole() throws Exception {
    useRegions(region(fresh("echo"), region.endpoint(), 1, 0.1));
    String body = "{\"prompt\":\"late body\",\"max_tokens\":1}";
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("POST /v1/inference HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                      + "\r\nContent-Length: "
                      + body.length()
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      // the body in two later reads than its head (pacing, not waiting for an outcome)
      for (String part : new String[] {body.substring(0, 10), body.substring(10)}) {
        Thread.sleep(200);
        socket.getOutputStream().write(part.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
      }
      assertThat(readResponse(new BufferedInputStream(socket.getInputStream())))
          .startsWith("HTTP/1.1 200")
          .contains("Mock response from echo: late body...");
    }
  }

  /** One HTTP/1.1 response (status line, headers, body by Content-Length or chunked) as text. */
  private static String readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    long length = 0;
    boolean chunked = false;
    String line;
    while (!(line = readLine(in)).isEmpty()) {
      head.append(line).append('\n');
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring(15).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (chunked) {
      long size;
      while ((size = Long.parseLong(readLine(in).trim(), 16)) > 0) {
        body.write(in.readNBytes((int) size));
        readLine(in);
      }
      readLine(in);
    } else {
      body.write(in.readNBytes((int) length));
    }
    return head + "\n" + body.toString(StandardCharsets.UTF_8);
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed mid-response after: " + line);
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }
}
