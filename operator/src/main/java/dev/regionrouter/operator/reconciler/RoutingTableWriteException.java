package dev.regionrouter.operator.reconciler;

import dev.regionrouter.api.v1alpha1.InferenceRegionStatus;
import dev.regionrouter.operator.table.RoutingTablePublisher.WriteFailure;

/**
 * A region needs its namespace's routing table written and the API server keeps refusing the write.
 * Thrown by the reconcile so that the failure takes JOSDK's one error path (retry with backoff,
 * {@code updateErrorStatus}) like any other; carries the status the region would have otherwise, so
 * that the error is shown on top of fresh observations, not stale ones.
 */
public final class RoutingTableWriteException extends RuntimeException {

  private final transient WriteFailure failure;
  private final transient InferenceRegionStatus observedStatus;

  public RoutingTableWriteException(
      String namespace, WriteFailure failure, InferenceRegionStatus observedStatus) {
    super("routing table of namespace " + namespace + " cannot be written: " + failure.message());
    this.failure = failure;
    this.observedStatus = observedStatus;
  }

  public WriteFailure failure() {
    return failure;
  }

  /** The status computed from this reconcile's observations, before the error was laid over it. */
  public InferenceRegionStatus observedStatus() {
    return observedStatus;
  }
}
