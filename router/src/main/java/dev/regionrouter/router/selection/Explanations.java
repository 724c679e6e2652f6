package dev.regionrouter.router.selection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders an explained plan: as JSON-ready maps (metadata, status) and as one header line. */
public final class Explanations {

  private Explanations() {}

  public static Map<String, Object> toMap(AttemptPlan plan) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("policy", plan.policy());
    out.put("chosen", plan.isEmpty() ? null : plan.order().get(0).candidate().name());
    out.put("why", plan.why());
    out.put("panic", plan.panic());
    if (!plan.noMatch().isEmpty()) {
      out.put("no_match", plan.noMatch().stream().map(f -> f.id()).toList());
    }
    List<Map<String, Object>> candidates = new ArrayList<>();
    for (CandidateExplain c : plan.explain()) {
      candidates.add(candidate(c));
    }
    out.put("candidates", candidates);
    return out;
  }

  public static Map<String, Object> candidate(CandidateExplain c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("region", c.region());
    m.put("outcome", c.outcome());
    m.put("rank", c.rank());
    m.put("priority", c.priority());
    m.put("latency_ms", round(c.latencySeconds() * 1000));
    m.put("latency_source", c.latencySource());
    m.put("cost_per_1k", c.costPer1k());
    m.put("health", c.health());
    m.put("capacity", c.capacity());
    m.put("score", Double.isNaN(c.score()) ? null : round(c.score()));
    if (c.withinBudget() != null) {
      m.put("within_budget", c.withinBudget());
    }
    m.put("reason", c.reason());
    return m;
  }

  /**
   * One header line: {@code policy=...; chosen=...; why=...; region[outcome p=1
   * lat=52ms(probe_ewma) cost=0.32 health=healthy cap=ok score=1.52], ...}. Header-safe (ASCII, no
   * line breaks).
   */
  public static String toHeader(AttemptPlan plan) {
    StringBuilder out = new StringBuilder();
    out.append("policy=").append(plan.policy());
    out.append("; chosen=")
        .append(plan.isEmpty() ? "none" : plan.order().get(0).candidate().name());
    if (plan.why() != null) {
      out.append("; why=").append(plan.why());
    }
    if (!plan.noMatch().isEmpty()) {
      out.append("; no_match=")
          .append(String.join(",", plan.noMatch().stream().map(f -> f.id()).toList()));
    }
    out.append("; candidates=");
    boolean first = true;
    for (CandidateExplain c : plan.explain()) {
      if (!first) {
        out.append(", ");
      }
      first = false;
      out.append(c.region()).append('[').append(c.outcome());
      if (c.rank() > 0) {
        out.append(" #").append(c.rank());
      }
      out.append(" p=")
          .append(c.priority())
          .append(" lat=")
          .append(Math.round(c.latencySeconds() * 1000))
          .append("ms(")
          .append(c.latencySource())
          .append(')')
          .append(" cost=")
          .append(c.costPer1k())
          .append(" health=")
          .append(c.health())
          .append(" cap=")
          .append(c.capacity().replace(' ', '_'));
      if (!Double.isNaN(c.score())) {
        out.append(" score=").append(String.format(Locale.ROOT, "%.4g", c.score()));
      }
      if (c.withinBudget() != null) {
        out.append(" within_budget=").append(c.withinBudget());
      }
      if (c.reason() != null && !c.outcome().equals("ranked")) {
        out.append(" reason=").append(c.reason());
      }
      out.append(']');
    }
    return out.toString().replaceAll("[^\\x20-\\x7e]", "?");
  }

  static double round(double value) {
    return Math.round(value * 1e3) / 1e3;
  }
}
