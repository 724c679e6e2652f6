package dev.regionrouter.router.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.api.table.RoutingTable;
import dev.regionrouter.router.selection.Candidate;
import dev.regionrouter.router.support.MutableClock;
import dev.regionrouter.router.support.RoutingCore;
import dev.regionrouter.router.table.TableSnapshot;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthRegistryTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final HealthRegistry registry = RoutingCore.over(clock).build().health();

  private static TableSnapshot table(long version, RegionEntry... regions) {
    return new TableSnapshot(RoutingTable.of(List.of(regions)), "test", Instant.EPOCH, version);
  }

  @Test
  void keepsHealthAcrossTableUpdatesWhenTheEndpointIsUnchanged() {
    registry.onTable(
        table(
            1,
            RegionEntry.of("a", "http://a", 0.1, 1, "aws"),
            RegionEntry.of("b", "http://b", 0.1, 1, "aws")));
    RegionHealth a = registry.get("a");
    for (int i = 0; i < 3; i++) {
      a.recordFailure();
    }
    registry.onTable(
        table(
            2,
            RegionEntry.of("a", "http://a", 0.9, 5, "aws"),
            RegionEntry.of("b", "http://b2", 0.1, 1, "aws")));
    assertThat(registry.get("a")).isSameAs(a);
    assertThat(registry.get("a").view().ejected()).isTrue();
    assertThat(registry.get("b").endpoint()).isEqualTo("http://b2");
  }

  @Test
  void forgetsRegionsThatLeftTheTable() {
    registry.onTable(table(1, RegionEntry.of("a", "http://a", 0.1, 1, "aws")));
    registry.onTable(table(2, RegionEntry.of("c", "http://c", 0.1, 1, "aws")));
    assertThat(registry.get("a")).isNull();
    assertThat(Candidate.all(registry, table(2, RegionEntry.of("c", "http://c", 0.1, 1, "aws"))))
        .hasSize(1);
  }
}
