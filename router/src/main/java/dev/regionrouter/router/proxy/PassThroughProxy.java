package dev.regionrouter.router.proxy;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * OpenAI-compatible pass-through ({@code /v1/**}): the request goes to the chosen region unchanged
 * (minus hop-by-hop headers and the caller's Authorization), and the answer is relayed as it
 * arrives, chunk by chunk with a flush each, never buffered whole, so server-sent events reach the
 * caller token by token; the next chunk is read from the region only once the previous one is
 * written to the caller (a slow caller slows the region's connection, not the router's memory).
 * Failover happens only before the response is committed (status and headers); a region that
 * breaks the stream after that is counted as failed and the caller's connection is cut, so the
 * caller sees a truncated stream, never a silently short one.
 */
public class PassThroughProxy {

  private final AttemptLoop loop;
  private final UpstreamClient client;
  private final Duration idleTimeout;
  private final boolean forwardAuthorization;

  public PassThroughProxy(AttemptLoop loop, UpstreamClient client, Duration idleTimeout, boolean forwardAuthorization) {
    this.loop = loop;
    this.client = client;
    this.idleTimeout = idleTimeout;
    this.forwardAuthorization = forwardAuthorization;
  }

  /** The caller's request as the proxy forwards it. pathAndQuery starts with /v1/. */
  public record Inbound(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body) {}

  /** The caller's side of a relayed answer. */
  public interface Caller {
    /** Commits the response: status and headers go out now, even if the first chunk is slow. */
    void start(int status, Map<String, List<String>> headers);

    /** Where the body goes, after start. */
    UpstreamClient.BodySink body();
  }

  /** The upstream stream broke after bytes reached the caller; the caller's connection must be cut. */
  public static class StreamBrokenException extends IOException {
    public StreamBrokenException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static boolean isEventStream(String contentType) {
    return contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
  }

  /** Served value: true when the whole answer was relayed (or the caller left), false when the region broke it. */
  public CompletableFuture<AttemptLoop.Served<Boolean>> relay(Inbound inbound, Caller caller, Deadline deadline,
      java.util.concurrent.ScheduledExecutorService timers) {
    Map<String, List<String>> baseHeaders = HeaderPolicy.forUpstream(inbound.headers(), forwardAuthorization);
    return loop.run(deadline, timers, attempt -> {
      Map<String, List<String>> headers = new LinkedHashMap<>(baseHeaders);
      attempt.token().ifPresent(token -> headers.put("authorization", List.of("Bearer " + token)));
      URI uri = URI.create(InferenceProxy.stripSlash(attempt.region().endpoint()) + inbound.pathAndQuery());
      long start = System.nanoTime();
      CompletableFuture<UpstreamClient.Streaming> opened = client.open(
          new UpstreamClient.Request(inbound.method(), uri, headers, inbound.body()), attempt.timeout());
      CompletableFuture<AttemptLoop.Result<Boolean>> result = opened.thenCompose(upstream -> {
        Duration firstByte = Duration.ofNanos(System.nanoTime() - start);
        attempt.answered().run();
        int status = upstream.status();
        if (status >= 200 && status < 300 && isEventStream(upstream.header("content-type"))) {
          attempt.streamHead().accept(firstByte);
        }
        if (status == 429) {
          upstream.close();
          return CompletableFuture.completedFuture(
              AttemptLoop.Failed.throttled(RegionStatus.retryAfter(upstream.header("retry-after"))));
        }
        if (RegionStatus.retryable5xx(status)) {
          upstream.close();
          return CompletableFuture.completedFuture(AttemptLoop.Failed.region("http_" + status));
        }
        Map<String, List<String>> out = new LinkedHashMap<>(HeaderPolicy.forClient(upstream.headers()));
        out.put(HeaderPolicy.REGION_HEADER, List.of(attempt.region().name()));
        out.put(HeaderPolicy.ATTEMPTS_HEADER, List.of(Integer.toString(attempt.number())));
        attempt.commit().run();
        caller.start(status, out);
        String outcome = status < 400 ? "success" : status < 500 ? "client_error" : "http_5xx_other";
        CompletableFuture<Boolean> relayed = upstream.relay(caller.body(), idleTimeout);
        return relayed.thenApply(complete -> (AttemptLoop.Result<Boolean>) new AttemptLoop.Done<>(complete, firstByte,
            complete ? outcome : "stream_broken", !complete || status >= 500))
            .whenComplete((r, e) -> upstream.close());
      });
      result.whenComplete((r, e) -> {
        if (result.isCancelled()) {
          // the caller left or the request was abandoned: drop the region's call or stream
          opened.cancel(false);
          opened.thenAccept(UpstreamClient.Streaming::close);
        }
      });
      return result;
    });
  }
}
