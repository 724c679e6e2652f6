package dev.regionrouter.router.health;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.config.HealthProperties;
import dev.regionrouter.router.config.ProbeProperties;
import dev.regionrouter.router.observe.RouterMetrics;
import dev.regionrouter.router.table.TableSnapshot;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The health of every region of the current table. A new table keeps a region's measured health
 * when its endpoint did not change (a priority or cost edit must not forget an ejection or the
 * latency); a region whose endpoint changed starts fresh, one that left the table is forgotten.
 */
public class HealthRegistry {

  private final HealthProperties health;
  private final ProbeProperties probe;
  private final double latencySmoothing;
  private final Clock clock;
  private final RouterMetrics metrics;
  private final Map<String, RegionHealth> regions = new ConcurrentHashMap<>();
  private final SelectionEpoch epoch = new SelectionEpoch();
  private final Ejections ejections = new Ejections();

  /**
   * How many tables were applied: the region objects a ranking holds are this registry's while it
   * has not moved.
   */
  private volatile long tables;

  public HealthRegistry(
      HealthProperties health,
      ProbeProperties probe,
      double latencySmoothing,
      Clock clock,
      RouterMetrics metrics) {
    this.health = health;
    this.probe = probe;
    this.latencySmoothing = latencySmoothing;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** Table listener: align the health map with the new table. */
  public synchronized void onTable(TableSnapshot snapshot) {
    Map<String, RegionHealth> next = new LinkedHashMap<>();
    for (RegionEntry entry : snapshot.table().regions()) {
      RegionHealth existing = regions.get(entry.name());
      next.put(
          entry.name(),
          existing != null && Objects.equals(existing.endpoint(), entry.endpoint())
              ? existing
              : new RegionHealth(
                  entry.name(),
                  entry.endpoint(),
                  health,
                  probe.unhealthyThreshold(),
                  probe.healthyThreshold(),
                  latencySmoothing,
                  clock,
                  epoch,
                  ejections));
    }
    regions.forEach(
        (name, h) -> {
          if (next.get(name) != h) {
            h.forget(); // left the table, or its endpoint changed: not a trial candidate any more
          }
        });
    regions.keySet().retainAll(next.keySet());
    regions.putAll(next);
    tables++;
    epoch.bump(); // regions came or went: cached rankings no longer hold
    Map<String, RouterMetrics.RegionGauges> gauges = new LinkedHashMap<>();
    next.forEach(
        (name, h) ->
            gauges.put(
                name,
                new RouterMetrics.RegionGauges(
                    () -> h.view().available(),
                    () -> h.view().ejected(),
                    () -> h.view().inFlight())));
    metrics.trackRegions(gauges);
  }

  /**
   * Moves whenever a region's health or the set of regions changes (see {@link SelectionEpoch}).
   */
  public SelectionEpoch epoch() {
    return epoch;
  }

  /** How many tables were applied (see {@link #onTable}). */
  public long tables() {
    return tables;
  }

  /** The regions ejected now, for their trials. */
  public Ejections ejections() {
    return ejections;
  }

  /** The region's health, or null when it is not in the current table. */
  public RegionHealth get(String name) {
    return regions.get(name);
  }
}
