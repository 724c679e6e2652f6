package dev.regionrouter.operator.table;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.api.v1alpha1.InferenceRegionSpec;
import dev.regionrouter.api.v1alpha1.ProbeSpec;
import dev.regionrouter.api.v1alpha1.RegionCapacity;
import dev.regionrouter.api.v1alpha1.RegionRules;
import dev.regionrouter.api.v1alpha1.RegionTimeouts;
import dev.regionrouter.api.v1alpha1.SecretKeyReference;
import java.util.Map;
import java.util.TreeMap;

/**
 * How an InferenceRegion becomes a routing-table entry, and which regions are usable at all. Paths
 * are written only when they differ from the defaults, so the bytes do not depend on whether an API
 * server filled in the defaults.
 */
public final class RegionEntries {

  private RegionEntries() {}

  /** Usable: not being deleted, not drained, and its spec passes {@link RegionRules#checkSpec}. */
  public static boolean usable(InferenceRegion region) {
    return region.getMetadata().getDeletionTimestamp() == null
        && region.getSpec() != null
        && !region.getSpec().drained()
        && RegionRules.checkSpec(region.getSpec()).isEmpty();
  }

  /**
   * The region's routing-table entry; never carries a secret value, only the Secret's name and key.
   */
  public static RegionEntry of(InferenceRegion region) {
    InferenceRegionSpec spec = region.getSpec();
    String healthPath =
        InferenceRegionSpec.DEFAULT_HEALTH_PATH.equals(spec.effectiveHealthPath())
            ? null
            : spec.getHealthPath();
    String inferencePath =
        InferenceRegionSpec.DEFAULT_INFERENCE_PATH.equals(spec.effectiveInferencePath())
            ? null
            : spec.getInferencePath();
    RegionCapacity capacity = spec.getCapacity();
    RegionEntry.Capacity entryCapacity =
        capacity == null
                || (capacity.getMaxInFlight() == null && capacity.getTokensPerMinute() == null)
            ? null
            : new RegionEntry.Capacity(capacity.getMaxInFlight(), capacity.getTokensPerMinute());
    SecretKeyReference secret = spec.getCredentialsSecretRef();
    RegionEntry.SecretRef secretRef =
        secret == null ? null : new RegionEntry.SecretRef(secret.getName(), secret.effectiveKey());
    ProbeSpec probeSpec = spec.getProbe();
    String probeMethod =
        probeSpec == null || "GET".equals(probeSpec.effectiveMethod())
            ? null
            : probeSpec.getMethod();
    Boolean sendCredentials =
        probeSpec != null && Boolean.TRUE.equals(probeSpec.getSendCredentials()) ? true : null;
    RegionEntry.Probe probe =
        probeSpec == null
                || (probeSpec.getIntervalSeconds() == null
                    && probeSpec.getTimeoutSeconds() == null
                    && probeMethod == null
                    && sendCredentials == null)
            ? null
            : new RegionEntry.Probe(
                probeSpec.getIntervalSeconds(),
                probeSpec.getTimeoutSeconds(),
                probeMethod,
                sendCredentials);
    Map<String, String> models =
        spec.getModels() == null || spec.getModels().isEmpty()
            ? null
            : new TreeMap<>(spec.getModels());
    RegionTimeouts timeouts = spec.getTimeouts();
    RegionEntry.Timeouts entryTimeouts =
        timeouts == null
                || (timeouts.getFirstByteSeconds() == null
                    && timeouts.getStreamIdleSeconds() == null)
            ? null
            : new RegionEntry.Timeouts(
                timeouts.getFirstByteSeconds(), timeouts.getStreamIdleSeconds());
    Map<String, String> labels =
        region.getMetadata().getLabels() == null || region.getMetadata().getLabels().isEmpty()
            ? null
            : new TreeMap<>(region.getMetadata().getLabels());
    return new RegionEntry(
        region.getMetadata().getName(),
        spec.getEndpoint(),
        spec.getCostPer1kTokens(),
        spec.getPriority(),
        spec.getProvider(),
        healthPath,
        inferencePath,
        entryCapacity,
        secretRef,
        probe,
        labels,
        models,
        entryTimeouts);
  }
}
