package dev.regionrouter.router.config;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
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
 *     is cut: the caller gets an error event and a closed connection, and it counts as a failure
 *     of its region
 * @param maxBodySize request bodies above this get 413
 * @param bodyReadTimeout a caller must have sent its whole request body within this, else 408 (a
 *     body trickled in byte by byte would otherwise hold the request open without end; a caller
 *     that stops sending altogether is cut by the server's connection timeout)
 * @param maxResponseSize a region's /v1/inference answer is buffered (it is parsed and rewrapped)
 *     up to this size; a bigger one fails the attempt (outcome response_too_large) and the next
 *     region is tried. Pass-through answers are relayed as they arrive and have no such limit
 * @param retryBudgetRatio over the last 10 s, retries may be at most this fraction of requests ...
 * @param retryBudgetMinPerSecond ... plus this many retries per second, so a quiet router can retry
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
    @NotNull @DefaultValue("1s") Duration retryAfter,
    @DefaultValue("false") boolean forwardAuthorization,
    @DefaultValue("true") boolean http2) {}
