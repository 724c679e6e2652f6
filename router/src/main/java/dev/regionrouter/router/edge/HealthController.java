package dev.regionrouter.router.edge;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /health}: the reference tutorial's liveness answer, always on the data-plane port
 * (callers and load balancers check it there), whatever the management port.
 */
@RestController
public class HealthController {

  @GetMapping("/health")
  public Map<String, Object> health() {
    return Map.of("status", "healthy", "service", "region-router");
  }
}
