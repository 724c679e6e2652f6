package dev.regionrouter.router.bench;

import static dev.regionrouter.router.support.RouterSettings.HEALTH;
import static dev.regionrouter.router.support.RouterSettings.PROBE;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.api.table.RoutingTable;
import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.health.RegionHealth;
import dev.regionrouter.router.selection.LatencyWindow;
import dev.regionrouter.router.selection.RoutePlanner;
import dev.regionrouter.router.selection.TokenMeter;
import dev.regionrouter.router.support.RouterSettings;
import dev.regionrouter.router.support.RoutingCore;
import dev.regionrouter.router.table.TableSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A routing table of N regions with the health and routing state a busy router would hold for them,
 * built through the router's own classes (HealthRegistry, RegionHealth, LatencyWindow, TokenMeter)
 * with the production defaults and the system clock, so the benchmarks time the code the router
 * runs per request on state it really produces. Seeded: the same N gives the same fleet.
 *
 * <p>Per region (shares are expectations): probe round trips 10-300 ms; price tiers of 0.05 USD
 * from 0.10 to 1.00 (equal prices happen, as between real regions); priorities 1/2/3 (50/35/15 %);
 * 5 % unhealthy (three failed probes), 5 % ejected (three failed attempts), 2 % cooling after a
 * 429; 60 % carry recent traffic (a traffic EWMA and 64 latency samples of round trip plus 50-600
 * ms inference, so about half meet the 500 ms budget); 40 % have requests in flight (1-8); 30 %
 * have capacity.maxInFlight (8-64; a tenth of those are full); 20 % have capacity.tokensPerMinute
 * (50k-500k, a tenth of those are over it).
 */
final class Fleet {

  private static final String[] PROVIDERS = {"aws", "gcp", "azure", "onprem"};
  private static final String[] GEOS = {"eu", "us", "ap", "sa"};

  final TableSnapshot snapshot;
  final HealthRegistry health;
  final TokenMeter tokens;
  final LatencyWindow latencies;
  final Clock clock = Clock.systemUTC();
  private final RoutingCore core;

  private Fleet(int regions, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    core =
        RoutingCore.over(clock)
            .meters(() -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
            .build();
    health = core.health();
    tokens = core.tokens();
    latencies = core.latencies();

    List<RegionEntry> entries = new ArrayList<>(regions);
    List<double[]> traits = new ArrayList<>(regions); // per region: probe rtt seconds
    for (int i = 0; i < regions; i++) {
      String name = String.format("r%04d", i);
      double cost = 0.10 + 0.05 * random.nextInt(19);
      double p = random.nextDouble();
      int priority = p < 0.50 ? 1 : p < 0.85 ? 2 : 3;
      Integer maxInFlight = random.nextDouble() < 0.30 ? 8 + random.nextInt(57) : null;
      Long tokensPerMinute = random.nextDouble() < 0.20 ? 50_000L + random.nextInt(450_001) : null;
      RegionEntry.Capacity capacity =
          maxInFlight == null && tokensPerMinute == null
              ? null
              : new RegionEntry.Capacity(maxInFlight, tokensPerMinute);
      entries.add(
          new RegionEntry(
              name,
              "http://" + name + ".regions.example:8000",
              Math.round(cost * 100) / 100.0,
              priority,
              PROVIDERS[random.nextInt(PROVIDERS.length)],
              null,
              null,
              capacity,
              null,
              null,
              Map.of("geo", GEOS[random.nextInt(GEOS.length)])));
      traits.add(new double[] {0.010 + 0.290 * random.nextDouble()});
    }
    snapshot = new TableSnapshot(RoutingTable.of(entries), "bench", Instant.now(), 1);
    health.onTable(snapshot);

    for (int i = 0; i < regions; i++) {
      RegionEntry entry = entries.get(i);
      RegionHealth h = health.get(entry.name());
      double rtt = traits.get(i)[0];
      for (int k = 0; k < 4; k++) { // the probes of the last few seconds, a little noise on top
        h.recordProbe(true, seconds(rtt * (1 + 0.1 * random.nextDouble())));
      }
      if (random.nextDouble() < 0.60) { // recent traffic
        for (int k = 0; k < 64; k++) {
          double sample = rtt + 0.050 + 0.550 * random.nextDouble();
          latencies.record(entry.name(), sample);
          h.recordSuccess(seconds(sample));
        }
      }
      double state = random.nextDouble();
      if (state < 0.05) {
        for (int k = 0; k < PROBE.unhealthyThreshold(); k++) {
          h.recordProbe(false, PROBE.timeout());
        }
      } else if (state < 0.10) {
        for (int k = 0; k < HEALTH.consecutiveFailures(); k++) {
          h.recordFailure();
        }
      } else if (state < 0.12) {
        h.recordThrottled(Duration.ofSeconds(300));
      }
      Integer maxInFlight = entry.capacity() == null ? null : entry.capacity().maxInFlight();
      int inFlight =
          maxInFlight != null && random.nextDouble() < 0.10
              ? maxInFlight
              : random.nextDouble() < 0.40 ? 1 + random.nextInt(8) : 0;
      for (int k = 0; k < inFlight; k++) {
        h.tryAcquire(null);
      }
      Long tpm = entry.capacity() == null ? null : entry.capacity().tokensPerMinute();
      if (tpm != null) {
        tokens.add(
            entry.name(),
            random.nextDouble() < 0.10 ? tpm + 1 : (long) (tpm * 0.8 * random.nextDouble()));
      }
    }
  }

  static Fleet of(int regions) {
    return new Fleet(regions, 42L * regions + 7);
  }

  /**
   * The router's planner over this fleet, with the given default policy and the production defaults
   * otherwise.
   */
  RoutePlanner planner(String policy) {
    return core.planner(RouterSettings.routing(policy));
  }

  private static Duration seconds(double s) {
    return Duration.ofNanos((long) (s * 1e9));
  }
}
