package dev.regionrouter.router.edge;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.health.HealthView;
import dev.regionrouter.router.health.RegionHealth;
import dev.regionrouter.router.selection.Candidate;
import dev.regionrouter.router.selection.CandidateExplain;
import dev.regionrouter.router.selection.DecisionLog;
import dev.regionrouter.router.selection.Explanations;
import dev.regionrouter.router.selection.RoutePlanner;
import dev.regionrouter.router.selection.RoutingPolicy;
import dev.regionrouter.router.selection.RoutingProperties;
import dev.regionrouter.router.table.TableHolder;
import dev.regionrouter.router.table.TableSnapshot;
import dev.regionrouter.router.table.TableState;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /regions/status} (the reference tutorial's top level: "latency_cache" (seconds) and
 * "failure_count", each a map keyed by region name, so scripts written for the tutorial read it as
 * they are; then "regions": per region, its health, score parts under the default policy and its
 * part in the last decision), {@code GET /regions/decision} (the last decision, explained) and
 * {@code GET /regions/table} (where the table came from, when, and the last document refused).
 *
 * <p>An admin endpoint: component-scanned beside the data plane only when the management port is
 * the server's port; with a management port of its own, {@link ManagementPortEndpoints} puts it
 * there instead.
 */
@RestController
@ConditionalOnManagementPort(ManagementPortType.SAME)
public class StatusController {

  private final TableHolder tables;
  private final HealthRegistry health;
  private final RoutingProperties routing;
  private final RoutePlanner planner;

  public StatusController(
      TableHolder tables, HealthRegistry health, RoutingProperties routing, RoutePlanner planner) {
    this.tables = tables;
    this.health = health;
    this.routing = routing;
    this.planner = planner;
  }

  @GetMapping("/regions/status")
  public Map<String, Object> status() {
    Map<String, Object> latencyCache = new LinkedHashMap<>();
    Map<String, Object> failureCount = new LinkedHashMap<>();
    Map<String, Object> regions = new LinkedHashMap<>();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("latency_cache", latencyCache);
    out.put("failure_count", failureCount);
    out.put("regions", regions);
    TableSnapshot snapshot = tables.current();
    if (snapshot == null) {
      return out;
    }
    RoutingPolicy policy = routing.policy();
    DecisionLog.Decision last = planner.decisions().last();
    Map<String, CandidateExplain> lastByRegion = new LinkedHashMap<>();
    if (last != null) {
      last.plan().explain().forEach(c -> lastByRegion.put(c.region(), c));
    }
    for (Candidate candidate : planner.candidates(snapshot)) {
      RegionEntry entry = candidate.entry();
      HealthView view = candidate.health();
      Map<String, Object> region = new LinkedHashMap<>();
      region.put("healthy", view.available());
      region.put(
          "latency_cache",
          Double.isNaN(view.latencySeconds()) ? null : round(view.latencySeconds()));
      region.put("failure_count", view.failureCount());
      region.put("probe_healthy", view.activeHealthy());
      region.put("ejected", view.ejected());
      region.put(
          "ejected_until", view.ejectedUntil() == null ? null : view.ejectedUntil().toString());
      region.put("ejections", view.ejections());
      region.put("half_open", view.halfOpen());
      region.put(
          "cooling_until", view.coolingUntil() == null ? null : view.coolingUntil().toString());
      region.put(
          "traffic_latency",
          Double.isNaN(view.trafficLatencySeconds()) ? null : round(view.trafficLatencySeconds()));
      region.put("in_flight", view.inFlight());
      RegionHealth regionHealth = health.get(entry.name());
      region.put("stalled", regionHealth != null && regionHealth.stalled());
      region.put(
          "models_unavailable",
          regionHealth == null ? Map.of() : regionHealth.models().unavailable());
      region.put("score", round(candidate.score(policy)));
      region.put("endpoint", entry.endpoint());
      region.put("provider", entry.provider());
      region.put("cost_per_1k", entry.costPer1kTokens());
      region.put("priority", entry.priority());
      if (entry.capacity() != null && entry.capacity().maxInFlight() != null) {
        region.put("max_in_flight", entry.capacity().maxInFlight());
      }
      if (entry.capacity() != null && entry.capacity().tokensPerMinute() != null) {
        region.put("tokens_per_minute", entry.capacity().tokensPerMinute());
      }
      region.put("tokens_last_minute", candidate.tokensInWindow());
      region.put("labels", entry.labels() == null ? Map.of() : entry.labels());
      region.put("score_parts", scoreParts(candidate, policy));
      CandidateExplain part = lastByRegion.get(entry.name());
      if (part != null) {
        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("at", last.at().toString());
        decision.put("policy", last.plan().policy());
        decision.put(
            "chosen", last.plan().isEmpty() ? null : last.plan().order().get(0).candidate().name());
        decision.put("outcome", part.outcome());
        decision.put("rank", part.rank());
        decision.put("reason", part.outcome().equals("chosen") ? last.plan().why() : part.reason());
        region.put("last_decision", decision);
      }
      regions.put(entry.name(), region);
      latencyCache.put(entry.name(), region.get("latency_cache"));
      failureCount.put(entry.name(), view.failureCount());
    }
    return out;
  }

  /** The last decision, explained (null before the first request). */
  @GetMapping("/regions/decision")
  public Map<String, Object> decision() {
    DecisionLog.Decision last = planner.decisions().last();
    Map<String, Object> out = new LinkedHashMap<>();
    if (last == null) {
      out.put("decision", null);
      return out;
    }
    out.put("at", last.at().toString());
    out.put("caller", last.caller());
    out.putAll(Explanations.toMap(last.plan()));
    return out;
  }

  /**
   * What the region's standing is made of under the router's default policy: the priority-latency
   * score's parts, the latency inputs every policy draws on, health and capacity.
   */
  private Map<String, Object> scoreParts(Candidate candidate, RoutingPolicy policy) {
    HealthView view = candidate.health();
    double latency =
        Double.isNaN(view.latencySeconds())
            ? policy.unknownLatencySeconds()
            : view.latencySeconds();
    Map<String, Object> parts = new LinkedHashMap<>();
    parts.put("policy", policy.name());
    parts.put("priority", candidate.priority());
    parts.put("latency_term", round(policy.latencyWeight() * latency));
    parts.put("cost_term", round(policy.costWeight() * candidate.cost()));
    parts.put(
        "probe_latency_ewma",
        Double.isNaN(view.latencySeconds()) ? null : round(view.latencySeconds()));
    parts.put(
        "traffic_latency_ewma",
        Double.isNaN(view.trafficLatencySeconds()) ? null : round(view.trafficLatencySeconds()));
    parts.put(
        "traffic_latency_quantile",
        Double.isNaN(candidate.budgetLatencySeconds())
            ? null
            : round(candidate.budgetLatencySeconds()));
    parts.put("traffic_latency_quantile_q", routing.budgetQuantile());
    parts.put("traffic_latency_samples", planner.latencies().samples(candidate.name()));
    parts.put("cost_per_1k", candidate.cost());
    parts.put("health", candidate.healthState());
    parts.put("capacity", candidate.atCapacity() ? "full" : "ok");
    parts.put("score", round(candidate.score(policy)));
    return parts;
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
    out.put(
        "regions",
        current == null
            ? null
            : current.table().regions().stream().map(RegionEntry::name).toList());
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
