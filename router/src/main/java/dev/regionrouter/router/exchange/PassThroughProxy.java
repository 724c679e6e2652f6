package dev.regionrouter.router.exchange;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.upstream.CancellableFuture;
import dev.regionrouter.router.upstream.HeaderPolicy;
import dev.regionrouter.router.upstream.UpstreamClient;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * OpenAI-compatible pass-through ({@code /v1/**}): the request goes to the chosen region unchanged
 * (minus hop-by-hop headers and the caller's Authorization), and the answer is relayed as it
 * arrives, chunk by chunk with a flush each, never buffered whole, so server-sent events reach the
 * caller token by token; the next chunk is read from the region only once the previous one is
 * written to the caller (a slow caller slows the region's connection, not the router's memory).
 *
 * <p>The commit point is the region's first bytes (for server-sent events, its first whole event):
 * until then a failure (connect, reset, 5xx, 429, no first byte within the first-byte timeout)
 * moves the request to the next region and the caller has seen nothing; at it, the attempt ends
 * with the {@link CommittedStream}, which only the caller's side can take. A region that breaks the
 * stream after that is counted as failed, and the caller gets an in-band error event (for event
 * streams) and a cut connection, never a short answer that looks complete.
 */
public class PassThroughProxy {

  private final AttemptLoop loop;
  private final UpstreamClient client;
  private final Duration firstByteTimeout;
  private final Duration idleTimeout;
  private final boolean forwardAuthorization;
  private final ProviderError providerError;

  public PassThroughProxy(
      AttemptLoop loop,
      UpstreamClient client,
      Duration firstByteTimeout,
      Duration idleTimeout,
      boolean forwardAuthorization,
      ProviderError providerError) {
    this.providerError = providerError;
    this.loop = loop;
    this.client = client;
    this.firstByteTimeout = firstByteTimeout;
    this.idleTimeout = idleTimeout;
    this.forwardAuthorization = forwardAuthorization;
  }

  /** The caller's request as the proxy forwards it. pathAndQuery starts with /v1/. */
  public record Inbound(
      String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body) {}

  /** OpenAI's completion streams end with {@code data: [DONE]}; other event streams need not. */
  private static boolean endsWithDone(String pathAndQuery) {
    return pathAndQuery.startsWith("/v1/chat/completions")
        || pathAndQuery.startsWith("/v1/completions");
  }

  private static boolean isEventStream(String contentType) {
    return contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
  }

  /**
   * Runs the request's attempts up to a commit point. The served value is the committed stream: its
   * status, headers and first bytes are in hand, and {@link CommittedStream#attach} relays it.
   * timers: the request's event loop (hold checks, first-byte timeouts).
   */
  public CompletableFuture<AttemptLoop.Served<CommittedStream>> relay(
      Exchange exchange, Inbound inbound, ScheduledExecutorService timers) {
    Deadline deadline = exchange.deadline();
    String model = exchange.route().model();
    Map<String, List<String>> baseHeaders =
        HeaderPolicy.forUpstream(inbound.headers(), forwardAuthorization);
    return loop.run(
        exchange,
        timers,
        attempt -> {
          Map<String, List<String>> headers = new LinkedHashMap<>(baseHeaders);
          attempt
              .token()
              .ifPresent(token -> headers.put("authorization", List.of("Bearer " + token)));
          URI uri =
              URI.create(
                  InferenceProxy.stripSlash(attempt.region().endpoint()) + inbound.pathAndQuery());
          byte[] body = RequestModel.forRegion(inbound.body(), model, attempt.region());
          long start = System.nanoTime();
          CompletableFuture<UpstreamClient.Streaming> opened =
              client.open(
                  new UpstreamClient.Request(inbound.method(), uri, headers, body),
                  attempt.timeout());
          CompletableFuture<AttemptLoop.Result<CommittedStream>> result =
              new CancellableFuture<>(
                  () -> {
                    // the caller left, the request was abandoned or the region held it too long:
                    // drop its call
                    opened.cancel(false);
                    opened.thenAccept(UpstreamClient.Streaming::close);
                  });
          RegionEntry.Timeouts own = attempt.region().timeouts();
          Duration firstByteLimit =
              own != null && own.firstByteSeconds() != null
                  ? Duration.ofSeconds(own.firstByteSeconds())
                  : firstByteTimeout;
          Duration idleLimit =
              own != null && own.streamIdleSeconds() != null
                  ? Duration.ofSeconds(own.streamIdleSeconds())
                  : idleTimeout;
          Duration remaining = deadline.remaining();
          boolean deadlineBound = remaining.compareTo(firstByteLimit) < 0;
          ScheduledFuture<?> firstByteCheck =
              timers.schedule(
                  () -> {
                    if (result.complete(
                        AttemptLoop.Failed.of(
                            deadlineBound ? Outcome.DEADLINE : Outcome.FIRST_BYTE_TIMEOUT))) {
                      opened.cancel(false);
                      opened.thenAccept(UpstreamClient.Streaming::close);
                    }
                  },
                  (deadlineBound ? remaining : firstByteLimit).toNanos(),
                  TimeUnit.NANOSECONDS);
          result.whenComplete((r, e) -> firstByteCheck.cancel(false));
          opened.whenComplete(
              (upstream, error) -> {
                if (error != null) {
                  result.completeExceptionally(AttemptLoop.unwrap(error));
                  return;
                }
                if (result.isDone()) {
                  upstream.close(); // given up on meanwhile
                  return;
                }
                attempt.answered().run();
                int status = upstream.status();
                boolean eventStream =
                    status >= 200 && status < 300 && isEventStream(upstream.header("content-type"));
                if (eventStream) {
                  attempt.streamHead().accept(Duration.ofNanos(System.nanoTime() - start));
                }
                if (status == 429) {
                  upstream.close();
                  result.complete(
                      AttemptLoop.Failed.throttled(
                          RegionStatus.retryAfter(upstream.header("retry-after"))));
                  return;
                }
                Outcome retryable = Outcome.ofRetryableStatus(status);
                if (retryable != null) {
                  upstream.close();
                  result.complete(AttemptLoop.Failed.of(retryable));
                  return;
                }
                // a 4xx is read whole before it commits: its error code may say another region can
                // serve
                boolean clientError = status >= 400 && status < 500;
                CommittedStream stream =
                    new CommittedStream(
                        status,
                        HeaderPolicy.forClient(upstream.headers()),
                        eventStream,
                        clientError,
                        endsWithDone(inbound.pathAndQuery()),
                        attempt.answered());
                stream
                    .start(upstream, idleLimit)
                    .whenComplete(
                        (committed, broken) -> {
                          if (broken != null) {
                            upstream.close();
                            result.completeExceptionally(AttemptLoop.unwrap(broken));
                            return;
                          }
                          AttemptLoop.Done<CommittedStream> done =
                              new AttemptLoop.Done<>(
                                  stream,
                                  Duration.ofNanos(System.nanoTime() - start),
                                  Outcome.ofRelayedStatus(status),
                                  stream.tail().whenComplete((whole, e) -> upstream.close()));
                          if (clientError
                              && stream.ended()
                              && providerError.regionSpecific(status, stream.wholeBody())) {
                            result.complete(AttemptLoop.Failed.declined(done));
                          } else if (!result.complete(done)) {
                            stream.abandon(); // given up on just before its first bytes came
                          }
                        });
              });
          return result;
        });
  }
}
