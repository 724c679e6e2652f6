package dev.regionrouter.router.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Renders the status page ({@code GET /ui}): one self-contained HTML document (inline CSS, inline
 * SVG, no script, nothing fetched from elsewhere), so it works with JavaScript off and behind any
 * firewall. It reloads itself with a meta refresh. Every value is escaped.
 */
public final class StatusPage {

  private StatusPage() {}

  public static String render(StatusPageModel m) {
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    if (m.refreshSeconds() > 0) {
      h.append("<meta http-equiv=\"refresh\" content=\"").append(m.refreshSeconds()).append("\">");
    }
    h.append("<title>region-router status</title><style>").append(CSS).append("</style></head>");
    h.append("<body><header><h1>region-router</h1><p class=\"meta\">");
    StatusPageModel.Table t = m.table();
    if (t.loaded()) {
      h.append("routing table generation <b id=\"generation\">")
          .append(t.generation())
          .append("</b> from ")
          .append(esc(t.source()))
          .append(", loaded ")
          .append(ago(t.loadedAt(), m.now()))
          .append(" ago");
    } else {
      h.append("<b>no routing table loaded</b> (").append(esc(t.source())).append(')');
    }
    if (t.stale()) {
      h.append(" · <span class=\"bad\" id=\"stale\">stale");
      if (t.lastError() != null) {
        h.append(": ").append(esc(t.lastError()));
      }
      h.append("</span>");
    }
    h.append(" · <span id=\"in-flight\">")
        .append(m.inFlight())
        .append("</span> in flight · ")
        .append(time(m.now()))
        .append(" UTC");
    if (m.refreshSeconds() > 0) {
      h.append(" · refreshes every ").append(m.refreshSeconds()).append(" s");
    }
    h.append("</p></header>");

    h.append("<h2>Regions</h2><table id=\"regions\"><thead><tr>");
    for (String col :
        List.of(
            "region",
            "health",
            "latency (probe)",
            "latency (traffic)",
            "last 5 min",
            "score",
            "score parts",
            "failures",
            "ejections",
            "in flight",
            "cost /1k",
            "spend 5 min",
            "last decision")) {
      h.append("<th>").append(col).append("</th>");
    }
    h.append("</tr></thead><tbody>");
    if (m.regions().isEmpty()) {
      h.append("<tr><td colspan=\"13\">no regions in the routing table</td></tr>");
    }
    for (StatusPageModel.Region r : m.regions()) {
      h.append("<tr class=\"region ")
          .append(r.available() ? "up" : "down")
          .append("\" data-region=\"")
          .append(esc(r.name()))
          .append("\">");
      h.append("<td><b>")
          .append(esc(r.name()))
          .append("</b><br><small>")
          .append(esc(r.provider()))
          .append(" · priority ")
          .append(r.priority())
          .append("<br>")
          .append(esc(r.endpoint()))
          .append("</small></td>");
      h.append("<td class=\"health\"><span class=\"pill ")
          .append(r.available() ? "ok" : "bad")
          .append("\">")
          .append(esc(r.state()))
          .append("</span>");
      if (r.ejectedUntil() != null) {
        h.append("<br><small>until ").append(esc(time(r.ejectedUntil()))).append("</small>");
      }
      h.append("</td>");
      h.append("<td class=\"num\">").append(ms(r.latencyMs())).append("</td>");
      h.append("<td class=\"num\">").append(ms(r.trafficLatencyMs())).append("</td>");
      h.append("<td>").append(spark(r.upstream(), r.probes())).append("</td>");
      h.append("<td class=\"num\">")
          .append(r.score() == null ? "–" : fmt("%.3f", r.score()))
          .append("</td>");
      h.append("<td><small>");
      for (StatusPageModel.ScorePart p : r.scoreParts()) {
        h.append(esc(p.name())).append(' ').append(esc(p.value())).append("<br>");
      }
      h.append("</small></td>");
      h.append("<td class=\"num\">").append(r.failures()).append("</td>");
      h.append("<td class=\"num\">").append(r.ejections()).append("</td>");
      h.append("<td class=\"num\">").append(r.inFlight()).append("</td>");
      h.append("<td class=\"num\">$").append(fmt("%.4f", r.costPer1kTokens())).append("</td>");
      h.append("<td class=\"num\">$").append(fmt("%.6f", r.costUsdRecent())).append("</td>");
      h.append("<td>");
      if (r.decision() != null) {
        h.append(esc(r.decision()));
        if (r.decisionReason() != null) {
          h.append("<br><small>").append(esc(r.decisionReason())).append("</small>");
        }
      } else {
        h.append("–");
      }
      h.append("</td></tr>");
    }
    h.append("</tbody></table>");
    h.append(
        "<p class=\"legend\"><span class=\"sw traffic\"></span> traffic latency (mean per 10 s)"
            + " <span class=\"sw probe\"></span> probe latency <span class=\"sw fail\"></span>"
            + " failed probe</p>");

    h.append("<h2>Last decision</h2>");
    StatusPageModel.Decision d = m.lastDecision();
    if (d == null) {
      h.append("<p id=\"decision\">no request routed yet</p>");
    } else {
      h.append("<p id=\"decision\">")
          .append(time(d.at()))
          .append(" · policy ")
          .append(esc(d.policy()))
          .append(" · chose <b>")
          .append(esc(d.chosen() == null ? "none" : d.chosen()))
          .append("</b>");
      if (d.why() != null) {
        h.append(": ").append(esc(d.why()));
      }
      h.append("</p>");
    }
    h.append("<h2>Last requests</h2><table id=\"requests\"><thead><tr>");
    for (String col :
        List.of("at", "request", "status", "region", "attempts", "duration", "tokens", "cost")) {
      h.append("<th>").append(col).append("</th>");
    }
    h.append("</tr></thead><tbody>");
    if (m.recentRequests().isEmpty()) {
      h.append("<tr><td colspan=\"8\">none yet</td></tr>");
    }
    for (RequestRecord q : m.recentRequests()) {
      h.append("<tr class=\"")
          .append(q.status() >= 500 ? "bad" : "")
          .append("\"><td>")
          .append(time(q.at()))
          .append("</td><td>")
          .append(esc(q.method()))
          .append(' ')
          .append(esc(q.path()))
          .append("</td><td class=\"num\">")
          .append(q.status())
          .append("</td><td>")
          .append(esc(q.region() == null ? "none" : q.region()))
          .append("</td><td class=\"num\">")
          .append(q.attempts())
          .append("</td><td class=\"num\">")
          .append(fmt("%.1f ms", q.durationMs()))
          .append("</td><td class=\"num\">")
          .append(q.tokens() < 0 ? "–" : Long.toString(q.tokens()))
          .append("</td><td class=\"num\">")
          .append(Double.isNaN(q.costUsd()) ? "–" : "$" + fmt("%.6f", q.costUsd()))
          .append("</td></tr>");
    }
    h.append("</tbody></table>");
    h.append(
        "<footer>JSON: <a href=\"/regions/status\">/regions/status</a> ·"
            + " <a href=\"/regions/decision\">/regions/decision</a> ·"
            + " <a href=\"/regions/table\">/regions/table</a> ·"
            + " <a href=\"/actuator/prometheus\">/actuator/prometheus</a></footer>");
    h.append("</body></html>\n");
    return h.toString();
  }

