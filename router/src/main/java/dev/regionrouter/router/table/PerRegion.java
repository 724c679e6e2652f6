package dev.regionrouter.router.table;

import dev.regionrouter.api.table.RegionEntry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A value derived from a region's table entry (its encoded metadata fields, its inference URI),
 * computed once per entry and read by every request that uses the region, without a lookup key
 * allocated per request. Keyed by the region's name and held for the entry object it was derived
 * from: a new table's entry (same name, maybe new fields) derives it again. One value per region
 * name ever routed to, so the map is as bounded as the set of region names.
 */
public final class PerRegion<V> {

  private record Derived<V>(RegionEntry entry, V value) {}

  private final Function<RegionEntry, V> derive;
  private final Map<String, Derived<V>> values = new ConcurrentHashMap<>();

  public PerRegion(Function<RegionEntry, V> derive) {
    this.derive = derive;
  }

  public V get(RegionEntry entry) {
    Derived<V> derived = values.get(entry.name());
    if (derived != null && derived.entry() == entry) {
      return derived.value();
    }
    V value = derive.apply(entry);
    values.put(entry.name(), new Derived<>(entry, value));
    return value;
  }
}
