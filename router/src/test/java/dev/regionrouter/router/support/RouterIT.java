package dev.regionrouter.router.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.router.table.TableHolder;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the router's integration tests: the whole application on a random port, reading its
 * routing table from a temporary file that each test rewrites with regions of fresh names (so tests
 * sharing one application do not share region health). Probes run once per region (at table load)
 * unless a subclass says otherwise, so faults are met by real requests.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "router.table.file-poll-interval=50ms",
      "router.probe.interval=1h",
      "router.probe.timeout=500ms",
      "router.proxy.try-timeout=700ms",
      "router.proxy.request-timeout=5s",
      "router.proxy.max-attempts=3",
      // the fault tests count failovers between regions; RetryConductIT covers same-region retries
      "router.proxy.same-region-retries=0",
      "router.proxy.stream-idle-timeout=2s",
      "router.proxy.max-body-size=64KB",
      "logging.level.dev.regionrouter=INFO"
    })
public abstract class RouterIT {

  protected static final Path DIR = tempDir();
  protected static final Path TABLE = DIR.resolve("regions.yaml");
  protected static final Path CREDENTIALS = DIR.resolve("credentials");
  private static final AtomicInteger NAMES = new AtomicInteger();

  private static final ObjectMapper JSON = new ObjectMapper();

  protected static final HttpClient CALLER =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @LocalServerPort protected int port;

  @Autowired protected TableHolder tables;

  @DynamicPropertySource
  static void tableFile(DynamicPropertyRegistry registry) {
    registry.add("router.regions-file", TABLE::toString);
    registry.add("router.credentials.dir", CREDENTIALS::toString);
  }

  private static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("router-it");
      Files.createDirectories(dir.resolve("credentials"));
      Files.writeString(dir.resolve("regions.yaml"), "regions: []\n");
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A region name no other test uses. */
  protected static String fresh(String base) {
    return base + "-" + NAMES.incrementAndGet();
  }

  /** One region of a routing-table YAML document. */
  protected static String region(
      String name, String endpoint, int priority, double cost, String... extra) {
    StringBuilder yaml =
        new StringBuilder(
            "  - name: "
                + name
                + "\n    endpoint: "
                + endpoint
                + "\n    costPer1kTokens: "
                + cost
                + "\n    priority: "
                + priority
                + "\n    provider: aws\n");
    for (String line : extra) {
      yaml.append("    ").append(line).append('\n');
    }
    return yaml.toString();
  }

  /** The names of a primary region (priority 1) and its fallback (priority 2). */
  protected record PrimaryAndFallback(String primary, String fallback) {}

  /** A primary region (priority 1) and its fallback (priority 2) in use, under fresh names. */
  protected PrimaryAndFallback usePrimaryAndFallback(TestRegion primary, TestRegion fallback)
      throws IOException {
    return usePrimaryAndFallback(primary.endpoint(), fallback.endpoint());
  }

  /**
   * The regions at these endpoints as a primary (priority 1) and its fallback (priority 2), under
   * fresh names.
   */
  protected PrimaryAndFallback usePrimaryAndFallback(
      String primaryEndpoint, String fallbackEndpoint) throws IOException {
    PrimaryAndFallback names = new PrimaryAndFallback(fresh("primary"), fresh("fallback"));
    useRegions(
        region(names.primary(), primaryEndpoint, 1, 0.1),
        region(names.fallback(), fallbackEndpoint, 2, 0.1));
    return names;
  }

  /**
   * Writes the table (replacing the file by rename, as editors and kubelet do) and waits until it
   * is in use.
   */
  protected void useRegions(String... regions) throws IOException {
    Path next = DIR.resolve("next.yaml");
    Files.writeString(next, "regions:\n" + String.join("", regions), StandardCharsets.UTF_8);
    Files.move(next, TABLE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    List<String> names =
        Arrays.stream(regions)
            .map(r -> r.substring(r.indexOf("name: ") + 6, r.indexOf('\n')))
            .sorted()
            .toList();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                tables.current() != null
                    && tables.current().table().regions().stream()
                        .map(r -> r.name())
                        .sorted()
                        .toList()
                        .equals(names));
  }

  protected String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  protected HttpResponse<String> inference(String json, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        Calls.request(url("/v1/inference"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    for (int i = 0; i < headers.length; i += 2) {
      request.setHeader(headers[i], headers[i + 1]);
    }
    return Calls.send(CALLER, request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** POST of a JSON body. */
  protected HttpResponse<String> post(String path, String json)
      throws IOException, InterruptedException {
    return Calls.send(
        CALLER,
        Calls.request(url(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Everything the router sends back for a POST of a JSON body on a raw socket, until it closes the
   * connection (or resets it: a cut stream): what a client sees, final chunk or not.
   */
  protected String rawPost(String path, String json) throws IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      socket
          .getOutputStream()
          .write(
              ("POST "
                      + path
                      + " HTTP/1.1\r\nHost: router\r\nContent-Type: application/json\r\n"
                      + "Content-Length: "
                      + bytes.length
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(bytes);
      java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
      try {
        socket.getInputStream().transferTo(received);
      } catch (java.net.SocketException e) {
        // a reset is a fine way to end a broken stream
      }
      return received.toString(StandardCharsets.UTF_8);
    }
  }

  protected HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return Calls.send(
        CALLER, Calls.request(url(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The response's body as JSON. */
  protected static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  /** A port nothing listens on. */
  protected static int deadPort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
