package dev.regionrouter.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.Objects;

/**
 * A regional inference endpoint that the router may send traffic to. The object's name is the
 * region's name ({@code ap-south-1}); its namespace is the routing domain whose router uses it.
 */
@Group(InferenceRegion.GROUP)
@Version(InferenceRegion.VERSION)
@Kind(InferenceRegion.KIND)
@Plural(InferenceRegion.PLURAL)
@Singular(InferenceRegion.SINGULAR)
@ShortNames(InferenceRegion.SHORT_NAME)
@Categories(InferenceRegion.CATEGORY)
@AdditionalPrinterColumn(
    name = "Provider",
    jsonPath = ".spec.provider",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Endpoint",
    jsonPath = ".spec.endpoint",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Cost",
    jsonPath = ".spec.costPer1kTokens",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "Priority",
    jsonPath = ".spec.priority",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Healthy",
    jsonPath = ".status.conditions[?(@.type==\"Healthy\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Latency",
    jsonPath = ".status.probe.latencyMs",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class InferenceRegion extends CustomResource<InferenceRegionSpec, InferenceRegionStatus>
    implements Namespaced {

  public static final String GROUP = "inference.regionrouter.dev";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "InferenceRegion";
  public static final String PLURAL = "inferenceregions";
  public static final String SINGULAR = "inferenceregion";
  public static final String SHORT_NAME = "ireg";
  public static final String CATEGORY = "inference";
  public static final String CRD_NAME = PLURAL + "." + GROUP;
  public static final String API_VERSION = GROUP + "/" + VERSION;

  public InferenceRegion() {}

  public InferenceRegion(String namespace, String name, InferenceRegionSpec spec) {
    getMetadata().setNamespace(namespace);
    getMetadata().setName(name);
    setSpec(spec);
  }

  @Override
  protected InferenceRegionStatus initStatus() {
    return new InferenceRegionStatus();
  }

  /**
   * kstatus readiness as Flux, Argo CD and {@code kubectl wait --for=condition=Ready} read it: the
   * operator has observed the current generation and reports Ready=True.
   */
  @JsonIgnore
  public boolean isReady() {
    InferenceRegionStatus status = getStatus();
    if (status == null || status.getObservedGeneration() == null) {
      return false;
    }
    return Objects.equals(getMetadata().getGeneration(), status.getObservedGeneration())
        && status.condition(Conditions.READY).map(Condition::isTrue).orElse(false);
  }

  @Override
  @io.fabric8.generator.annotation.Required
  @JsonPropertyDescription("Desired state: where the region is and how the router should treat it.")
  public InferenceRegionSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Observed state, written by the operator only.")
  public InferenceRegionStatus getStatus() {
    return super.getStatus();
  }
}
