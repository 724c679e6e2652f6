package dev.regionrouter.router.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The region client's keep-alive pool against a real socket server: a pooled connection that the
 * region closed as idle just as a request went out on it costs a new connection, not a failed
 * region; a region that closes new connections without answering still fails the call.
 */
class NettyUpstreamClientTest {

  private UpstreamClient client = client(Duration.ofSeconds(60));
  private ServerSocket server;
  private final AtomicInteger connections = new AtomicInteger();

  /** Connections the client closed (the server read their end). */
  private final AtomicInteger closedByClient = new AtomicInteger();

  UpstreamClient client(Duration idleTimeout) {
    return new NettyUpstreamClient(Duration.ofSeconds(2), idleTimeout, 1, false, null);
  }

  @AfterEach
  void stop() throws IOException {
    client.close();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aPooledConnectionTheRegionClosedIsReplacedNotFailed() throws Exception {
    // answers the first request of each connection; the second one on it finds the connection
    // closed as idle (the race of every keep-alive client)
    start(1);
    assertThat(call().status()).isEqualTo(200);
    assertThat(call().status()).isEqualTo(200);
    assertThat(connections.get()).isEqualTo(2);
  }

  /** A client with this idle timeout, and a region that answers every request on a connection. */
  private void keepAliveRegion(Duration idleTimeout) throws IOException {
    client.close();
    client = client(idleTimeout);
    start(Integer.MAX_VALUE);
  }

  @Test
  void aPooledConnectionLeftIdleForTheIdleTimeoutIsClosed() throws Exception {
    keepAliveRegion(Duration.ofMillis(300));
    assertThat(call().status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> closedByClient.get() == 1);
    assertThat(call().status()).as("a new connection for the next call").isEqualTo(200);
    assertThat(connections.get()).isEqualTo(2);
  }

  @Test
  void aPooledConnectionInUseIsKept() throws Exception {
    keepAliveRegion(Duration.ofSeconds(1));
    for (int i = 0; i < 25; i++) {
      assertThat(call().status()).isEqualTo(200);
      Thread.sleep(100); // pacing: a call every ~100 ms, far inside the idle timeout
    }
    assertThat(connections.get()).isEqualTo(1);
    assertThat(closedByClient.get()).isZero();
  }

  @Test
  void aRegionThatClosesNewConnectionsUnansweredFailsTheCall() throws Exception {
    start(0);
    assertThatThrownBy(this::call)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IOException.class);
    assertThat(connections.get()).as("no second try on a new connection").isEqualTo(1);
  }

  @Test
  void anAnswerArrivingInSeveralPartsIsReadWhole() throws Exception {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              try (Socket socket = server.accept()) {
                BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                while (!in.readLine().isEmpty()) {
                  // the request's head; its body ("{}") is not needed
                }
                OutputStream out = socket.getOutputStream();
                out.write(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                for (String part : new String[] {"{\"output\":", "\"in three", " parts\"}"}) {
                  out.write(
                      (Integer.toHexString(part.length()) + "\r\n" + part + "\r\n")
                          .getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                  Thread.sleep(
                      50); // each part in its own read (pacing, not waiting for an outcome)
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                in.readLine(); // until the client closes
              } catch (IOException | InterruptedException e) {
                // the client went away
              }
            });
    UpstreamClient.Buffered answer = call();
    assertThat(answer.status()).isEqualTo(200);
    assertThat(new String(answer.body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"output\":\"in three parts\"}");
  }

  @Test
  void anAnswerWithTrailersIsReadWholeAndItsConnectionKept() throws Exception {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              try (Socket socket = server.accept()) {
                connections.incrementAndGet();
                BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = socket.getOutputStream();
                for (int i = 0; i < 2; i++) {
                  String line;
                  while (!(line = in.readLine()).isEmpty()) {
                    // the request's head
                  }
                  in.skip(2); // its body, "{}"
                  String part = "{\"output\":\"ok\"}";
                  StringBuilder trailers = new StringBuilder();
                  for (int t = 0; t < 5; t++) {
                    trailers.append("x-trailer-").append(t).append(": ").append(t).append("\r\n");
                  }
                  out.write(
                      ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                              + "Transfer-Encoding: chunked\r\nTrailer: x-trailer-0\r\n\r\n"
                              + Integer.toHexString(part.length())
                              + "\r\n"
                              + part
                              + "\r\n0\r\n"
                              + trailers
                              + "\r\n")
                          .getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                }
                in.readLine(); // until the client closes
              } catch (IOException e) {
                // the client went away
              }
            });
    for (int i = 0; i < 2; i++) {
      UpstreamClient.Buffered answer = call();
      assertThat(answer.status()).isEqualTo(200);
      assertThat(new String(answer.body(), StandardCharsets.UTF_8))
          .isEqualTo("{\"output\":\"ok\"}");
    }
    assertThat(connections.get()).as("kept alive after the trailers").isEqualTo(1);
  }

  private UpstreamClient.Buffered call() throws Exception {
    return client
        .exchange(
            new UpstreamClient.Request(
                "POST",
                URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/inference"),
                Map.of("content-type", List.of("application/json")),
                "{}".getBytes(StandardCharsets.UTF_8)),
            Duration.ofSeconds(5),
            1 << 16)
        .get(10, TimeUnit.SECONDS);
  }

  /**
   * A keep-alive HTTP/1.1 region that answers `answered` requests per connection, then closes it on
   * the next.
   */
  private void start(int answered) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket socket = server.accept();
                  connections.incrementAndGet();
                  Thread.ofVirtual().start(() -> serve(socket, answered));
                } catch (IOException e) {
                  return;
                }
              }
            });
  }

  private void serve(Socket socket, int answered) {
    try (socket) {
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      for (int i = 0; ; i++) {
        int length = 0;
        String line = in.readLine();
        if (line == null) {
          closedByClient.incrementAndGet();
          return;
        }
        while (!(line = in.readLine()).isEmpty()) {
          if (line.toLowerCase().startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        for (long left = length; left > 0; ) {
          left -= in.skip(left); // the body is ASCII JSON: one char a byte
        }
        if (i >= answered) {
          return; // closed without a word
        }
        byte[] body = "{\"output\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
        out.write(
            ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    }
  }
}
