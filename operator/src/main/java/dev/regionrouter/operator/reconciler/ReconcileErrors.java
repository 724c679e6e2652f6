package dev.regionrouter.operator.reconciler;

import dev.regionrouter.api.table.RoutingTableCodec;
import dev.regionrouter.operator.status.ErrorConditions.ReconcileError;
import dev.regionrouter.operator.table.RoutingTablePublisher;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Maps what a failed reconcile threw to a condition reason and message (JOSDK's {@code
 * updateErrorStatus} calls it): typed exceptions to CamelCase reasons, messages that stay the same
 * while the same error repeats (no URL, no attempt count, no time), so showing them never churns.
 * Pure.
 */
public final class ReconcileErrors {

  /** The API server refused or failed a request the reconcile needed (status or routing table). */
  public static final String API_SERVER_ERROR = "ApiServerError";

  /** Anything else: a bug or an unexpected state in the operator. */
  public static final String INTERNAL_ERROR = "InternalError";

  private static final int MAX_MESSAGE = 400;

  private ReconcileErrors() {}

  public static ReconcileError classify(Throwable error) {
    var tableWrite = find(error, RoutingTableWriteException.class);
    if (tableWrite.isPresent()) {
      return new ReconcileError(
          API_SERVER_ERROR,
          "ConfigMap "
              + RoutingTableCodec.CONFIG_MAP_NAME
              + " cannot be written, retrying with backoff: "
              + tableWrite.get().failure().message(),
          true);
    }
    var api = find(error, KubernetesClientException.class);
    if (api.isPresent()) {
      return new ReconcileError(
          API_SERVER_ERROR,
          "the status cannot be written, retrying with backoff: " + describe(api.get()),
          false);
    }
    return new ReconcileError(
        INTERNAL_ERROR,
        truncate(
            "reconcile failed, retrying with backoff: "
                + error.getClass().getSimpleName()
                + (error.getMessage() == null ? "" : ": " + error.getMessage())),
        false);
  }

  /**
   * The first exception of that type in the cause chain (JOSDK may wrap what the reconcile threw).
   */
  public static <T extends Throwable> java.util.Optional<T> find(Throwable error, Class<T> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return java.util.Optional.of(type.cast(t));
      }
    }
    return java.util.Optional.empty();
  }

  /** The API server's answer in one stable line, as the routing table's write failures say it. */
  private static String describe(KubernetesClientException e) {
    return truncate(RoutingTablePublisher.describe(e).message());
  }

  private static String truncate(String text) {
    return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE - 3) + "..." : text;
  }
}
