package dev.regionrouter.operator.metrics;

import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.operator.config.Leadership;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The operator's own meters (JOSDK adds its reconciliation meters to the same registry). Names are
 * dotted and lowercase under {@code regionrouter.operator.} (Prometheus: {@code
 * regionrouter_operator_*}, the router's are {@code regionrouter_router_*}); tags are
 * low-cardinality: an outcome, and for the per-region gauges the region and its namespace, whose
 * series leave when the region is deleted ({@link RegionGauges}).
 */
public final class OperatorMetrics {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter tableWrites;
  private final Counter tableUnchanged;
  private final Counter tableTooLarge;
  private final Counter tableErrors;
  private final Counter probeSuccesses;
  private final Counter probeFailures;
  private final Counter statusWrites;
  private final Counter events;
  private final Counter reconcileFailures;
  private final RegionGauges regionGauges;

  public OperatorMetrics(Leadership leadership) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    tableWrites = publishes("written");
    tableUnchanged = publishes("unchanged");
    tableTooLarge = publishes("too_large");
    tableErrors = publishes("error");
    probeSuccesses =
        Counter.builder("regionrouter.operator.probes")
            .tag("outcome", "success")
            .description("Health probes of regions by the operator")
            .register(registry);
    probeFailures =
        Counter.builder("regionrouter.operator.probes")
            .tag("outcome", "failure")
            .description("Health probes of regions by the operator")
            .register(registry);
    statusWrites =
        Counter.builder("regionrouter.operator.status.writes")
            .description("InferenceRegion status updates written")
            .register(registry);
    events =
        Counter.builder("regionrouter.operator.events")
            .description("Kubernetes Events recorded")
            .register(registry);
    reconcileFailures =
        Counter.builder("regionrouter.operator.reconcile.failures")
            .description("Reconciles that failed and went to the error path (retried with backoff)")
            .register(registry);
    Gauge.builder("regionrouter.operator.leader", leadership, l -> l.isLeading() ? 1 : 0)
        .description("1 while this replica leads (or runs without leader election)")
        .register(registry);
    regionGauges = new RegionGauges(registry);
  }

  /** The regions the per-region gauges are read from (see {@link RegionGauges}). */
  public void trackRegions(Supplier<Stream<InferenceRegion>> regions) {
    regionGauges.track(regions);
  }

  private Counter publishes(String outcome) {
    return Counter.builder("regionrouter.operator.table.publishes")
        .tag("outcome", outcome)
        .description("Routing-table publish attempts by outcome")
        .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition, per-region gauges refreshed first. */
  public String scrape() {
    regionGauges.refresh();
    return registry.scrape();
  }

  public void tableWritten() {
    tableWrites.increment();
  }

  public void tableUnchanged() {
    tableUnchanged.increment();
  }

  public void tableTooLarge() {
    tableTooLarge.increment();
  }

  public void tableError() {
    tableErrors.increment();
  }

  public void probe(boolean success) {
    (success ? probeSuccesses : probeFailures).increment();
  }

  public void statusWritten() {
    statusWrites.increment();
  }

  public void reconcileFailed() {
    reconcileFailures.increment();
  }

  public void eventRecorded() {
    events.increment();
  }
}
