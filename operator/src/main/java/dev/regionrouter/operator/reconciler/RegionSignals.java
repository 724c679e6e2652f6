package dev.regionrouter.operator.reconciler;

import dev.regionrouter.api.v1alpha1.InferenceRegion;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.Set;

/**
 * A JOSDK event source fed by the operator itself: a probe observation changed, or a routing table
 * was published. Each signal asks JOSDK to reconcile one region (JOSDK coalesces repeated signals
 * for a region that is already queued).
 */
public final class RegionSignals extends AbstractEventSource<Void, InferenceRegion> {

  public static final String NAME = "region-signals";

  public RegionSignals() {
    super(Void.class, NAME);
  }

  public void signal(ResourceID region) {
    if (isRunning()) {
      getEventHandler().handleEvent(new Event(region));
    }
  }

  @Override
  public Set<Void> getSecondaryResources(InferenceRegion primary) {
    return Set.of();
  }
}
