package dev.regionrouter.operator.status;

import dev.regionrouter.api.table.RoutingTableCodec;
import dev.regionrouter.api.v1alpha1.Condition;
import dev.regionrouter.api.v1alpha1.Conditions;
import dev.regionrouter.api.v1alpha1.Conditions.Reasons;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.api.v1alpha1.InferenceRegionStatus;
import dev.regionrouter.api.v1alpha1.ProbeStatus;
import dev.regionrouter.operator.probe.ProbeObservation;
import dev.regionrouter.operator.probe.ProbeTracker;
import dev.regionrouter.operator.table.Publication;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Computes an InferenceRegion's desired status from what the operator observed. Pure: the same
 * inputs give an equal status, and {@code lastTransitionTime} is carried over from the current
 * status unless the condition's status changed, so recomputing never churns.
 *
 * <p>Conditions, in this fixed order: Ready (always), Accepted, Published, Healthy, then
 * Reconciling and Stalled only while true (kstatus). Ready means the spec is in effect (accepted
 * and listed, or drained); Healthy is the endpoint's probe, kept apart so that a provider outage
 * never fails a GitOps rollout.
 */
public final class RegionStatusCalculator {

  /** What the reconciler observed about one region. */
  public record Observed(
      List<String> specProblems, Publication publication, ProbeObservation probe) {}

  private RegionStatusCalculator() {}

  public static InferenceRegionStatus compute(
      InferenceRegion region, Observed observed, Instant now) {
    InferenceRegionStatus current = region.getStatus();
    Long generation = region.getMetadata().getGeneration();
    boolean accepted = observed.specProblems().isEmpty();
    boolean drained = accepted && region.getSpec().drained();
    ProbeObservation probe = accepted ? observed.probe() : null;

    Condition acceptedCondition =
        accepted
            ? condition(Conditions.ACCEPTED, Condition.TRUE, Reasons.VALID, "the spec is valid")
            : condition(
                Conditions.ACCEPTED,
                Condition.FALSE,
                Reasons.INVALID_SPEC,
                String.join("; ", observed.specProblems()));

    Condition published;
    if (!accepted) {
      published =
          condition(
              Conditions.PUBLISHED,
              Condition.FALSE,
              Reasons.INVALID_SPEC,
              "not in the routing table: the spec is invalid");
    } else if (drained) {
      published =
          condition(
              Conditions.PUBLISHED,
              Condition.FALSE,
              Reasons.DRAINED,
              "drained: not in the routing table");
    } else {
      published = publishedCondition(observed.publication());
    }

    Condition healthy;
    if (!accepted) {
      healthy =
          condition(
              Conditions.HEALTHY,
              Condition.UNKNOWN,
              Reasons.NOT_PROBED_YET,
              "not probed: the spec is invalid");
    } else if (probe == null || probe.healthy() == null) {
      String message =
          probe == null || probe.consecutiveFailures() == 0
              ? "waiting for the first probe of the health endpoint"
              : "probe failed "
                  + probe.consecutiveFailures()
                  + " time(s), unhealthy after "
                  + ProbeTracker.FAILURE_THRESHOLD
                  + ": "
                  + probe.lastError();
      healthy = condition(Conditions.HEALTHY, Condition.UNKNOWN, Reasons.NOT_PROBED_YET, message);
    } else if (probe.healthy()) {
      healthy =
          condition(
              Conditions.HEALTHY,
              Condition.TRUE,
              Reasons.PROBE_SUCCEEDED,
              "the health endpoint answers");
    } else {
      healthy =
          condition(
              Conditions.HEALTHY,
              Condition.FALSE,
              Reasons.PROBE_FAILED,
              "the health endpoint fails: " + probe.lastError());
    }

    Condition ready = ready(accepted, drained, published);

    List<Condition> conditions =
        new ArrayList<>(List.of(ready, acceptedCondition, published, healthy));
    // Reconciling tracks the operator's own work (a table write that is due), not the endpoint:
    // a first probe still running or a provider outage never holds a rollout (Healthy shows them)
    boolean publishPending =
        accepted
            && !drained
            && (observed.publication() == Publication.PENDING
                || observed.publication() == Publication.UPDATING);
    if (publishPending) {
      conditions.add(
          condition(
              Conditions.RECONCILING, Condition.TRUE, Reasons.PENDING, published.getMessage()));
    }
    if (!accepted) {
      conditions.add(
          condition(
              Conditions.STALLED,
              Condition.TRUE,
              Reasons.INVALID_SPEC,
              "fix the spec: " + acceptedCondition.getMessage()));
    }

    String nowText = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
    for (Condition c : conditions) {
      c.setObservedGeneration(generation);
      Optional<Condition> before =
          current == null ? Optional.empty() : current.condition(c.getType());
      c.setLastTransitionTime(
          before
              .filter(b -> c.getStatus().equals(b.getStatus()))
              .map(Condition::getLastTransitionTime)
              .filter(t -> t != null && !t.isEmpty())
              .orElse(nowText));
    }

    InferenceRegionStatus status = new InferenceRegionStatus();
    status.setObservedGeneration(generation);
    status.setConditions(conditions);
    status.setProbe(probeStatus(probe));
    return status;
  }

