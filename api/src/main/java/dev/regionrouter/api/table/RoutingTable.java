package dev.regionrouter.api.table;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The routing-table document ({@code regions.json}): the regions a router may use, sorted by name.
 * Build it with {@link #of}, which sorts, so equal tables always serialize to equal bytes.
 */
public record RoutingTable(List<RegionEntry> regions) {

  public RoutingTable {
    // Nulls are kept (not List.copyOf) so that validation can name a null entry instead of failing.
    regions = regions == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(regions));
  }

  /** A table with the regions sorted by name. */
  public static RoutingTable of(List<RegionEntry> regions) {
    return new RoutingTable(
        regions.stream()
            .sorted(
                Comparator.comparing(
                    RegionEntry::name, Comparator.nullsFirst(Comparator.naturalOrder())))
            .toList());
  }

  public static RoutingTable empty() {
    return new RoutingTable(List.of());
  }

  public RegionEntry region(String name) {
    return regions.stream().filter(r -> Objects.equals(r.name(), name)).findFirst().orElse(null);
  }
}
