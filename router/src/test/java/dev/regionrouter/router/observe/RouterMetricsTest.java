package dev.regionrouter.router.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RouterMetrics metrics = new RouterMetrics(registry);

  private static Map<String, RouterMetrics.RegionGauges> regions(String... names) {
    Map<String, RouterMetrics.RegionGauges> out = new LinkedHashMap<>();
    for (String name : names) {
      out.put(name, new RouterMetrics.RegionGauges(() -> true, () -> false, () -> 2));
    }
    return out;
  }

  private long metersOf(String region) {
    return registry.getMeters().stream()
        .map(Meter::getId)
        .filter(id -> region.equals(id.getTag("region")))
        .count();
  }

  private void traffic(String region) {
    metrics.request(region, "success");
    metrics.attempt(region, "success");
    metrics.failover(region);
    metrics.ejection(region);
    metrics.upstreamLatency(region, Duration.ofMillis(20));
    metrics.probe(region, true, Duration.ofMillis(5));
    metrics.cost(region, "aws", 0.01);
  }

  @Test
  void aRegionThatLeavesTheTableLeavesNoSeriesAndLateRecordsDoNotBringThemBack() {
    metrics.trackRegions(regions("ap-south-1", "me-south-1"));
    traffic("ap-south-1");
    traffic("me-south-1");
    metrics.request(null, "no_region");
    long perRegion = metersOf("ap-south-1");
    assertThat(perRegion).isGreaterThanOrEqualTo(10); // 7 meters and 3 gauges (and SLO gauges)

    metrics.trackRegions(regions("me-south-1"));
    assertThat(metersOf("ap-south-1")).isZero();
    assertThat(metersOf("me-south-1")).isEqualTo(perRegion);
    assertThat(metersOf(RouterMetrics.NO_REGION)).isEqualTo(1);

    traffic("ap-south-1"); // a request that was under way when the table changed
    assertThat(metersOf("ap-south-1")).isZero();
    assertThat(metrics.recent().upstream("ap-south-1")).allMatch(p -> p.count() == 0);

    metrics.trackRegions(regions("ap-south-1", "me-south-1")); // back: counted afresh
    traffic("ap-south-1");
    assertThat(
            registry
                .get("regionrouter.router.requests")
                .tag("region", "ap-south-1")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void everyMeterNameStartsWithTheRoutersPrefix() {
    metrics.trackRegions(regions("ap-south-1"));
    metrics.trackTable(() -> 1.0, () -> 1, () -> 1, () -> false);
    metrics.trackRequestsInFlight(() -> 0);
    traffic("ap-south-1");
    metrics.tableRejected();
    assertThat(registry.getMeters())
        .extracting(m -> m.getId().getName())
        .allMatch(name -> name.startsWith("regionrouter.router."));
  }

  @Test
  void recentActivityKeepsTheLastMinutesOfLatencyAndSpend() {
    metrics.trackRegions(regions("ap-south-1"));
    metrics.upstreamLatency("ap-south-1", Duration.ofMillis(10));
    metrics.upstreamLatency("ap-south-1", Duration.ofMillis(30));
    metrics.probe("ap-south-1", false, Duration.ofMillis(7));
    metrics.cost("ap-south-1", "aws", 0.25);
    RecentActivity.Point last = metrics.recent().upstream("ap-south-1").getLast();
    assertThat(last.count()).isEqualTo(2);
    assertThat(last.meanMs()).isEqualTo(20.0);
    assertThat(last.maxMs()).isEqualTo(30.0);
    assertThat(metrics.recent().probes("ap-south-1").getLast().failures()).isEqualTo(1);
    assertThat(metrics.recent().costUsd("ap-south-1")).isEqualTo(0.25);
    assertThat(metrics.recent().upstream("ap-south-1")).hasSize(RecentActivity.BUCKETS);
  }
}
