package dev.regionrouter.router.config;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The attempt loop and the upstream client.
 *
 * @param maxAttempts regions tried for one request, the first included
 * @param tryTimeout one attempt: until the whole answer (/v1/inference) or the response headers
 *     (pass-through) arrive
 * @param requestTimeout the request's overall deadline across attempts (a caller may shorten it
 *     with the X-Region-Router-Timeout-Ms header)
 * @param connectTimeout TCP (and TLS) connect timeout
 * @param upstreamIdleTimeout a pooled keep-alive connection to a region left unused this long is
 *     closed (nginx's upstream keepalive_timeout is 60 s too): after a burst, the connections it
 *     opened do not stay open for good, nor go stale behind a NAT or load balancer that drops idle
 *     ones
 * @param firstByteTimeout a pass-through attempt whose region has not sent its first bytes (for
 *     server-sent events: its first whole event) this long after the attempt started moves to the
 *     next region; the caller has seen nothing of it
 * @param streamIdleTimeout a relayed stream that sends nothing for this long after its first bytes
 *     is cut: the caller gets an error event and a closed connection, and it counts as a failure of
 *     its region
 * @param maxBodySize request bodies above this get 413
 * @param bodyReadTimeout a caller must have sent its whole request body within this, else 408 (a
 *     body trickled in byte by byte would otherwise hold the request open without end; a caller
 *     that stops sending altogether is cut by the server's connection timeout)
 * @param maxResponseSize a region's /v1/inference answer is buffered (it is parsed and rewrapped)
 *     up to this size; a bigger one fails the attempt (outcome response_too_large) and the next
 *     region is tried. Pass-through answers are relayed as they arrive and have no such limit
 * @param retryBudgetRatio over the last 10 s, retries may be at most this fraction of requests ...
 * @param retryBudgetMinPerSecond ... plus this many retries per second, so a quiet router can retry
 * @param sameRegionRetries after a transient fault (500, 502, 504, a reset before the answer's
 *     head) the same region is tried again this many times in one request, after a jittered
 *     backoff, before the request moves on (within the deadline and the retry budget)
 * @param retryBackoff the pause before the first retry on the same region (doubling after that),
 *     jittered to 50-150 %; also the wait before asking a region that answered 429 without
 *     Retry-After again
 * @param maxRetryAfterWait a region that answered 429 with a Retry-After up to this long is asked
 *     again after it when no other region could serve the request (and the deadline leaves room); a
 *     longer Retry-After is not waited for
 * @param regionSpecificErrorCodes provider error codes ({@code error.code} of a 4xx answer) that
 *     mean another region may serve the request (a model with a longer context, say): the request
 *     moves on, with no penalty for the region, and the last such answer is relayed when no region
 *     serves. {@code content_policy_violation} is refused: a policy verdict is not shopped around
 * @param retryAfter Retry-After sent with a 503 when no region could serve
 * @param forwardAuthorization forward the caller's Authorization header to regions that have no
 *     credentials of their own
 * @param http2 offer HTTP/2 to https regions (h2 over TLS by ALPN; one connection per event loop
 *     carries every request to the region as a stream; h2c upgrade is never attempted)
 */
@Validated
@ConfigurationProperties("router.proxy")
public record ProxyProperties(
    @Min(1) @DefaultValue("3") int maxAttempts,
    @NotNull @DefaultValue("15s") Duration tryTimeout,
    @NotNull @DefaultValue("30s") Duration requestTimeout,
    @NotNull @DefaultValue("2s") Duration connectTimeout,
    @NotNull @DurationMin(millis = 1) @DefaultValue("60s") Duration upstreamIdleTimeout,
    @NotNull @DurationMin(millis = 1) @DefaultValue("15s") Duration firstByteTimeout,
    @NotNull @DefaultValue("60s") Duration streamIdleTimeout,
    @NotNull @DefaultValue("1MB") DataSize maxBodySize,
    @NotNull @DefaultValue("10s") Duration bodyReadTimeout,
    @NotNull @DefaultValue("10MB") DataSize maxResponseSize,
    @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.2") double retryBudgetRatio,
    @Min(0) @DefaultValue("10") int retryBudgetMinPerSecond,
    @Min(0) @DefaultValue("1") int sameRegionRetries,
    @NotNull @DefaultValue("100ms") Duration retryBackoff,
    @NotNull @DefaultValue("5s") Duration maxRetryAfterWait,
    @NotNull @DefaultValue("context_length_exceeded") List<String> regionSpecificErrorCodes,
    @NotNull @DefaultValue("1s") Duration retryAfter,
    @DefaultValue("false") boolean forwardAuthorization,
    @DefaultValue("true") boolean http2) {

  /** The codes a policy decides: the same on every region, so never a reason to try another one. */
  static final java.util.Set<String> POLICY_CODES =
      java.util.Set.of("content_policy_violation", "content_filter");

  public ProxyProperties {
    for (String code : regionSpecificErrorCodes) {
      if (POLICY_CODES.contains(code)) {
        throw new IllegalArgumentException(
            "router.proxy.region-specific-error-codes must not contain "
                + code
                + ": a content policy verdict is the same on every region, so it is never a reason to try another one");
      }
    }
    regionSpecificErrorCodes = List.copyOf(regionSpecificErrorCodes);
  }
}
