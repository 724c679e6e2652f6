package dev.regionrouter.router.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A region for tests: a real HTTP server on a free port that speaks the mock-region contract (GET
 * /health, POST /v1/inference) and whose answers a test can change at any time. It can be stopped
 * and started again on the same port (a region that dies and comes back).
 */
public final class TestRegion implements AutoCloseable {

  /** How a request is answered. */
  @FunctionalInterface
  public interface Handler {
    void handle(HttpExchange exchange) throws IOException, InterruptedException;
  }

  static {
    // the JDK server writes headers and body separately: without TCP_NODELAY, Nagle plus the
    // client's delayed ACK add ~40 ms to every answer and blur the regions' simulated latencies
    System.setProperty("sun.net.httpserver.nodelay", "true");
    // the JDK server closes keep-alive connections beyond 200 idle ones right after their answer,
    // without "Connection: close": under a burst the router's pool reuses such a connection and
    // meets a reset (a region that does this fails attempts, as it would behind any proxy); test
    // regions keep their connections, like production servers do
    System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
  }

  private static final Pattern PROMPT = Pattern.compile("\"prompt\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern MAX_TOKENS = Pattern.compile("\"max_tokens\"\\s*:\\s*(\\d+)");

  private final String name;
  private final int port;
  private volatile long healthLatencyMs;
  private volatile Handler inference = this::answer;
  private volatile Handler health = this::healthy;
  private volatile Handler other =
      ex -> send(ex, 404, "application/json", "{\"error\":\"not found\"}");
  private final AtomicInteger inferenceCalls = new AtomicInteger();
  private final List<Map<String, List<String>>> requestHeaders = new CopyOnWriteArrayList<>();
  private final List<String> requestBodies = new CopyOnWriteArrayList<>();

  /** When each request other than /health arrived (System.nanoTime). */
  private final List<Long> requestTimes = new CopyOnWriteArrayList<>();

  private HttpServer server;

  public TestRegion(String name, long healthLatencyMs) {
    this.name = name;
    this.healthLatencyMs = healthLatencyMs;
    this.server = bind(0);
    this.port = server.getAddress().getPort();
  }

  private HttpServer bind(int bindPort) {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", bindPort), 1024);
      s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      s.createContext(
          "/",
          exchange -> {
            try (exchange) {
              String path = exchange.getRequestURI().getPath();
              if (path.equals("/health")) {
                health.handle(exchange);
              } else {
                requestTimes.add(System.nanoTime());
                requestHeaders.add(Map.copyOf(exchange.getRequestHeaders()));
                requestBodies.add(
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                if (path.equals("/v1/inference")) {
                  inferenceCalls.incrementAndGet();
                  inference.handle(exchange);
                } else {
                  other.handle(exchange);
                }
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } catch (IOException e) {
              // the router went away: fine
            }
          });
      s.start();
      return s;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String name() {
    return name;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public int inferenceCalls() {
    return inferenceCalls.get();
  }

  public List<Map<String, List<String>>> requestHeaders() {
    return requestHeaders;
  }

  public List<String> requestBodies() {
    return requestBodies;
  }

  /** The time between the first two requests other than /health. */
  public java.time.Duration gapBetweenFirstTwoRequests() {
    return java.time.Duration.ofNanos(requestTimes.get(1) - requestTimes.get(0));
  }

  public TestRegion onInference(Handler handler) {
    this.inference = handler;
    return this;
  }

  public TestRegion onHealth(Handler handler) {
    this.health = handler;
    return this;
  }

  public TestRegion onOther(Handler handler) {
    this.other = handler;
    return this;
  }

  public void healthLatencyMs(long ms) {
    this.healthLatencyMs = ms;
  }

  /** The region dies: its port refuses connections. */
  public synchronized void stop() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  /** The region comes back on the same port. */
  public synchronized void start() {
    if (server == null) {
      server = bind(port);
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void healthy(HttpExchange exchange) throws IOException, InterruptedException {
    exchange.getRequestBody().readAllBytes();
    if (healthLatencyMs > 0) {
      Thread.sleep(healthLatencyMs); // the simulated network distance of the region
    }
    send(exchange, 200, "application/json", "{\"status\":\"healthy\",\"region\":\"" + name + "\"}");
  }

  /** The mock-region contract's answer. */
  private void answer(HttpExchange exchange) throws IOException {
    String body = requestBodies.isEmpty() ? "" : requestBodies.get(requestBodies.size() - 1);
    Matcher prompt = PROMPT.matcher(body);
    Matcher tokens = MAX_TOKENS.matcher(body);
    String text = prompt.find() ? prompt.group(1) : "";
    send(
        exchange,
        200,
        "application/json",
        "{\"output\":\"Mock response from "
            + name
            + ": "
            + text.substring(0, Math.min(50, text.length()))
            + "...\",\"tokens_used\":"
            + (tokens.find() ? tokens.group(1) : "0")
            + "}");
  }

  public static void send(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
