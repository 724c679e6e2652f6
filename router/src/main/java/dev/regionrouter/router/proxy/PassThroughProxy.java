package dev.regionrouter.router.proxy;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * OpenAI-compatible pass-through ({@code /v1/**}): the request goes to the chosen region unchanged
 * (minus hop-by-hop headers and the caller's Authorization), and the answer is relayed as it
 * arrives, chunk by chunk with a flush each, never buffered whole, so server-sent events reach the
 * caller token by token. Failover happens only before the response is committed (status and
 * headers); a region that breaks the stream after that is counted as failed and the caller's
 * connection is cut, so the caller sees a truncated stream, never a silently short one.
 */
public class PassThroughProxy {

  private static final int BUFFER_BYTES = 8192;

  private final AttemptLoop loop;
  private final UpstreamClient client;
  private final ScheduledExecutorService watchdog;
  private final Duration idleTimeout;
  private final boolean forwardAuthorization;

  public PassThroughProxy(AttemptLoop loop, UpstreamClient client, ScheduledExecutorService watchdog,
      Duration idleTimeout, boolean forwardAuthorization) {
    this.loop = loop;
    this.client = client;
    this.watchdog = watchdog;
    this.idleTimeout = idleTimeout;
    this.forwardAuthorization = forwardAuthorization;
  }

  /** The caller's request as the proxy forwards it. pathAndQuery starts with /v1/. */
  public record Inbound(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body) {}

  /** The upstream stream broke after bytes reached the caller; the caller's connection must be cut. */
  public static class StreamBrokenException extends IOException {
    public StreamBrokenException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public AttemptLoop.Served<Boolean> relay(Inbound inbound, HttpServletResponse response, Deadline deadline) {
    Map<String, List<String>> baseHeaders = HeaderPolicy.forUpstream(inbound.headers(), forwardAuthorization);
    return loop.run(deadline, attempt -> {
      Map<String, List<String>> headers = new java.util.LinkedHashMap<>(baseHeaders);
      attempt.token().ifPresent(token -> headers.put("authorization", List.of("Bearer " + token)));
      URI uri = URI.create(InferenceProxy.stripSlash(attempt.region().endpoint()) + inbound.pathAndQuery());
      long start = System.nanoTime();
      UpstreamClient.Streaming upstream = client.open(
          new UpstreamClient.Request(inbound.method(), uri, headers, inbound.body()), attempt.timeout());
      Duration firstByte = Duration.ofNanos(System.nanoTime() - start);
      try (upstream) {
        int status = upstream.status();
        if (status == 429) {
          return AttemptLoop.Failed.throttled(RegionStatus.retryAfter(upstream.header("retry-after")));
        }
        if (RegionStatus.retryable5xx(status)) {
          return AttemptLoop.Failed.region("http_" + status);
        }
        response.setStatus(status);
        HeaderPolicy.forClient(upstream.headers()).forEach((name, values) -> values.forEach(v -> response.addHeader(name, v)));
        response.setHeader(HeaderPolicy.REGION_HEADER, attempt.region().name());
        response.setHeader(HeaderPolicy.ATTEMPTS_HEADER, Integer.toString(attempt.number()));
        String outcome = status < 400 ? "success" : status < 500 ? "client_error" : "http_5xx_other";
        boolean broken = !copy(upstream, response);
        return new AttemptLoop.Done<>(!broken, firstByte, broken ? "stream_broken" : outcome, broken || status >= 500);
      }
    });
  }

  /**
   * Relays the body; false when the region broke the stream. A caller that goes away ends the
   * relay quietly (its fault, not the region's).
   */
  private boolean copy(UpstreamClient.Streaming upstream, HttpServletResponse response) throws IOException {
    OutputStream out = response.getOutputStream();
    response.flushBuffer(); // the caller sees status and headers now, even if the first chunk is slow
    InputStream in = upstream.body();
    byte[] buffer = new byte[BUFFER_BYTES];
    java.util.concurrent.atomic.AtomicLong lastProgress = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
    long idleNanos = idleTimeout.toNanos();
    long checkMillis = Math.max(50, idleTimeout.toMillis() / 4);
    ScheduledFuture<?> idleCheck = watchdog.scheduleAtFixedRate(() -> {
      if (System.nanoTime() - lastProgress.get() > idleNanos) {
        upstream.close(); // unblocks the read below with an IOException
      }
    }, checkMillis, checkMillis, TimeUnit.MILLISECONDS);
    try {
      while (true) {
        int n;
        try {
          n = in.read(buffer);
        } catch (IOException e) {
          return false;
        }
        if (n < 0) {
          return true;
        }
        lastProgress.set(System.nanoTime());
        try {
          out.write(buffer, 0, n);
          out.flush();
        } catch (IOException e) {
          return true; // the caller left
        }
      }
    } finally {
      idleCheck.cancel(false);
    }
  }
}
