package dev.regionrouter.operator.event;

import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.operator.metrics.OperatorMetrics;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that writes core/v1 Events about InferenceRegions ({@code kubectl describe ireg}
 * shows them). Failing to record an event is logged and never fails a reconciliation.
 */
public final class EventRecorder {

  public static final String COMPONENT = "region-router-operator";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final int MAX_MESSAGE = 1024;

  private final KubernetesClient client;
  private final String instance;
  private final OperatorMetrics metrics;
  private final Clock clock;

  public EventRecorder(
      KubernetesClient client, String instance, OperatorMetrics metrics, Clock clock) {
    this.client = client;
    this.instance = instance;
    this.metrics = metrics;
    this.clock = clock;
  }

  public void record(InferenceRegion region, TransitionEvents.RegionEvent event) {
    String now =
        DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    String namespace = region.getMetadata().getNamespace();
    String message = event.message() == null ? "" : event.message();
    if (message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE - 3) + "...";
    }
    Event k8sEvent =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(
                region.getMetadata().getName()
                    + "."
                    + Long.toHexString(System.currentTimeMillis())
                    + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000)))
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(region.getApiVersion())
                    .withKind(region.getKind())
                    .withNamespace(namespace)
                    .withName(region.getMetadata().getName())
                    .withUid(region.getMetadata().getUid())
                    .withResourceVersion(region.getMetadata().getResourceVersion())
                    .build())
            .withType(event.type())
            .withReason(event.reason())
            .withMessage(message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .withReportingInstance(instance)
            .build();
    try {
      client.v1().events().inNamespace(namespace).resource(k8sEvent).create();
      metrics.eventRecorded();
    } catch (KubernetesClientException e) {
      LOG.warn(
          "could not record event {} for {}/{}: {}",
          event.reason(),
          namespace,
          region.getMetadata().getName(),
          e.getMessage());
    }
  }
}
