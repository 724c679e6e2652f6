package dev.regionrouter.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.operator.status.ErrorConditions.ReconcileError;
import dev.regionrouter.operator.table.RoutingTablePublisher.WriteFailure;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.OperatorException;
import org.junit.jupiter.api.Test;

class ReconcileErrorsTest {

  @Test
  void aRefusedTableWriteIsAnApiServerErrorThatKeepsTheRegionOutOfTheTable() {
    RuntimeException thrown =
        new OperatorException(
            "wrapped",
            new RoutingTableWriteException(
                "ns",
                new WriteFailure(
                    500,
                    "the API server answered HTTP 500 InternalError: etcdserver: request timed out"),
                null));
    ReconcileError error = ReconcileErrors.classify(thrown);
    assertThat(error.reason()).isEqualTo("ApiServerError");
    assertThat(error.keepsOutOfTable()).isTrue();
    assertThat(error.message())
        .isEqualTo(
            "ConfigMap inference-regions cannot be written, retrying with backoff: "
                + "the API server answered HTTP 500 InternalError: etcdserver: request timed out");
  }

  @Test
  void aRefusedStatusWriteIsAnApiServerErrorWithAStableMessage() {
    KubernetesClientException refused =
        new KubernetesClientException(
            new StatusBuilder()
                .withCode(503)
                .withReason("ServiceUnavailable")
                .withMessage("the server is currently unable to handle the request")
                .build());
    ReconcileError first = ReconcileErrors.classify(new OperatorException("attempt 1", refused));
    ReconcileError second = ReconcileErrors.classify(refused);
    assertThat(first.reason()).isEqualTo("ApiServerError");
    assertThat(first.keepsOutOfTable()).isFalse();
    assertThat(first.message())
        .contains("HTTP 503 ServiceUnavailable", "unable to handle the request");
    assertThat(second).isEqualTo(first);
  }

  @Test
  void anythingElseIsAnInternalError() {
    ReconcileError error = ReconcileErrors.classify(new IllegalStateException("x".repeat(1000)));
    assertThat(error.reason()).isEqualTo("InternalError");
    assertThat(error.message())
        .startsWith("reconcile failed, retrying with backoff: IllegalStateException: xxx")
        .hasSizeLessThanOrEqualTo(400);
  }
}
