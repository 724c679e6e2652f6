package dev.regionrouter.router.support;

import dev.regionrouter.router.config.HealthProperties;
import dev.regionrouter.router.config.ProbeProperties;
import dev.regionrouter.router.config.ProxyProperties;
import dev.regionrouter.router.selection.RoutingProperties;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The router's settings as Spring binds them from an empty configuration, for tests that build the
 * router's components by hand. They come from the properties' own {@code @DefaultValue}s, so a test
 * reads a default from here ({@code HEALTH.consecutiveFailures()}) instead of restating it.
 */
public final class RouterSettings {

  /** router.health's defaults. */
  public static final HealthProperties HEALTH = bind("router.health", HealthProperties.class);

  /** router.probe's defaults. */
  public static final ProbeProperties PROBE = bind("router.probe", ProbeProperties.class);

  /** router.proxy's defaults. */
  public static final ProxyProperties PROXY = bind("router.proxy", ProxyProperties.class);

  /** router.routing's defaults. */
  public static final RoutingProperties ROUTING = bind("router.routing", RoutingProperties.class);

  private RouterSettings() {}

  /** router.routing's defaults but for the default policy. */
  public static RoutingProperties routing(String defaultPolicy) {
    return bind(
        "router.routing",
        RoutingProperties.class,
        Map.of("router.routing.default-policy", defaultPolicy));
  }

  /** router.health's defaults but for stall detection's details and re-ranking. */
  public static HealthProperties healthWithStall(
      double holdFactor,
      Duration trialInterval,
      double trialTimeoutFactor,
      Duration trialTimeoutMin,
      double rerankChange,
      Duration rerankChangeMin) {
    HealthProperties d = HEALTH;
    return new HealthProperties(
        d.consecutiveFailures(),
        d.baseEjectionTime(),
        d.maxEjectionTime(),
        d.failureExpiry(),
        d.defaultRetryAfter(),
        d.maxRetryAfter(),
        d.halfOpenInterval(),
        d.stallAfter(),
        holdFactor,
        trialInterval,
        trialTimeoutFactor,
        trialTimeoutMin,
        rerankChange,
        rerankChangeMin);
  }

  private static <T> T bind(String prefix, Class<T> type) {
    return bind(prefix, type, Map.of());
  }

  private static <T> T bind(String prefix, Class<T> type, Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate(prefix, type);
  }
}
