package dev.regionrouter.operator.reconciler;

import dev.regionrouter.api.v1alpha1.Condition;
import dev.regionrouter.api.v1alpha1.Conditions;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.api.v1alpha1.InferenceRegionStatus;
import dev.regionrouter.api.v1alpha1.RegionRules;
import dev.regionrouter.operator.config.Leadership;
import dev.regionrouter.operator.config.OperatorSettings;
import dev.regionrouter.operator.event.EventRecorder;
import dev.regionrouter.operator.event.TransitionEvents;
import dev.regionrouter.operator.metrics.OperatorMetrics;
import dev.regionrouter.operator.probe.ProbeObservation;
import dev.regionrouter.operator.probe.ProbeTarget;
import dev.regionrouter.operator.probe.RegionProber;
import dev.regionrouter.operator.status.ErrorConditions;
import dev.regionrouter.operator.status.ErrorConditions.ReconcileError;
import dev.regionrouter.operator.status.RegionStatusCalculator;
import dev.regionrouter.operator.table.Publication;
import dev.regionrouter.operator.table.RegionEntries;
import dev.regionrouter.operator.table.RoutingTablePublisher;
import dev.regionrouter.operator.table.RoutingTablePublisher.WriteFailure;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles one InferenceRegion: observe (spec problems, publication, probe), compute the desired
 * status, apply (ask for the namespace's table to be republished, keep the probe running), record
 * (write the status only when it changed, events only on transitions).
 *
 * <p>One error path: whatever makes a reconcile fail (the API server refusing the status write, or
 * the routing-table write this region waits for, thrown as {@link RoutingTableWriteException}) goes
 * to JOSDK, which retries with backoff and calls {@link #updateErrorStatus}; that maps the
 * exception to a condition reason ({@link ReconcileErrors}) and shows it without wiping the rest of
 * the status. An invalid spec is not an error: it is a condition, and is not retried.
 *
 * <p>Runs in JOSDK's "trigger on all events" mode: deletions reach it too, with no finalizer (the
 * routing table is derived state, nothing outside the cluster needs cleaning, and a missing
 * operator never blocks a deletion).
 */
public final class InferenceRegionReconciler implements Reconciler<InferenceRegion> {

  private static final Logger LOG = LoggerFactory.getLogger(InferenceRegionReconciler.class);

  private final RoutingTablePublisher publisher;
  private final RegionProber<ResourceID> prober;
  private final EventRecorder events;
  private final Leadership leadership;
  private final OperatorSettings settings;
  private final OperatorMetrics metrics;
  private final RegionSignals signals;
  private final PrimaryCacheCatalog catalog;
  private final Clock clock;

  public InferenceRegionReconciler(
      RoutingTablePublisher publisher,
      RegionProber<ResourceID> prober,
      EventRecorder events,
      Leadership leadership,
      OperatorSettings settings,
      OperatorMetrics metrics,
      RegionSignals signals,
      PrimaryCacheCatalog catalog,
      Clock clock) {
    this.publisher = publisher;
    this.prober = prober;
    this.events = events;
    this.leadership = leadership;
    this.settings = settings;
    this.metrics = metrics;
    this.signals = signals;
    this.catalog = catalog;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, InferenceRegion>> prepareEventSources(
      EventSourceContext<InferenceRegion> context) {
    catalog.bind(context.getPrimaryCache());
    return List.of(signals);
  }

  @Override
  public UpdateControl<InferenceRegion> reconcile(
      InferenceRegion region, Context<InferenceRegion> context) {
    ResourceID id = ResourceID.fromResource(region);
    String namespace = region.getMetadata().getNamespace();
    if (context.isPrimaryResourceDeleted() || region.getMetadata().getDeletionTimestamp() != null) {
      // gone or going: out of the table, no more probes (a deleting object keeps its status)
      prober.forget(id);
      publisher.requestPublish(namespace);
      return UpdateControl.noUpdate();
    }
    if (!leadership.isLeading()) {
      return UpdateControl
          .noUpdate(); // lost the lead mid-flight: the new leader takes it from here
    }

    // observe
    List<String> problems = RegionRules.checkSpec(region.getSpec());
    if (problems.isEmpty()) {
      prober.track(
          id,
          ProbeTarget.of(
              region.getSpec(),
              settings.defaultProbeIntervalSeconds(),
              settings.defaultProbeTimeoutSeconds()));
    } else {
      prober.forget(id);
    }
    // apply: the table is recomputed from all regions of the namespace (coalesced, only if bytes
    // change)
    publisher.requestPublish(namespace);
    ProbeObservation probe = prober.observation(id).orElse(null);

    // compute
    InferenceRegionStatus before = region.getStatus();
    Publication publication = publisher.publicationOf(region);
    Optional<WriteFailure> tableFailure = publisher.writeFailure(namespace);
    if (tableFailure.isPresent()
        && problems.isEmpty()
        && !region.getSpec().drained()
        && publication != Publication.PUBLISHED
        && publication != Publication.TOO_LARGE) {
      // the write this region waits for keeps failing: JOSDK's error path shows it and retries
      throw new RoutingTableWriteException(
          namespace,
          tableFailure.get(),
          RegionStatusCalculator.compute(
              region,
              new RegionStatusCalculator.Observed(problems, publication, probe),
              clock.instant()));
    }
    if (problems.isEmpty()
        && !region.getSpec().drained()
        && publication == Publication.PENDING
        && publisher.isPending(namespace)
        && (before == null || before.getConditions() == null || before.getConditions().isEmpty())) {
      // a new region whose table write is due within a second: the publish signals it, so one
      // status write instead of two (halves API traffic in a burst of creations)
      return UpdateControl.noUpdate();
    }
    InferenceRegionStatus desired =
        RegionStatusCalculator.compute(
            region,
            new RegionStatusCalculator.Observed(problems, publication, probe),
            clock.instant());
    if (Objects.equals(normalized(before), desired)) {
      return UpdateControl.noUpdate();
    }

    // record: full status replace with optimistic locking (PUT /status with the resourceVersion):
    // the condition list is replaced, never merged, and a conflict is retried by JOSDK.
    try {
      PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
          region,
          context,
          r -> {
            r.setStatus(desired);
            return r;
          });
    } catch (OperatorException | KubernetesClientException e) {
      if (notFound(e)) {
        // deleted meanwhile: its delete event follows and republishes the table
        return UpdateControl.noUpdate();
      }
      throw e;
    }
    metrics.statusWritten();
    for (TransitionEvents.RegionEvent event : TransitionEvents.between(before, desired)) {
      LOG.info(
          "{}/{}: {} {}: {}",
          namespace,
          region.getMetadata().getName(),
          event.type(),
          event.reason(),
          event.message());
      events.record(region, event);
    }
    return UpdateControl.noUpdate();
  }

  /**
   * JOSDK's error path: the reconcile threw. Shows the error as conditions (Ready=False and
   * Reconciling=True with a CamelCase reason, Published=False when it keeps the region out of the
   * table) over the rest of the status, written only when that changes what the object shows. JOSDK
   * keeps retrying with backoff; the next successful reconcile computes the status afresh, which
   * clears the error.
   */
  @Override
  public ErrorStatusUpdateControl<InferenceRegion> updateErrorStatus(
      InferenceRegion region, Context<InferenceRegion> context, Exception e) {
    metrics.reconcileFailed();
    if (!leadership.isLeading() || region.getMetadata().getDeletionTimestamp() != null) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    ReconcileError error = ReconcileErrors.classify(e);
    // what the object shows now: the cache, not the reconcile's copy (a failed write may have
    // changed it)
    InferenceRegionStatus current =
        context
            .getPrimaryCache()
            .get(ResourceID.fromResource(region))
            .map(InferenceRegion::getStatus)
            .orElse(null);
    InferenceRegionStatus base =
        ReconcileErrors.find(e, RoutingTableWriteException.class)
            .map(RoutingTableWriteException::observedStatus)
            .orElse(current);
    Publication publication = publisher.publicationOf(region);
    boolean listed = publication == Publication.PUBLISHED || publication == Publication.UPDATING;
    InferenceRegionStatus shown =
        ErrorConditions.apply(
            base, current, region.getMetadata().getGeneration(), error, listed, clock.instant());
    if (Objects.equals(normalized(current), shown)) {
      return ErrorStatusUpdateControl
          .noStatusUpdate(); // already shown: no churn while the error lasts
    }
    try {
      PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
          region,
          context,
          r -> {
            r.setStatus(shown);
            return r;
          });
    } catch (RuntimeException writeFailed) {
      // the API server refuses this write too: the next retry tries again
      LOG.debug(
          "{}/{}: could not show {} in the status: {}",
          region.getMetadata().getNamespace(),
          region.getMetadata().getName(),
          error.reason(),
          writeFailed.getMessage());
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    metrics.statusWritten();
    String readyBefore =
        current == null
            ? null
            : current.condition(Conditions.READY).map(Condition::getReason).orElse(null);
    if (!error.reason().equals(readyBefore)) {
      LOG.warn(
          "{}/{}: {}: {}",
          region.getMetadata().getNamespace(),
          region.getMetadata().getName(),
          error.reason(),
          error.message());
      events.record(
          region,
          new TransitionEvents.RegionEvent(
              TransitionEvents.RegionEvent.WARNING, error.reason(), error.message()));
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /**
   * After a publish attempt, reconcile the regions of the namespace whose status no longer matches:
   * newly listed, refused as too large, waiting for a write that keeps failing (to show the error),
   * or showing an error while the table is written again (to clear it). The others are left alone.
   */
  public void publicationChanged(String namespace) {
    Optional<WriteFailure> tableFailure = publisher.writeFailure(namespace);
    catalog
        .regions(namespace)
        .forEach(
            region -> {
              boolean showsError =
                  ErrorConditions.shows(region.getStatus(), ReconcileErrors.API_SERVER_ERROR);
              Publication publication = publisher.publicationOf(region);
              if (tableFailure.isPresent()) {
                if (!showsError
                    && RegionEntries.usable(region)
                    && publication != Publication.PUBLISHED
                    && publication != Publication.TOO_LARGE) {
                  signals.signal(ResourceID.fromResource(region));
                }
                return;
              }
              if (showsError) {
                signals.signal(ResourceID.fromResource(region));
                return;
              }
              Condition expected = RegionStatusCalculator.publishedCondition(publication);
              Condition actual =
                  region.getStatus() == null
                      ? null
                      : region.getStatus().condition(Conditions.PUBLISHED).orElse(null);
              boolean drainedOrInvalid =
                  actual != null
                      && (Conditions.Reasons.DRAINED.equals(actual.getReason())
                          || Conditions.Reasons.INVALID_SPEC.equals(actual.getReason()));
              if (!drainedOrInvalid
                  && (actual == null
                      || !Objects.equals(expected.getReason(), actual.getReason())
                      || !Objects.equals(expected.getMessage(), actual.getMessage()))) {
                signals.signal(ResourceID.fromResource(region));
              }
            });
  }

  /** A probe observation changed meaningfully: reconcile that region. */
  public void probeChanged(ResourceID region) {
    signals.signal(region);
  }

  private static boolean notFound(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getCode() == 404) {
        return true;
      }
    }
    return false;
  }

  private static InferenceRegionStatus normalized(InferenceRegionStatus status) {
    if (status == null) {
      return null;
    }
    if (status.getConditions() == null) {
      status.setConditions(new java.util.ArrayList<>());
    }
    return status;
  }
}
