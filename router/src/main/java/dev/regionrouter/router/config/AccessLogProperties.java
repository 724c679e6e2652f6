package dev.regionrouter.router.config;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The access log: one line per data-plane request on the logger {@code
 * dev.regionrouter.router.access} (method, path, status, region, attempts, duration, tokens, cost,
 * trace id).
 *
 * @param enabled write it (off by default: at thousands of requests a second it is mostly noise)
 * @param maxPerSecond at most this many lines a second; the requests beyond are not logged, and the
 *     next line written says how many were left out ({@code sampled_out})
 */
@Validated
@ConfigurationProperties("router.access-log")
public record AccessLogProperties(
    @DefaultValue("false") boolean enabled, @Min(1) @DefaultValue("100") int maxPerSecond) {}
