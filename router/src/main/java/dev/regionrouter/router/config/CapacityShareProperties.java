package dev.regionrouter.router.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Cluster-wide capacity: a region's {@code capacity.maxInFlight} and {@code
 * capacity.tokensPerMinute} are limits for all router replicas together, and each replica enforces
 * limit / ready replicas.
 *
 * @param service the router's own Service, whose EndpointSlices count the ready replicas
 *     (Kubernetes mode only; the chart sets it). Unset, or in file mode: the replica enforces the
 *     whole limit
 */
@ConfigurationProperties("router.capacity-share")
public record CapacityShareProperties(String service) {}
