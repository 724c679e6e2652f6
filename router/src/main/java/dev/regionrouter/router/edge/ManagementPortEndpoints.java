package dev.regionrouter.router.edge;

import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.observe.RequestLog;
import dev.regionrouter.router.observe.RouterMetrics;
import dev.regionrouter.router.selection.RoutePlanner;
import dev.regionrouter.router.selection.RoutingProperties;
import dev.regionrouter.router.table.TableHolder;
import java.time.Clock;
import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.context.annotation.Bean;

/**
 * The admin endpoints ({@code /regions/*}, the status page {@code /ui}) on the management port when
 * {@code management.server.port} differs from {@code server.port}: the data-plane port then serves
 * only {@code /v1/**} and {@code /health}, and whoever reaches the management port (probes,
 * Prometheus, operators) reads the routing state.
 *
 * <p>Spring Boot imports this class into the management child context (listed in {@code
 * META-INF/spring/...ManagementContextConfiguration.imports}; deliberately not a
 * {@code @Configuration}, so the main context's component scan does not pick it up). Each admin
 * controller is {@code @ConditionalOnManagementPort(SAME)} for the scan and declared here for the
 * other case; a new admin controller needs both.
 */
@ConditionalOnManagementPort(ManagementPortType.DIFFERENT)
public class ManagementPortEndpoints {

  @Bean
  StatusController statusController(
      TableHolder tables, HealthRegistry health, RoutingProperties routing, RoutePlanner planner) {
    return new StatusController(tables, health, routing, planner);
  }

  @Bean
  StatusPageController statusPageController(
      StatusController status,
      TableHolder tables,
      RouterMetrics metrics,
      RequestLog requests,
      DataPlane dataPlane,
      Clock clock) {
    return new StatusPageController(status, tables, metrics, requests, dataPlane, clock);
  }
}
