package dev.regionrouter.router.edge;

import dev.regionrouter.router.observe.RecentActivity;
import dev.regionrouter.router.observe.RequestLog;
import dev.regionrouter.router.observe.RouterMetrics;
import dev.regionrouter.router.observe.StatusPage;
import dev.regionrouter.router.observe.StatusPageModel;
import dev.regionrouter.router.table.TableHolder;
import dev.regionrouter.router.table.TableSnapshot;
import dev.regionrouter.router.table.TableState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /ui}: the status page for people (see {@link StatusPage}), from the same state as
 * {@code /regions/status}. {@code ?refresh=N} sets its reload period in seconds (0: none; default
 * 5). An admin endpoint: beside {@code /regions/*}, on the management port when one is set (see
 * {@link ManagementPortEndpoints}).
 */
@RestController
@ConditionalOnManagementPort(ManagementPortType.SAME)
public class StatusPageController {

  private final StatusController status;
  private final TableHolder tables;
  private final RouterMetrics metrics;
  private final RequestLog requests;
  private final DataPlane dataPlane;
  private final Clock clock;

  public StatusPageController(
      StatusController status,
      TableHolder tables,
      RouterMetrics metrics,
      RequestLog requests,
      DataPlane dataPlane,
      Clock clock) {
    this.status = status;
    this.tables = tables;
    this.metrics = metrics;
    this.requests = requests;
    this.dataPlane = dataPlane;
    this.clock = clock;
  }

  @GetMapping(value = "/ui", produces = MediaType.TEXT_HTML_VALUE)
  public String page(@RequestParam(name = "refresh", defaultValue = "5") int refreshSeconds) {
    return StatusPage.render(model(Math.max(0, Math.min(refreshSeconds, 3600))));
  }

  StatusPageModel model(int refreshSeconds) {
    TableState state = tables.state();
    TableSnapshot current = state.current();
    StatusPageModel.Table table =
        new StatusPageModel.Table(
            state.source(),
            current != null,
            current == null ? 0 : current.version(),
            current == null ? null : current.loadedAt(),
            tables.stale(),
            state.lastError());
    RecentActivity recent = metrics.recent();
    List<StatusPageModel.Region> regions = new ArrayList<>();
    Map<String, Object> byRegion = map(status.status().get("regions"));
    byRegion.forEach(
        (name, value) -> {
          Map<String, Object> r = map(value);
          Map<String, Object> decision = map(r.get("last_decision"));
          regions.add(
              new StatusPageModel.Region(
                  name,
                  (String) r.get("provider"),
                  (String) r.get("endpoint"),
                  number(r.get("priority")).intValue(),
                  number(r.get("cost_per_1k")).doubleValue(),
                  state(r),
                  Boolean.TRUE.equals(r.get("healthy")),
                  millis(r.get("latency_cache")),
                  millis(r.get("traffic_latency")),
                  number(r.get("failure_count")).intValue(),
                  number(r.get("ejections")).intValue(),
                  Boolean.TRUE.equals(r.get("ejected")) ? (String) r.get("ejected_until") : null,
                  number(r.get("in_flight")).intValue(),
                  r.get("score") == null ? null : number(r.get("score")).doubleValue(),
                  scoreParts(map(r.get("score_parts"))),
                  decision.isEmpty() ? null : String.valueOf(decision.get("outcome")),
                  decision.isEmpty() ? null : (String) decision.get("reason"),
                  recent.upstream(name),
                  recent.probes(name),
                  recent.costUsd(name)));
        });
    Map<String, Object> last = status.decision();
    StatusPageModel.Decision decision =
        last.get("at") == null
            ? null
            : new StatusPageModel.Decision(
                java.time.Instant.parse((String) last.get("at")),
                String.valueOf(last.get("policy")),
                (String) last.get("chosen"),
                (String) last.get("why"));
    return new StatusPageModel(
        clock.instant(),
        table,
        regions,
        decision,
        requests.recent().latest(),
        dataPlane.inFlight(),
        refreshSeconds);
  }

  /** What a person calls the region's state: the first of these that holds. */
  private static String state(Map<String, Object> r) {
    if (Boolean.TRUE.equals(r.get("ejected"))) {
      return Boolean.TRUE.equals(r.get("half_open")) ? "ejected (half-open)" : "ejected";
    }
    if (!Boolean.TRUE.equals(r.get("probe_healthy"))) {
      return "down";
    }
    if (r.get("cooling_until") != null) {
      return "cooling (429)";
    }
    if (Boolean.TRUE.equals(r.get("stalled"))) {
      return "stalled";
    }
    return Boolean.TRUE.equals(r.get("healthy")) ? "up" : "unavailable";
  }

  private static List<StatusPageModel.ScorePart> scoreParts(Map<String, Object> parts) {
    List<StatusPageModel.ScorePart> out = new ArrayList<>();
    for (String key : List.of("priority", "latency_term", "cost_term", "health", "capacity")) {
      if (parts.containsKey(key)) {
        out.add(new StatusPageModel.ScorePart(key, String.valueOf(parts.get(key))));
      }
    }
    return out;
  }

  private static Double millis(Object seconds) {
    return seconds == null ? null : number(seconds).doubleValue() * 1000;
  }

  private static Number number(Object value) {
    return value instanceof Number n ? n : 0;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
