package dev.regionrouter.router.edge;

import dev.regionrouter.router.table.TableHolder;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Readiness: down until a first good routing table is loaded (a router without regions must not get
 * traffic). Later broken documents do not make it unready: the last good table still serves.
 */
@Component("routingTable")
public class RoutingTableHealthIndicator implements HealthIndicator {

  private final TableHolder tables;

  public RoutingTableHealthIndicator(TableHolder tables) {
    this.tables = tables;
  }

  @Override
  public Health health() {
    Map<String, Object> details =
        new java.util.LinkedHashMap<>(StatusController.describe(tables.state()));
    details.values().removeIf(java.util.Objects::isNull);
    return (tables.current() == null ? Health.down() : Health.up()).withDetails(details).build();
  }
}
