package dev.regionrouter.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A steady stream of inference requests from a few concurrent callers, recording which region
 * served each one and every failure. Bounded: it stops when closed.
 */
final class TrafficLoop implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final ConcurrentLinkedQueue<String> served = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> callers = new ArrayList<>();

  private TrafficLoop() {}

  static TrafficLoop start(HttpClient http, String url, int callers) {
    TrafficLoop loop = new TrafficLoop();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(15))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"prompt\":\"steady traffic\",\"max_tokens\":10}"))
            .build();
    for (int i = 0; i < callers; i++) {
      loop.callers.add(
          Thread.ofVirtual()
              .name("traffic-" + i)
              .start(
                  () -> {
                    while (loop.running.get()) {
                      try {
                        HttpResponse<String> response =
                            http.send(request, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 200) {
                          loop.served.add(
                              JSON.readTree(response.body())
                                  .path("metadata")
                                  .path("region")
                                  .asText());
                        } else {
                          loop.failures.add(response.statusCode() + " " + response.body());
                        }
                      } catch (InterruptedException e) {
                        return;
                      } catch (Exception e) {
                        loop.failures.add(e.toString());
                      }
                    }
                  }));
    }
    return loop;
  }

  long total() {
    return served.size() + failures.size();
  }

  long countTo(String region) {
    return served.stream().filter(region::equals).count();
  }

  /** The regions of the last n successful requests. */
  List<String> lastRegions(int n) {
    List<String> all = new ArrayList<>(served);
    return all.size() < n ? List.of("(too few)") : all.subList(all.size() - n, all.size());
  }

  long failures() {
    return failures.size();
  }

  List<String> failureSamples() {
    return failures.stream().limit(5).toList();
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread caller : callers) {
      caller.join(Duration.ofSeconds(20));
    }
  }
}
