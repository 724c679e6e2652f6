package dev.regionrouter.router.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * The router's Micrometer meters, in one place so names and tags stay consistent. Tags are low
 * cardinality only: region (from the routing table), provider, outcome (a fixed vocabulary).
 */
public class RouterMetrics {

  private final MeterRegistry registry;

  /**
   * Meters by name and tags, built once: registry.counter(name, tags...) and Timer.builder(...)
   * .register() build and sort a tag list and look the id up on every call, a cost on every
   * request. Meters are never removed, so a cached one stays valid.
   */
  private final ConcurrentMap<Key, Counter> counters = new ConcurrentHashMap<>();

  private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();
  private final Counter tableRejected;
  private final MultiGauge regionHealthy;

  public RouterMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.tableRejected =
        Counter.builder("router.table.rejected")
            .description(
                "Routing-table documents refused (broken or invalid); the last good table stays in use")
            .register(registry);
    this.regionHealthy =
        MultiGauge.builder("router.region.healthy")
            .description(
                "1 when the region is available for selection (healthy, not ejected, not cooling)")
            .register(registry);
  }

  public void tableRejected() {
    tableRejected.increment();
  }

  /**
   * A request's final outcome (success, client_error, upstream_error, no_region, deadline, ...).
   */
  public void request(String region, String outcome) {
    counter("router.requests", region == null ? "none" : region, "outcome", outcome).increment();
  }

  /** One attempt on a region and how it ended. */
  public void attempt(String region, String outcome) {
    counter("router.attempts", region, "outcome", outcome).increment();
  }

  /** The request moved on from this region to another one. */
  public void failover(String fromRegion) {
    counter("router.failovers", fromRegion, null, null).increment();
  }

  public void upstreamLatency(String region, Duration latency) {
    timers
        .computeIfAbsent(
            region,
            r ->
                Timer.builder("router.upstream.latency")
                    .description(
                        "Time from sending an attempt to its answer (first byte for streams)")
                    .tags("region", r)
                    .publishPercentileHistogram()
                    .register(registry))
        .record(latency);
  }

  /**
   * A counter tagged region=region (and tag=value when tag is not null), looked up without
   * allocating a key string.
   */
  private Counter counter(String name, String region, String tag, String value) {
    Key key = new Key(name, region, value);
    Counter c = counters.get(key);
    if (c == null) {
      c =
          counters.computeIfAbsent(
              key,
              k ->
                  tag == null
                      ? registry.counter(name, "region", region)
                      : registry.counter(name, "region", region, tag, value));
    }
    return c;
  }

  private record Key(String name, String region, String value) {}

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
    String p = provider == null ? "unknown" : provider;
    counter("router.cost.usd", region, "provider", p).increment(usd);
  }

  /** Re-registers the per-region health gauge for the regions of the current table. */
  public void trackRegions(Map<String, Supplier<Number>> healthByRegion) {
    List<MultiGauge.Row<?>> rows =
        healthByRegion.entrySet().stream()
            .<MultiGauge.Row<?>>map(
                e -> MultiGauge.Row.of(Tags.of("region", e.getKey()), e.getValue()))
            .toList();
    regionHealthy.register(rows, true);
  }
}
