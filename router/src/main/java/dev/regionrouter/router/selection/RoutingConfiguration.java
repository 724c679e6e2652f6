package dev.regionrouter.router.selection;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.config.ProxyProperties;
import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.table.TableHolder;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the routing layer: hints, planner state (tokens, latency windows, last decision), hedging.
 */
@Configuration(proxyBeanMethods = false)
public class RoutingConfiguration {

  @Bean
  TokenMeter tokenMeter(Clock clock, TableHolder tables) {
    TokenMeter meter = new TokenMeter(clock::millis);
    tables.addListener(snapshot -> meter.retain(names(snapshot.table().regions())));
    return meter;
  }

  @Bean
  LatencyWindow latencyWindow(RoutingProperties routing, Clock clock, TableHolder tables) {
    LatencyWindow window =
        new LatencyWindow(
            routing.latencyWindowSize(),
            routing.latencyWindowMinSamples(),
            routing.latencyWindowMaxAge().toMillis(),
            clock::millis);
    tables.addListener(snapshot -> window.retain(names(snapshot.table().regions())));
    return window;
  }

  @Bean
  DecisionLog decisionLog() {
    return new DecisionLog();
  }

  @Bean
  RoutingMetrics routingMetrics(MeterRegistry registry) {
    return new RoutingMetrics(registry);
  }

  @Bean
  RoutePlanner routePlanner(
      HealthRegistry health,
      RoutingProperties routing,
      TokenMeter tokens,
      LatencyWindow latencies,
      DecisionLog decisions,
      RoutingMetrics metrics,
      Clock clock,
      ProxyProperties proxy) {
    return new RoutePlanner(
        health, routing, tokens, latencies, decisions, metrics, clock, proxy.retryAfter());
  }

  private static Set<String> names(java.util.List<RegionEntry> regions) {
    return regions.stream().map(RegionEntry::name).collect(Collectors.toSet());
  }
}
