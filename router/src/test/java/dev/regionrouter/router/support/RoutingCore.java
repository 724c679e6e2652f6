package dev.regionrouter.router.support;

import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.observe.RouterMetrics;
import dev.regionrouter.router.selection.DecisionLog;
import dev.regionrouter.router.selection.LatencyWindow;
import dev.regionrouter.router.selection.RoutePlanner;
import dev.regionrouter.router.selection.RoutingMetrics;
import dev.regionrouter.router.selection.RoutingProperties;
import dev.regionrouter.router.selection.TokenMeter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The state the router routes on (health registry, token meter, traffic latency window) and its
 * planner, wired by hand as the router's configuration wires them, over a clock the test chooses
 * and with {@link RouterSettings}' defaults unless told otherwise. Start with {@link #over(Clock)}.
 */
public record RoutingCore(
    Clock clock,
    RoutingProperties routing,
    Supplier<MeterRegistry> registries,
    HealthRegistry health,
    TokenMeter tokens,
    LatencyWindow latencies) {

  /** A builder over the clock the health registry, meters and planner read. */
  public static Builder over(Clock clock) {
    return new Builder(clock);
  }

  /** A planner with the core's routing settings. */
  public RoutePlanner planner() {
    return planner(routing);
  }

  /**
   * A planner over this core's state with other routing settings (another default policy), a
   * decision log and routing meters of its own, and router.proxy.retry-after's default.
   */
  public RoutePlanner planner(RoutingProperties routing) {
    return new RoutePlanner(
        health,
        routing,
        tokens,
        latencies,
        new DecisionLog(),
        new RoutingMetrics(registries.get()),
        clock,
        RouterSettings.PROXY.retryAfter());
  }

  /** What differs from the defaults; each part left unset is built fresh. */
  public static final class Builder {
    private final Clock clock;
    private Supplier<MeterRegistry> registries = SimpleMeterRegistry::new;
    private RouterMetrics metrics;
    private TokenMeter tokens;
    private LatencyWindow latencies;

    private Builder(Clock clock) {
      this.clock = clock;
    }

    /** Where each set of meters registers (a fresh SimpleMeterRegistry by default). */
    public Builder meters(Supplier<MeterRegistry> registries) {
      this.registries = registries;
      return this;
    }

    /** The router meters the health registry records to, shared with the test's other parts. */
    public Builder metrics(RouterMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /** A token meter that outlives this core (a test that rebuilds the core keeps its usage). */
    public Builder tokens(TokenMeter tokens) {
      this.tokens = tokens;
      return this;
    }

    /** A latency window that outlives this core. */
    public Builder latencies(LatencyWindow latencies) {
      this.latencies = latencies;
      return this;
    }

    public RoutingCore build() {
      RoutingProperties routing = RouterSettings.ROUTING;
      RouterMetrics routerMetrics = metrics != null ? metrics : new RouterMetrics(registries.get());
      return new RoutingCore(
          clock,
          routing,
          registries,
          new HealthRegistry(
              RouterSettings.HEALTH,
              RouterSettings.PROBE,
              routing.latencySmoothing(),
              clock,
              routerMetrics),
          tokens != null ? tokens : new TokenMeter(clock::millis),
          latencies != null
              ? latencies
              : new LatencyWindow(
                  routing.latencyWindowSize(),
                  routing.latencyWindowMinSamples(),
                  routing.latencyWindowMaxAge().toMillis(),
                  clock::millis));
    }
  }
}
