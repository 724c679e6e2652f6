package dev.regionrouter.operator;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A live region for the operator to probe: a real local HTTP server (or https, with a certificate
 * for {@code localhost}) whose {@code GET /health} answers with a settable status after a fixed
 * latency, and counts the probes it answered. Register it as a static {@code @RegisterExtension}
 * field; it listens for the tests of the class.
 */
public final class RegionHealthServer implements BeforeAllCallback, AfterAllCallback {

  private static final byte[] BODY = "{\"status\":\"healthy\"}".getBytes(StandardCharsets.UTF_8);

  private final long latencyMs;
  private final SSLContext tls;
  private final AtomicInteger hits = new AtomicInteger();
  private final AtomicInteger status = new AtomicInteger(200);
  private HttpServer server;

  /** A region that answers each probe {@code latencyMs} after it arrived. */
  public RegionHealthServer(long latencyMs) {
    this(latencyMs, null);
  }

  /**
   * An https region: tls holds a certificate for {@code localhost} (for example {@link
   * PrivateCa#serverContext}).
   */
  public RegionHealthServer(long latencyMs, SSLContext tls) {
    this.latencyMs = latencyMs;
    this.tls = tls;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
    if (tls == null) {
      server = HttpServer.create(loopback, 0);
    } else {
      HttpsServer https = HttpsServer.create(loopback, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
    }
    server.createContext(
        "/health",
        ex -> {
          hits.incrementAndGet();
          try {
            Thread.sleep(latencyMs); // simulated region latency, not a wait for an outcome
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ex.sendResponseHeaders(status.get(), BODY.length);
          ex.getResponseBody().write(BODY);
          ex.close();
        });
    // each probe on its own thread: on the server's one dispatcher thread, probes of the regions
    // of several tests queue behind each other's simulated latency, and a steady region's reported
    // latency moves for nothing the region did
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.stop(0);
    }
  }

  /**
   * The endpoint to put in a region's spec: {@code http://127.0.0.1:port}, or {@code
   * https://localhost:port} (the name in its certificate).
   */
  public String endpoint() {
    return (tls == null ? "http://127.0.0.1:" : "https://localhost:") + port();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** How many probes it has answered. */
  public int hits() {
    return hits.get();
  }

  /** The HTTP status of the answers from now on (200 at the start). */
  public void answerWith(int httpStatus) {
    status.set(httpStatus);
  }
}
