package dev.regionrouter.operator.status;

import dev.regionrouter.api.v1alpha1.Condition;
import dev.regionrouter.api.v1alpha1.Conditions;
import dev.regionrouter.api.v1alpha1.InferenceRegionStatus;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Lays a failed reconcile over a region's status: Ready=False and Reconciling=True with the error's
 * reason and message (kstatus: the operator is still working on it, retrying), and Published=False
 * when the error keeps the region out of the routing table. Every other condition and the probe
 * result are kept as they are. Pure, and idempotent: the same error over the same status gives an
 * equal status, and lastTransitionTime only moves when a condition's status changes.
 */
public final class ErrorConditions {

  /**
   * @param reason CamelCase condition reason
   * @param message stable human-readable message
   * @param keepsOutOfTable the error stops the region from being listed (a refused table write)
   */
  public record ReconcileError(String reason, String message, boolean keepsOutOfTable) {}

  private static final List<String> ORDER =
      List.of(
          Conditions.READY,
          Conditions.ACCEPTED,
          Conditions.PUBLISHED,
          Conditions.HEALTHY,
          Conditions.RECONCILING,
          Conditions.STALLED);

  private ErrorConditions() {}

  /**
   * @param base the status to show the error on (freshly computed, or the current one)
   * @param current the status the object has now (for lastTransitionTime); may be null
   * @param listed whether the region is listed in the routing table now (any version of it)
   */
  public static InferenceRegionStatus apply(
      InferenceRegionStatus base,
      InferenceRegionStatus current,
      Long generation,
      ReconcileError error,
      boolean listed,
      Instant now) {
    List<Condition> conditions = new ArrayList<>();
    if (base != null && base.getConditions() != null) {
      base.getConditions().forEach(c -> conditions.add(copy(c)));
    }
    put(
        conditions,
        new Condition(
            Conditions.READY, Condition.FALSE, error.reason(), error.message(), null, generation));
    put(
        conditions,
        new Condition(
            Conditions.RECONCILING,
            Condition.TRUE,
            error.reason(),
            error.message(),
            null,
            generation));
    boolean accepted =
        base == null || base.condition(Conditions.ACCEPTED).map(Condition::isTrue).orElse(true);
    if (error.keepsOutOfTable() && !listed && accepted) {
      put(
          conditions,
          new Condition(
              Conditions.PUBLISHED,
              Condition.FALSE,
              error.reason(),
              error.message(),
              null,
              generation));
    }
    String nowText = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
    for (Condition c : conditions) {
      if (c.getLastTransitionTime() == null) {
        Optional<Condition> before =
            current == null ? Optional.empty() : current.condition(c.getType());
        c.setLastTransitionTime(
            before
                .filter(b -> Objects.equals(c.getStatus(), b.getStatus()))
                .map(Condition::getLastTransitionTime)
                .filter(t -> !t.isEmpty())
                .orElse(nowText));
      }
    }
    conditions.sort((a, b) -> Integer.compare(rank(a.getType()), rank(b.getType())));
    InferenceRegionStatus status = new InferenceRegionStatus();
    status.setObservedGeneration(base == null ? null : base.getObservedGeneration());
    status.setConditions(conditions);
    status.setProbe(base == null ? null : base.getProbe());
    return status;
  }

  /** True when a condition of the status carries that reason (the error is shown). */
  public static boolean shows(InferenceRegionStatus status, String reason) {
    return status != null
        && status.getConditions() != null
        && status.getConditions().stream().anyMatch(c -> reason.equals(c.getReason()));
  }

  private static void put(List<Condition> conditions, Condition replacement) {
    conditions.removeIf(c -> replacement.getType().equals(c.getType()));
    conditions.add(replacement);
  }

  private static int rank(String type) {
    int i = ORDER.indexOf(type);
    return i < 0 ? ORDER.size() : i;
  }

  private static Condition copy(Condition c) {
    return new Condition(
        c.getType(),
        c.getStatus(),
        c.getReason(),
        c.getMessage(),
        c.getLastTransitionTime(),
        c.getObservedGeneration());
  }
}
