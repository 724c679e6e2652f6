package dev.regionrouter.router.api;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.config.RoutingProperties;
import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.health.HealthView;
import dev.regionrouter.router.select.Candidate;
import dev.regionrouter.router.select.RoutingPolicy;
import dev.regionrouter.router.table.TableHolder;
import dev.regionrouter.router.table.TableSnapshot;
import dev.regionrouter.router.table.TableState;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /health}, {@code GET /regions/status} (the reference's shape: an object keyed by region
 * name, each with "healthy", "latency_cache" in seconds and "failure_count", plus what this router
 * adds) and {@code GET /regions/table} (where the table came from, when, and the last document
 * refused).
 */
@RestController
public class StatusController {

  private final TableHolder tables;
  private final HealthRegistry health;
  private final RoutingProperties routing;

  public StatusController(TableHolder tables, HealthRegistry health, RoutingProperties routing) {
    this.tables = tables;
    this.health = health;
    this.routing = routing;
  }

  @GetMapping("/health")
  public Map<String, Object> health() {
    return Map.of("status", "healthy", "service", "region-router");
  }

  @GetMapping("/regions/status")
  public Map<String, Object> status() {
    Map<String, Object> out = new LinkedHashMap<>();
    TableSnapshot snapshot = tables.current();
    if (snapshot == null) {
      return out;
    }
    RoutingPolicy policy = routing.policy();
    for (Candidate candidate : health.candidates(snapshot)) {
      RegionEntry entry = candidate.entry();
      HealthView view = candidate.health();
      Map<String, Object> region = new LinkedHashMap<>();
      region.put("healthy", view.available());
      region.put("latency_cache", Double.isNaN(view.latencySeconds()) ? null : round(view.latencySeconds()));
      region.put("failure_count", view.failureCount());
      region.put("probe_healthy", view.activeHealthy());
      region.put("ejected", view.ejected());
      region.put("ejected_until", view.ejectedUntil() == null ? null : view.ejectedUntil().toString());
      region.put("ejections", view.ejections());
      region.put("half_open", view.halfOpen());
      region.put("cooling_until", view.coolingUntil() == null ? null : view.coolingUntil().toString());
      region.put("traffic_latency", Double.isNaN(view.trafficLatencySeconds()) ? null : round(view.trafficLatencySeconds()));
      region.put("in_flight", view.inFlight());
      region.put("score", round(candidate.score(policy)));
      region.put("endpoint", entry.endpoint());
      region.put("provider", entry.provider());
      region.put("cost_per_1k", entry.costPer1kTokens());
      region.put("priority", entry.priority());
      if (entry.capacity() != null && entry.capacity().maxInFlight() != null) {
        region.put("max_in_flight", entry.capacity().maxInFlight());
      }
      out.put(entry.name(), region);
    }
    return out;
  }

  @GetMapping("/regions/table")
  public Map<String, Object> table() {
    return describe(tables.state());
  }

  static Map<String, Object> describe(TableState state) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("source", state.source());
    TableSnapshot current = state.current();
    out.put("loaded", current != null);
    out.put("version", current == null ? null : current.version());
    out.put("loaded_from", current == null ? null : current.source());
    out.put("loaded_at", current == null ? null : current.loadedAt().toString());
    out.put("regions", current == null ? null : current.table().regions().stream().map(RegionEntry::name).toList());
    out.put("source_missing", state.sourceMissing());
    out.put("rejected", state.rejected());
    out.put("last_error", state.lastError());
    out.put("last_error_at", state.lastErrorAt() == null ? null : state.lastErrorAt().toString());
    return out;
  }

  private static double round(double value) {
    return Math.round(value * 1e6) / 1e6;
  }
}