  /** The Published condition of a usable (accepted, not drained) region, without times. */
  public static Condition publishedCondition(Publication publication) {
    return switch (publication) {
      case PUBLISHED ->
          condition(
              Conditions.PUBLISHED,
              Condition.TRUE,
              Reasons.PUBLISHED,
              "listed in ConfigMap " + RoutingTableCodec.CONFIG_MAP_NAME);
      // the previous version stays listed (and routable) while the new one is written: no flip
      case UPDATING ->
          condition(
              Conditions.PUBLISHED,
              Condition.TRUE,
              Reasons.PUBLISHED,
              "listed in ConfigMap "
                  + RoutingTableCodec.CONFIG_MAP_NAME
                  + "; the change is being written");
      case PENDING ->
          condition(
              Conditions.PUBLISHED,
              Condition.FALSE,
              Reasons.PENDING,
              "waiting for ConfigMap " + RoutingTableCodec.CONFIG_MAP_NAME + " to be written");
      case TOO_LARGE ->
          condition(
              Conditions.PUBLISHED,
              Condition.FALSE,
              Reasons.TABLE_TOO_LARGE,
              "the routing table would exceed the ConfigMap size limit: ConfigMap "
                  + RoutingTableCodec.CONFIG_MAP_NAME
                  + " keeps its last content, without this version of the region");
    };
  }

  /**
   * Ready is whether the spec is in effect: accepted, and listed in the routing table or drained on
   * purpose. The endpoint's health is deliberately not part of it (see the Healthy condition).
   */
  private static Condition ready(boolean accepted, boolean drained, Condition published) {
    if (!accepted) {
      return condition(
          Conditions.READY, Condition.FALSE, Reasons.INVALID_SPEC, "the spec is invalid");
    }
    if (drained) {
      return condition(
          Conditions.READY,
          Condition.TRUE,
          Reasons.DRAINED,
          "in effect: drained, kept out of the routing table on purpose");
    }
    if (!published.isTrue()) {
      return condition(
          Conditions.READY, Condition.FALSE, published.getReason(), published.getMessage());
    }
    return condition(
        Conditions.READY,
        Condition.TRUE,
        Reasons.PUBLISHED,
        "in effect: listed in ConfigMap " + RoutingTableCodec.CONFIG_MAP_NAME);
  }

  private static ProbeStatus probeStatus(ProbeObservation probe) {
    if (probe == null) {
      return null;
    }
    ProbeStatus status = new ProbeStatus();
    status.setHealthy(probe.healthy());
    status.setLatencyMs(probe.latencyMs());
    status.setLastProbeTime(
        DateTimeFormatter.ISO_INSTANT.format(probe.changedAt().truncatedTo(ChronoUnit.SECONDS)));
    status.setConsecutiveFailures(probe.consecutiveFailures());
    status.setLastError(probe.lastError());
    return status;
  }

  private static Condition condition(String type, String status, String reason, String message) {
    return new Condition(type, status, reason, message, null, null);
  }
}
