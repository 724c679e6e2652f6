package dev.regionrouter.router.table;

import dev.regionrouter.api.table.RegionEntry.Capacity;
import dev.regionrouter.api.table.RoutingTable;

/**
 * One router replica's share of each region's declared capacity. {@code capacity.maxInFlight} and
 * {@code capacity.tokensPerMinute} are limits for the whole cluster; each of N ready replicas
 * enforces limit / N, rounded down so that the replicas together never admit more than the limit,
 * and at least 1 so that a region stays usable when it has fewer units than there are replicas (the
 * only case where the sum may exceed the limit: N replicas x 1).
 */
public final class CapacityShare {

  private CapacityShare() {}

  /** The table as one of {@code replicas} replicas enforces it; the same table for 1 replica. */
  public static RoutingTable of(RoutingTable table, int replicas) {
    if (replicas < 1) {
      throw new IllegalArgumentException("replicas must be at least 1, got " + replicas);
    }
    if (replicas == 1 || table.regions().stream().noneMatch(r -> r.capacity() != null)) {
      return table;
    }
    return new RoutingTable(
        table.regions().stream()
            .map(
                r ->
                    r.capacity() == null
                        ? r
                        : r.withCapacity(
                            new Capacity(
                                share(r.capacity().maxInFlight(), replicas),
                                share(r.capacity().tokensPerMinute(), replicas))))
            .toList());
  }

  static Integer share(Integer limit, int replicas) {
    return limit == null ? null : Math.max(1, limit / replicas);
  }

  static Long share(Long limit, int replicas) {
    return limit == null ? null : Math.max(1L, limit / replicas);
  }
}
