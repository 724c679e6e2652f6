package dev.regionrouter.operator.reconciler;

import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.operator.table.RoutingTablePublisher.RegionCatalog;
import io.javaoperatorsdk.operator.api.reconciler.ResourceCache;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The publisher's view of the regions: JOSDK's own informer cache of InferenceRegions (no second
 * watch, no second copy in memory). JOSDK hands the cache over when it prepares the event sources.
 */
public final class PrimaryCacheCatalog implements RegionCatalog {

  private volatile ResourceCache<InferenceRegion> cache;

  void bind(ResourceCache<InferenceRegion> cache) {
    this.cache = cache;
  }

  @Override
  public Stream<InferenceRegion> regions(String namespace) {
    ResourceCache<InferenceRegion> c = cache;
    return c == null ? Stream.empty() : c.list(namespace);
  }

  @Override
  public Set<String> namespaces() {
    ResourceCache<InferenceRegion> c = cache;
    return c == null
        ? Set.of()
        : c.list().map(r -> r.getMetadata().getNamespace()).collect(Collectors.toSet());
  }
}
