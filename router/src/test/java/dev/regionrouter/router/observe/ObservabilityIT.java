package dev.regionrouter.router.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.router.support.Calls;
import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What the router exports, read off /actuator/prometheus as Prometheus scrapes it: one prefix,
 * bounded latency buckets, the gauges, the series of a region that leaves the table removed; and
 * the caller's W3C trace context reaching the region on a real socket.
 */
class ObservabilityIT extends RouterIT {

  private static final Pattern SERIES =
      Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? ");

  @Test
  void everySeriesOfADeletedRegionLeavesTheScrapeAndLateRecordsDoNotBringItBack() throws Exception {
    try (TestRegion dead = new TestRegion("dead", 0);
        TestRegion live = new TestRegion("live", 0)) {
      // a primary that answers 500: requests fail over to the live region, then it is ejected
      dead.onInference(ex -> TestRegion.send(ex, 500, "application/json", "{}"));
      PrimaryAndFallback names = usePrimaryAndFallback(dead, live);
      for (int i = 0; i < 4; i++) {
        assertThat(inference("{\"prompt\":\"hi\",\"max_tokens\":10}").statusCode()).isEqualTo(200);
      }
      String before = scrape();
      String primary = "region=\"" + names.primary() + "\"";
      String fallback = "region=\"" + names.fallback() + "\"";
      assertThat(series(before, primary))
          .contains(
              "regionrouter_router_attempts_total",
              "regionrouter_router_failovers_total",
              "regionrouter_router_region_ejections_total",
              "regionrouter_router_region_available",
              "regionrouter_router_region_ejected",
              "regionrouter_router_region_in_flight");
      assertThat(series(before, fallback))
          .contains(
              "regionrouter_router_requests_total",
              "regionrouter_router_upstream_latency_seconds_bucket",
              "regionrouter_router_cost_usd_total");
      assertThat(value(before, "regionrouter_router_region_ejected", primary)).isEqualTo(1.0);

      // the table moves on without both: all their series go
      try (TestRegion next = new TestRegion("next", 0)) {
        String other = fresh("other");
        useRegions(region(other, next.endpoint(), 1, 0.1));
        String after = scrape();
        assertThat(after).doesNotContain(primary).doesNotContain(fallback);
        assertThat(value(after, "regionrouter_router_region_available", "region=\"" + other + "\""))
            .isNotNull();
        assertThat(value(after, "regionrouter_router_routing_table_regions", null)).isEqualTo(1.0);
      }
    }
  }

  @Test
  void latencyHistogramHasTheFixedSloBucketsOnly() throws Exception {
    try (TestRegion region = new TestRegion("one", 0)) {
      String name = fresh("one");
      useRegions(region(name, region.endpoint(), 1, 0.1));
      assertThat(inference("{\"prompt\":\"hi\"}").statusCode()).isEqualTo(200);
      String metrics = scrape();
      Matcher buckets =
          Pattern.compile(
                  "(?m)^regionrouter_router_upstream_latency_seconds_bucket\\{[^}]*region=\""
                      + name
                      + "\"[^}]*}")
              .matcher(metrics);
      long count = buckets.results().count();
      // 13 bounds and +Inf: the same for every region, whatever its latencies
      assertThat(count).isEqualTo(RouterMetrics.LATENCY_BUCKETS.size() + 1);
      assertThat(metrics).contains("le=\"0.005\"").contains("le=\"60.0\"").contains("le=\"+Inf\"");
    }
  }

  @Test
  void routerSeriesShareOnePrefixAndTheTableGaugesAreThere() throws Exception {
    try (TestRegion region = new TestRegion("one", 0)) {
      useRegions(region(fresh("one"), region.endpoint(), 1, 0.1));
      assertThat(inference("{\"prompt\":\"hi\"}").statusCode()).isEqualTo(200);
      String metrics = scrape();
      Set<String> names =
          SERIES.matcher(metrics).results().map(m -> m.group(1)).collect(Collectors.toSet());
      assertThat(names)
          .contains(
              "regionrouter_router_routing_table_age_seconds",
              "regionrouter_router_routing_table_generation",
              "regionrouter_router_routing_table_stale",
              "regionrouter_router_routing_table_rejected_total",
              "regionrouter_router_requests_in_flight",
              "regionrouter_router_routing_requests_total");
      // ours are regionrouter_router_*; the rest are the JVM's, the process', Netty's and Spring's
      assertThat(names)
          .allSatisfy(
              n ->
                  assertThat(n)
                      .matches(
                          "(regionrouter_router_|jvm_|process_|system_|disk_|executor_|reactor_"
                              + "|application_|logback_|http_|netty_).*"));
      assertThat(value(metrics, "regionrouter_router_routing_table_stale", null)).isEqualTo(0.0);
    }
  }

  @Test
  void callersTraceContextReachesTheRegionOnBothPaths() throws Exception {
    try (TestRegion region = new TestRegion("traced", 0)) {
      region.onOther(ex -> TestRegion.send(ex, 200, "application/json", "{\"choices\":[]}"));
      useRegions(region(fresh("traced"), region.endpoint(), 1, 0.1));
      String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
      assertThat(
              inference(
                      "{\"prompt\":\"hi\"}",
                      "traceparent",
                      traceparent,
                      "tracestate",
                      "congo=t61rcWkgMzE")
                  .statusCode())
          .isEqualTo(200);
      assertThat(post("/v1/chat/completions", "{\"messages\":[]}").statusCode()).isEqualTo(200);
      HttpResponse<String> passThrough =
          Calls.send(
              CALLER,
              Calls.request(url("/v1/chat/completions"))
                  .header("Content-Type", "application/json")
                  .header("traceparent", traceparent)
                  .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(passThrough.statusCode()).isEqualTo(200);

      List<Map<String, List<String>>> seen = region.requestHeaders();
      assertThat(seen).hasSize(3);
      assertThat(header(seen.get(0), "traceparent")).isEqualTo(traceparent);
      assertThat(header(seen.get(0), "tracestate")).isEqualTo("congo=t61rcWkgMzE");
      assertThat(header(seen.get(1), "traceparent")).isNull();
      assertThat(header(seen.get(2), "traceparent")).isEqualTo(traceparent);

      // a malformed traceparent is not passed on
      inference("{\"prompt\":\"hi\"}", "traceparent", "00-zz-00f067aa0ba902b7-01");
      assertThat(header(seen.get(3), "traceparent")).isNull();
    }
  }

  private static String header(Map<String, List<String>> headers, String name) {
    return headers.entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(e -> e.getValue().get(0))
        .findFirst()
        .orElse(null);
  }

  private String scrape() throws Exception {
    HttpResponse<String> response = get("/actuator/prometheus");
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  /** Names of the series whose labels contain the text. */
  private static Set<String> series(String metrics, String labelText) {
    return metrics
        .lines()
        .filter(l -> !l.startsWith("#") && l.contains(labelText))
        .map(l -> l.split("[{ ]", 2)[0])
        .collect(Collectors.toSet());
  }

  /** The value of the first series of that name whose labels contain the text (any if null). */
  private static Double value(String metrics, String name, String labelText) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .filter(l -> labelText == null || l.contains(labelText))
        .map(l -> Double.valueOf(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElse(null);
  }
}
