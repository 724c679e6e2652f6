package dev.regionrouter.router.exchange;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.json.JsonScanner;
import dev.regionrouter.router.table.PerRegion;
import dev.regionrouter.router.upstream.CancellableFuture;
import dev.regionrouter.router.upstream.UpstreamClient;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v1/inference} through the attempt loop: the validated JSON goes to the region's
 * inference path; a 2xx answer must be a JSON object with "output" or the attempt fails (a region
 * that answers garbage is as broken as one that answers 500).
 */
public class InferenceProxy {

  /** What every inference request to a region carries (plus its authorization, when it has one). */
  private static final Map<String, List<String>> JSON_HEADERS =
      Map.of("content-type", List.of("application/json"), "accept", List.of("application/json"));

  private final AttemptLoop loop;
  private final UpstreamClient client;
  private final ObjectMapper json;
  private final boolean forwardAuthorization;
  private final long maxResponseBytes;
  private final ProviderError providerError;

  /**
   * Each region's inference URI, parsed once (endpoints are few; parsing one per request showed in
   * profiles).
   */
  private final PerRegion<URI> uris =
      new PerRegion<>(r -> URI.create(stripSlash(r.endpoint()) + r.effectiveInferencePath()));

  /**
   * maxResponseBytes: a region's answer is buffered (it is parsed) up to this size; bigger fails
   * the attempt.
   */
  public InferenceProxy(
      AttemptLoop loop,
      UpstreamClient client,
      ObjectMapper json,
      boolean forwardAuthorization,
      long maxResponseBytes,
      ProviderError providerError) {
    this.providerError = providerError;
    this.loop = loop;
    this.client = client;
    this.json = json;
    this.forwardAuthorization = forwardAuthorization;
    this.maxResponseBytes = maxResponseBytes;
  }

  /** What the region answered: its answer (see {@link RegionAnswer}), or its refusal. */
  public sealed interface Answer permits RegionAnswer, Answer.Rejected {
    /** A 4xx other than 429 (the caller's fault): relayed as is. */
    record Rejected(int status, byte[] body, String contentType) implements Answer {}
  }

  /**
   * body: the validated request as it goes to regions (JSON, defaults filled in). trace: the
   * caller's W3C trace headers, sent on to the region (empty: none). timers: the request's event
   * loop, for the hold checks of its attempts (null: none). scanner: reads the region's answers
   * (the caller's connection's).
   */
  public CompletableFuture<AttemptLoop.Served<Answer>> infer(
      Exchange exchange,
      byte[] body,
      String callerAuthorization,
      Map<String, List<String>> trace,
      java.util.concurrent.ScheduledExecutorService timers,
      JsonScanner scanner) {
    String model = exchange.route().model();
    return loop.run(
        exchange,
        timers,
        attempt -> {
          RegionEntry region = attempt.region();
          String authorization =
              attempt
                  .token()
                  .map(token -> "Bearer " + token)
                  .orElse(forwardAuthorization ? callerAuthorization : null);
          Map<String, List<String>> headers = JSON_HEADERS;
          if (authorization != null || !trace.isEmpty()) {
            headers = new LinkedHashMap<>(JSON_HEADERS);
            if (authorization != null) {
              headers.put("authorization", List.of(authorization));
            }
            headers.putAll(trace);
          }
          URI uri = uris.get(region);
          long start = System.nanoTime();
          CompletableFuture<UpstreamClient.Buffered> call =
              client.exchange(
                  new UpstreamClient.Request(
                      "POST", uri, headers, RequestModel.forRegion(body, model, region)),
                  attempt.timeout(),
                  maxResponseBytes);
          CompletableFuture<AttemptLoop.Result<Answer>> result =
              new CancellableFuture<>(() -> call.cancel(false));
          call.whenComplete(
              (response, error) -> {
                if (error != null) {
                  Throwable cause = AttemptLoop.unwrap(error);
                  if (cause instanceof UpstreamClient.ResponseTooLargeException) {
                    // an answer this big is not an inference result the router may buffer: the
                    // region failed
                    result.complete(AttemptLoop.Failed.of(Outcome.RESPONSE_TOO_LARGE));
                  } else {
                    result.completeExceptionally(cause);
                  }
                  return;
                }
                try {
                  result.complete(
                      answer(response, Duration.ofNanos(System.nanoTime() - start), scanner));
                } catch (RuntimeException e) {
                  result.completeExceptionally(e);
                }
              });
          return result;
        });
  }

  private AttemptLoop.Result<Answer> answer(
      UpstreamClient.Buffered response, Duration latency, JsonScanner scanner) {
    int status = response.status();
    if (status == 429) {
      return AttemptLoop.Failed.throttled(RegionStatus.retryAfter(response.header("retry-after")));
    }
    Outcome retryable = Outcome.ofRetryableStatus(status);
    if (retryable != null) {
      return AttemptLoop.Failed.of(retryable);
    }
    if (status >= 200 && status < 300) {
      RegionAnswer answer = RegionAnswer.parse(response.body(), json, scanner);
      return answer == null
          ? AttemptLoop.Failed.of(Outcome.MALFORMED)
          : new AttemptLoop.Done<>(answer, latency, Outcome.SUCCESS);
    }
    AttemptLoop.Done<Answer> relayed =
        new AttemptLoop.Done<>(
            new Answer.Rejected(status, response.body(), response.header("content-type")),
            latency,
            Outcome.ofRelayedStatus(status));
    return providerError.regionSpecific(status, response.body())
        ? AttemptLoop.Failed.declined(relayed)
        : relayed;
  }

  static String stripSlash(String endpoint) {
    return endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
  }
}
