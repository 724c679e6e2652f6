package dev.regionrouter.router.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.noop.NoopCounter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The router's Micrometer meters, in one place so names and tags stay consistent. Every name starts
 * with {@code regionrouter.router.} (Prometheus: {@code regionrouter_router_*}; the operator's are
 * {@code regionrouter_operator_*}), units are in the names (seconds, usd). Tags are low cardinality
 * only: region (from the routing table), provider, outcome and policy (fixed vocabularies).
 *
 * <p>Cardinality is bounded: a region's series exist only while it is in the routing table (those
 * of a region that leaves are removed, and a late request for it records nothing), and the one
 * histogram, upstream latency by region, has fixed SLO buckets ({@link #LATENCY_BUCKETS}), not a
 * percentile histogram: 17 series per region and router pod.
 */
public class RouterMetrics {

  public static final String PREFIX = "regionrouter.router.";

  /** The latency histogram's buckets (le): 13 bounds plus +Inf, from 5 ms to 60 s. */
  public static final List<Duration> LATENCY_BUCKETS =
      List.of(
          Duration.ofMillis(5),
          Duration.ofMillis(10),
          Duration.ofMillis(25),
          Duration.ofMillis(50),
          Duration.ofMillis(100),
          Duration.ofMillis(250),
          Duration.ofMillis(500),
          Duration.ofSeconds(1),
          Duration.ofMillis(2500),
          Duration.ofSeconds(5),
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofSeconds(60));

  /** The region tag of a request no region served. */
  public static final String NO_REGION = "none";

  private final MeterRegistry registry;

  /**
   * Meters by name and tags, built once: registry.counter(name, tags...) and Timer.builder(...)
   * .register() build and sort a tag list and look the id up on every call, a cost on every
   * request. A region's entries go when it leaves the table.
   */
  private final ConcurrentMap<Key, Counter> counters = new ConcurrentHashMap<>();

  private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

  /** The regions of the table in use: meters are made for these (and {@link #NO_REGION}) only. */
  private volatile Set<String> regions = Set.of();

  private final Counter tableRejected;
  private final MultiGauge regionAvailable;
  private final MultiGauge regionEjected;
  private final MultiGauge regionInFlight;
  private final RecentActivity recent = new RecentActivity(System::currentTimeMillis);

  public RouterMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.tableRejected =
        Counter.builder(PREFIX + "routing.table.rejected")
            .description(
                "Routing-table documents refused (broken or invalid); the last good table stays in use")
            .register(registry);
    this.regionAvailable =
        MultiGauge.builder(PREFIX + "region.available")
            .description(
                "1 when the region is available for selection (healthy, not ejected, not cooling)")
            .register(registry);
    this.regionEjected =
        MultiGauge.builder(PREFIX + "region.ejected")
            .description("1 while passive health keeps the region ejected")
            .register(registry);
    this.regionInFlight =
        MultiGauge.builder(PREFIX + "region.in.flight")
            .description("Requests in progress on the region through this router")
            .register(registry);
  }

  /** What happened lately, by region, for the status page. */
  public RecentActivity recent() {
    return recent;
  }

  public void tableRejected() {
    tableRejected.increment();
  }

  /**
   * A request's final outcome (success, client_error, upstream_error, no_region, deadline, ...).
   */
  public void request(String region, String outcome) {
    counter(PREFIX + "requests", region == null ? NO_REGION : region, "outcome", outcome)
        .increment();
  }

  /** One attempt on a region and how it ended. */
  public void attempt(String region, String outcome) {
    counter(PREFIX + "attempts", region, "outcome", outcome).increment();
  }

  /** The request moved on from this region to another one. */
  public void failover(String fromRegion) {
    counter(PREFIX + "failovers", fromRegion, null, null).increment();
  }

  public void upstreamLatency(String region, Duration latency) {
    Timer timer = timers.get(region);
    if (timer == null) {
      if (!regions.contains(region)) {
        return;
      }
      timer =
          timers.computeIfAbsent(
              region,
              r ->
                  Timer.builder(PREFIX + "upstream.latency")
                      .description(
                          "Time from sending an attempt to its answer (first byte for streams)")
                      .tags("region", r)
                      .serviceLevelObjectives(LATENCY_BUCKETS.toArray(Duration[]::new))
                      .register(registry));
    }
    timer.record(latency);
    recent.upstream(region, latency);
  }

  /**
   * A counter tagged region=region (and tag=value when tag is not null), looked up without
   * allocating a key string; a no-op one for a region that is not in the table.
   */
  private Counter counter(String name, String region, String tag, String value) {
    Key key = new Key(name, region, value);
    Counter c = counters.get(key);
    if (c == null) {
      if (!region.equals(NO_REGION) && !regions.contains(region)) {
        return new NoopCounter(new Meter.Id(name, Tags.empty(), null, null, Meter.Type.COUNTER));
      }
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
    counter(PREFIX + "region.ejections", region, null, null).increment();
  }

  public void probe(String region, boolean ok, Duration latency) {
    if (!regions.contains(region)) {
      return;
    }
    Timer.builder(PREFIX + "probe.latency")
        .description("Active health probe round trips")
        .tags("region", region, "outcome", ok ? "success" : "failure")
        .register(registry)
        .record(latency);
    recent.probe(region, ok, latency);
  }

  public void cost(String region, String provider, double usd) {
    String p = provider == null ? "unknown" : provider;
    counter(PREFIX + "cost.usd", region, "provider", p).increment(usd);
    if (regions.contains(region)) {
      recent.cost(region, usd);
    }
  }

  /** What the per-region gauges read from a region's health. */
  public record RegionGauges(
      BooleanSupplier available, BooleanSupplier ejected, IntSupplier inFlight) {}

  /**
   * The regions of a new table, before it is in use: their gauges are (re)registered, and every
   * series of a region that left the table is removed (counters, histograms, gauges), so deleted
   * regions do not linger in Prometheus.
   */
  public synchronized void trackRegions(Map<String, RegionGauges> byRegion) {
    Set<String> next = Set.copyOf(byRegion.keySet());
    this.regions = next;
    List<MultiGauge.Row<?>> available = new ArrayList<>();
    List<MultiGauge.Row<?>> ejected = new ArrayList<>();
    List<MultiGauge.Row<?>> inFlight = new ArrayList<>();
    byRegion.forEach(
        (region, g) -> {
          Tags tags = Tags.of("region", region);
          available.add(MultiGauge.Row.of(tags, () -> g.available().getAsBoolean() ? 1 : 0));
          ejected.add(MultiGauge.Row.of(tags, () -> g.ejected().getAsBoolean() ? 1 : 0));
          inFlight.add(MultiGauge.Row.of(tags, () -> g.inFlight().getAsInt()));
        });
    regionAvailable.register(available, true);
    regionEjected.register(ejected, true);
    regionInFlight.register(inFlight, true);
    counters.keySet().removeIf(k -> !k.region().equals(NO_REGION) && !next.contains(k.region()));
    timers.keySet().removeIf(r -> !next.contains(r));
    for (Meter meter : List.copyOf(registry.getMeters())) {
      String region = meter.getId().getTag("region");
      if (region != null
          && !region.equals(NO_REGION)
          && !next.contains(region)
          && meter.getId().getName().startsWith(PREFIX)) {
        registry.remove(meter);
      }
    }
    recent.retain(next);
  }

  /** Gauges of the routing table in use. */
  public void trackTable(
      DoubleSupplier ageSeconds,
      LongSupplier generation,
      IntSupplier regionCount,
      BooleanSupplier stale) {
    Gauge.builder(PREFIX + "routing.table.age", ageSeconds::getAsDouble)
        .baseUnit("seconds")
        .description(
            "Seconds since the routing table in use was loaded (it changes only when the table does)")
        .register(registry);
    Gauge.builder(PREFIX + "routing.table.generation", generation::getAsLong)
        .description("The table in use's generation: one more for every table accepted")
        .register(registry);
    Gauge.builder(PREFIX + "routing.table.regions", regionCount::getAsInt)
        .description("Regions in the routing table in use")
        .register(registry);
    Gauge.builder(PREFIX + "routing.table.stale", () -> stale.getAsBoolean() ? 1 : 0)
        .description(
            "1 while the table in use is not its source's latest: none loaded yet, the source is gone, or its latest document was refused")
        .register(registry);
  }

  /** Requests the data plane is answering now. */
  public void trackRequestsInFlight(IntSupplier inFlight) {
    Gauge.builder(PREFIX + "requests.in.flight", inFlight::getAsInt)
        .description("Requests the router is answering now (all regions, waiting ones included)")
        .register(registry);
  }
}
