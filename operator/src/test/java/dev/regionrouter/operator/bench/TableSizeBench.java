package dev.regionrouter.operator.bench;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.api.table.RoutingTable;
import dev.regionrouter.api.table.RoutingTableCodec;
import dev.regionrouter.operator.table.RegionEntries;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How many regions fit in one routing-table ConfigMap: encodes tables of each {@link RegionShapes}
 * with the real codec (the bytes the operator writes) and finds the largest region count whose
 * regions.json stays within {@link RoutingTableCodec#CONFIG_MAP_MAX_BYTES}. Prints key=value lines.
 *
 * <p>Arguments: [SHAPE...] (default: all shapes)
 */
public final class TableSizeBench {

  private TableSizeBench() {}

  public static void main(String[] args) {
    List<RegionShapes> shapes =
        args.length == 0
            ? List.of(RegionShapes.values())
            : java.util.Arrays.stream(args).map(RegionShapes::named).toList();
    int limit = RoutingTableCodec.CONFIG_MAP_MAX_BYTES;
    for (RegionShapes shape : shapes) {
      String key = shape.name().toLowerCase(java.util.Locale.ROOT);
      int thousand = bytes(shape, 1000);
      int empty = bytes(shape, 0);
      System.out.println(
          key
              + ".bytes_per_region="
              + String.format(java.util.Locale.ROOT, "%.1f", (thousand - empty) / 1000.0));
      System.out.println(key + ".table_bytes_1000=" + thousand);
      System.out.println(key + ".table_bytes_5000=" + bytes(shape, 5000));
      // the largest count that fits, exactly (entry sizes vary a little with the index)
      int lo = 0;
      int hi = 1;
      while (bytes(shape, hi) <= limit) {
        lo = hi;
        hi *= 2;
      }
      while (hi - lo > 1) {
        int mid = (lo + hi) >>> 1;
        if (bytes(shape, mid) <= limit) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      System.out.println(key + ".max_regions_in_1MiB=" + lo);
      System.out.println(key + ".table_bytes_at_max=" + bytes(shape, lo));
    }
  }

  static int bytes(RegionShapes shape, int count) {
    List<RegionEntry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      entries.add(RegionEntries.of(shape.region("bench", i)));
    }
    return RoutingTableCodec.toJson(RoutingTable.of(entries))
        .getBytes(StandardCharsets.UTF_8)
        .length;
  }
}