  /**
   * A small inline SVG of the last minutes: traffic latency as a line, probe latency as dots, a red
   * mark for a bucket with failed probes. The vertical scale is the window's own maximum.
   */
  static String spark(List<RecentActivity.Point> traffic, List<RecentActivity.Point> probes) {
    int w = 150;
    int hgt = 32;
    double max = 1;
    for (List<RecentActivity.Point> series : List.of(traffic, probes)) {
      for (RecentActivity.Point p : series) {
        if (p.count() > 0) {
          max = Math.max(max, p.meanMs());
        }
      }
    }
    StringBuilder s = new StringBuilder();
    s.append("<svg class=\"spark\" width=\"")
        .append(w)
        .append("\" height=\"")
        .append(hgt + 12)
        .append("\" viewBox=\"0 0 ")
        .append(w)
        .append(' ')
        .append(hgt + 12)
        .append("\" role=\"img\"><title>");
    s.append("max ").append(fmt("%.0f", max)).append(" ms in the last 5 minutes</title>");
    int n = Math.max(1, traffic.size() - 1);
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < traffic.size(); i++) {
      RecentActivity.Point p = traffic.get(i);
      if (p.count() > 0) {
        line.append(line.isEmpty() ? "M" : "L")
            .append(fmt("%.1f", i * (double) (w - 2) / n + 1))
            .append(',')
            .append(fmt("%.1f", hgt - p.meanMs() / max * (hgt - 2)));
      }
    }
    if (!line.isEmpty()) {
      s.append("<path class=\"traffic\" d=\"").append(line).append("\"/>");
    }
    for (int i = 0; i < probes.size(); i++) {
      RecentActivity.Point p = probes.get(i);
      if (p.count() == 0) {
        continue;
      }
      double x = i * (double) (w - 2) / n + 1;
      if (p.failures() > 0) {
        s.append("<rect class=\"fail\" x=\"")
            .append(fmt("%.1f", x - 2))
            .append("\" y=\"0\" width=\"4\" height=\"")
            .append(hgt)
            .append("\"/>");
      }
      s.append("<circle class=\"probe\" cx=\"")
          .append(fmt("%.1f", x))
          .append("\" cy=\"")
          .append(fmt("%.1f", hgt - p.meanMs() / max * (hgt - 2)))
          .append("\" r=\"1.6\"/>");
    }
    s.append("<text x=\"0\" y=\"")
        .append(hgt + 10)
        .append("\">max ")
        .append(fmt("%.0f", max))
        .append(" ms</text></svg>");
    return s.toString();
  }

  private static final java.time.format.DateTimeFormatter TIME =
      java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
          .withZone(java.time.ZoneOffset.UTC);

  private static String time(Instant at) {
    return at == null ? "" : TIME.format(at);
  }

  private static String time(String isoInstant) {
    try {
      return time(Instant.parse(isoInstant));
    } catch (RuntimeException e) {
      return isoInstant;
    }
  }

  private static String ms(Double value) {
    return value == null ? "–" : fmt("%.1f ms", value);
  }

  private static String ago(Instant then, Instant now) {
    long s = Math.max(0, Duration.between(then, now).toSeconds());
    return s < 120 ? s + " s" : s < 7200 ? (s / 60) + " min" : (s / 3600) + " h";
  }

  private static String fmt(String format, double value) {
    return String.format(Locale.ROOT, format, value);
  }

  /** HTML-escapes text for element content and double-quoted attributes. */
  static String esc(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static final String CSS =
      """
      body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.2em;color:#1d232a;background:#f7f8fa}
      h1{font-size:1.4em;margin:0}h2{font-size:1.1em;margin:1.4em 0 .4em}
      .meta{color:#555;margin:.3em 0}
      table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px #0002}
      th,td{padding:.35em .6em;border-bottom:1px solid #e3e6ea;text-align:left;vertical-align:top}
      th{background:#eef1f5;font-weight:600;font-size:.9em}
      td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
      small{color:#666}
      tr.down{background:#fff4f4}tr.bad td{color:#a40000}
      .pill{display:inline-block;padding:.05em .6em;border-radius:1em;font-weight:600;font-size:.9em}
      .pill.ok{background:#dff5e3;color:#11632a}.pill.bad{background:#fde2e2;color:#a40000}
      .bad{color:#a40000}
      svg.spark path.traffic{fill:none;stroke:#2b6cb0;stroke-width:1.5}
      svg.spark circle.probe{fill:#888}svg.spark rect.fail{fill:#e53e3e;opacity:.5}
      svg.spark text{font-size:9px;fill:#777}
      .legend{color:#666;font-size:.85em}.sw{display:inline-block;width:1em;height:.5em;margin:0 .2em 0 .8em}
      .sw.traffic{background:#2b6cb0}.sw.probe{background:#888}.sw.fail{background:#e53e3e}
      footer{margin-top:1.5em;color:#666;font-size:.85em}
      """;
}
