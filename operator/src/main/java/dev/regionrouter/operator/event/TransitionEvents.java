package dev.regionrouter.operator.event;

import dev.regionrouter.api.v1alpha1.Condition;
import dev.regionrouter.api.v1alpha1.Conditions;
import dev.regionrouter.api.v1alpha1.Conditions.Reasons;
import dev.regionrouter.api.v1alpha1.InferenceRegionStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which Kubernetes Events a status change deserves. Events follow transitions of conditions (status
 * or reason), never the passage of time, so a region that stays unhealthy for hours gets one
 * Unhealthy event, not one per probe. Pure: it compares two statuses.
 */
public final class TransitionEvents {

  /** One event to record. */
  public record RegionEvent(String type, String reason, String message) {
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";
  }

  public static final String UNHEALTHY = "Unhealthy";
  public static final String RECOVERED = "Recovered";

  private TransitionEvents() {}

  public static List<RegionEvent> between(
      InferenceRegionStatus before, InferenceRegionStatus after) {
    List<RegionEvent> events = new ArrayList<>();
    Optional<Condition> acceptedBefore = condition(before, Conditions.ACCEPTED);
    Condition acceptedAfter = condition(after, Conditions.ACCEPTED).orElseThrow();
    if (!acceptedAfter.isTrue() && changed(acceptedBefore, acceptedAfter)) {
      events.add(
          new RegionEvent(RegionEvent.WARNING, Reasons.INVALID_SPEC, acceptedAfter.getMessage()));
    }

    Optional<Condition> healthyBefore = condition(before, Conditions.HEALTHY);
    Condition healthyAfter = condition(after, Conditions.HEALTHY).orElseThrow();
    boolean wasUnhealthy =
        healthyBefore.map(c -> Condition.FALSE.equals(c.getStatus())).orElse(false);
    if (Condition.FALSE.equals(healthyAfter.getStatus()) && !wasUnhealthy) {
      events.add(new RegionEvent(RegionEvent.WARNING, UNHEALTHY, healthyAfter.getMessage()));
    } else if (healthyAfter.isTrue() && wasUnhealthy) {
      events.add(new RegionEvent(RegionEvent.NORMAL, RECOVERED, healthyAfter.getMessage()));
    }

    Optional<Condition> publishedBefore = condition(before, Conditions.PUBLISHED);
    Condition publishedAfter = condition(after, Conditions.PUBLISHED).orElseThrow();
    if (changed(publishedBefore, publishedAfter)) {
      String reason = publishedAfter.getReason();
      if (publishedAfter.isTrue()) {
        events.add(
            new RegionEvent(RegionEvent.NORMAL, Reasons.PUBLISHED, publishedAfter.getMessage()));
      } else if (Reasons.DRAINED.equals(reason)) {
        events.add(
            new RegionEvent(RegionEvent.NORMAL, Reasons.DRAINED, publishedAfter.getMessage()));
      } else if (Reasons.TABLE_TOO_LARGE.equals(reason)) {
        events.add(
            new RegionEvent(
                RegionEvent.WARNING, Reasons.TABLE_TOO_LARGE, publishedAfter.getMessage()));
      }
    }
    return events;
  }

  private static boolean changed(Optional<Condition> before, Condition after) {
    return before.isEmpty()
        || !Objects.equals(before.get().getStatus(), after.getStatus())
        || !Objects.equals(before.get().getReason(), after.getReason());
  }

  private static Optional<Condition> condition(InferenceRegionStatus status, String type) {
    return status == null ? Optional.empty() : status.condition(type);
  }
}
