package dev.regionrouter.router.routing;

import java.util.function.Supplier;

/**
 * Carries the current request's {@link RouteRequest} from the HTTP layer to the planner, across the
 * proxy (whose signatures know nothing of hints), on the thread that runs the attempt loop. One
 * instance per application (a bean), not static state; a request without one is planned with the
 * router's defaults.
 */
public class RouteContext {

  private final ThreadLocal<RouteRequest> current = new ThreadLocal<>();

  public <T> T with(RouteRequest request, Supplier<T> body) {
    RouteRequest previous = current.get();
    current.set(request);
    try {
      return body.get();
    } finally {
      if (previous == null) {
        current.remove();
      } else {
        current.set(previous);
      }
    }
  }

  /** The request being planned on this thread, or null. */
  public RouteRequest current() {
    return current.get();
  }
}
