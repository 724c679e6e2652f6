package dev.regionrouter.operator.metrics;

import dev.regionrouter.api.v1alpha1.Conditions;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Per-region gauges read off the InferenceRegions the operator holds in its cache: {@code
 * regionrouter_operator_region_ready} and {@code regionrouter_operator_region_healthy} (1 when the
 * region's Ready / Healthy condition is True, else 0), tagged region_namespace and region. They are
 * rebuilt from the cache before each scrape, so a deleted (or deleting) region's series leave with
 * it, and a standby replica shows what the objects show.
 */
public final class RegionGauges {

  private final MultiGauge ready;
  private final MultiGauge healthy;
  private volatile Supplier<Stream<InferenceRegion>> regions = Stream::empty;

  RegionGauges(MeterRegistry registry) {
    ready =
        MultiGauge.builder("regionrouter.operator.region.ready")
            .description("1 when the InferenceRegion's Ready condition is True, else 0")
            .register(registry);
    healthy =
        MultiGauge.builder("regionrouter.operator.region.healthy")
            .description(
                "1 when the InferenceRegion's Healthy condition is True (the operator's probe), else 0")
            .register(registry);
  }

  /** Where the regions come from (the controller's informer cache, once it exists). */
  void track(Supplier<Stream<InferenceRegion>> regions) {
    this.regions = regions;
  }

  /** Rebuilds both gauges from the regions now known; rows of regions that are gone go away. */
  synchronized void refresh() {
    List<MultiGauge.Row<?>> readyRows = new ArrayList<>();
    List<MultiGauge.Row<?>> healthyRows = new ArrayList<>();
    regions
        .get()
        .filter(r -> r.getMetadata().getDeletionTimestamp() == null)
        .forEach(
            r -> {
              Tags tags =
                  Tags.of(
                      "region_namespace",
                      r.getMetadata().getNamespace(),
                      "region",
                      r.getMetadata().getName());
              readyRows.add(MultiGauge.Row.of(tags, isTrue(r, Conditions.READY) ? 1 : 0));
              healthyRows.add(MultiGauge.Row.of(tags, isTrue(r, Conditions.HEALTHY) ? 1 : 0));
            });
    ready.register(readyRows, true);
    healthy.register(healthyRows, true);
  }

  private static boolean isTrue(InferenceRegion region, String type) {
    return region.getStatus() != null
        && region.getStatus().condition(type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
