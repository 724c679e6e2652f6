package dev.regionrouter.router.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The router's Micrometer meters, in one place so names and tags stay consistent. Tags are low
 * cardinality only: region (from the routing table), provider, outcome (a fixed vocabulary).
 */
public class RouterMetrics {

  private final MeterRegistry registry;
  private final Counter tableRejected;
  private final MultiGauge regionHealthy;

  public RouterMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.tableRejected = Counter.builder("router.table.rejected")
        .description("Routing-table documents refused (broken or invalid); the last good table stays in use")
        .register(registry);
    this.regionHealthy = MultiGauge.builder("router.region.healthy")
        .description("1 when the region is available for selection (healthy, not ejected, not cooling)")
        .register(registry);
  }

  public void tableRejected() {
    tableRejected.increment();
  }

  /** A request's final outcome (success, client_error, upstream_error, no_region, deadline, ...). */
  public void request(String region, String outcome) {
    registry.counter("router.requests", "region", region == null ? "none" : region, "outcome", outcome).increment();
  }

  /** One attempt on a region and how it ended. */
  public void attempt(String region, String outcome) {
    registry.counter("router.attempts", "region", region, "outcome", outcome).increment();
  }

  /** The request moved on from this region to another one. */
  public void failover(String fromRegion) {
    registry.counter("router.failovers", "region", fromRegion).increment();
  }

  public void upstreamLatency(String region, Duration latency) {
    Timer.builder("router.upstream.latency")
        .description("Time from sending an attempt to its answer (first byte for streams)")
        .tags("region", region)
        .publishPercentileHistogram()
        .register(registry)
        .record(latency);
  }

  public void ejection(String region) {
    registry.counter("router.region.ejections", "region", region).increment();
  }

  public void probe(String region, boolean ok, Duration latency) {
    Timer.builder("router.probe.latency")
        .description("Active health probe round trips")
        .tags("region", region, "outcome", ok ? "success" : "failure")
        .register(registry)
        .record(latency);
  }

  public void cost(String region, String provider, double usd) {
    registry.counter("router.cost.usd", "region", region, "provider", provider == null ? "unknown" : provider)
        .increment(usd);
  }

  /** Re-registers the per-region health gauge for the regions of the current table. */
  public void trackRegions(Map<String, Supplier<Number>> healthByRegion) {
    List<MultiGauge.Row<?>> rows = healthByRegion.entrySet().stream()
        .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of("region", e.getKey()), e.getValue()))
        .toList();
    regionHealthy.register(rows, true);
  }
}
