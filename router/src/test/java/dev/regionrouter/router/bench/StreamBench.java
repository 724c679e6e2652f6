package dev.regionrouter.router.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The streaming relay, measured from a client: each stream is a streamed chat completion; the
 * client records the time from sending the request to the first event (time to first byte) and the
 * gap between consecutive events. Run by bench/stream against the mock region directly and through
 * the router, in one run, so the router's part is a difference measured on the same machine at the
 * same time.
 *
 * <p>Arguments: DIRECT_URL ROUTER_URL CONCURRENCY ROUNDS. One JVM warms both paths up (its client,
 * connections and JIT), then runs the rounds alternating direct and router, and prints one line a
 * round and path: {@code direct|router streams=N events=N ttfb_p50_ms=.. ttfb_p99_ms=..
 * gap_p50_ms=.. gap_p99_ms=.. gap_max_ms=.. broken=N}.
 */
public final class StreamBench {

  private static final String BODY =
      "{\"model\":\"mock\",\"stream\":true,\"max_tokens\":64,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Explain quantum computing\"}]}";

  private StreamBench() {}

  /** One stream's figures: its time to first event and its gaps between events, in nanoseconds. */
  private record Stream(long ttfbNanos, List<Long> gapsNanos, boolean whole) {}

  public static void main(String[] args) throws Exception {
    URI direct = URI.create(args[0] + "/v1/chat/completions");
    URI router = URI.create(args[1] + "/v1/chat/completions");
    int concurrency = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int warm = 0; warm < 3; warm++) {
        round(pool, client, direct, Math.max(concurrency, 16));
        round(pool, client, router, Math.max(concurrency, 16));
      }
      for (int r = 0; r < rounds; r++) {
        report("direct", round(pool, client, direct, concurrency));
        report("router", round(pool, client, router, concurrency));
      }
    }
  }

  private static List<Stream> round(
      ExecutorService pool, HttpClient client, URI uri, int concurrency) throws Exception {
    List<Future<Stream>> running = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      running.add(pool.submit(() -> stream(client, uri)));
    }
    List<Stream> streams = new ArrayList<>();
    for (Future<Stream> f : running) {
      streams.add(f.get());
    }
    return streams;
  }

  private static void report(String label, List<Stream> streams) {
    List<Long> ttfb = new ArrayList<>();
    List<Long> gaps = new ArrayList<>();
    int broken = 0;
    for (Stream s : streams) {
      ttfb.add(s.ttfbNanos());
      gaps.addAll(s.gapsNanos());
      broken += s.whole() ? 0 : 1;
    }
    Collections.sort(ttfb);
    Collections.sort(gaps);
    System.out.printf(
        Locale.ROOT,
        label
            + " streams=%d events=%d ttfb_p50_ms=%.3f ttfb_p99_ms=%.3f gap_p50_ms=%.3f gap_p99_ms=%.3f gap_max_ms=%.3f broken=%d%n",
        streams.size(),
        gaps.size() + streams.size(),
        ms(quantile(ttfb, 0.5)),
        ms(quantile(ttfb, 0.99)),
        ms(quantile(gaps, 0.5)),
        ms(quantile(gaps, 0.99)),
        ms(gaps.isEmpty() ? 0 : gaps.get(gaps.size() - 1)),
        broken);
  }

  private static Stream stream(HttpClient client, URI uri) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(BODY))
            .build();
    long start = System.nanoTime();
    HttpResponse<java.io.InputStream> response =
        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    long ttfb = -1;
    long last = 0;
    boolean done = false;
    List<Long> gaps = new ArrayList<>();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        if (!line.startsWith("data:")) {
          continue;
        }
        long now = System.nanoTime();
        if (line.contains("[DONE]")) {
          done = true;
          continue;
        }
        if (ttfb < 0) {
          ttfb = now - start;
        } else {
          gaps.add(now - last);
        }
        last = now;
      }
    }
    return new Stream(
        ttfb < 0 ? System.nanoTime() - start : ttfb, gaps, done && response.statusCode() == 200);
  }

  private static long quantile(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return 0;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
