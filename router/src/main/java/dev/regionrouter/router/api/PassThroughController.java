package dev.regionrouter.router.api;

import dev.regionrouter.router.config.ProxyProperties;
import dev.regionrouter.router.proxy.AttemptLoop;
import dev.regionrouter.router.proxy.Deadline;
import dev.regionrouter.router.proxy.HeaderPolicy;
import dev.regionrouter.router.proxy.PassThroughProxy;
import dev.regionrouter.router.proxy.RouterException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * OpenAI-compatible pass-through: every {@code /v1/**} path other than {@code /v1/inference}
 * ({@code /v1/chat/completions}, {@code /v1/completions}, {@code /v1/embeddings}, ...) goes to the
 * chosen region unchanged, its answer relayed as it arrives.
 */
@RestController
public class PassThroughController {

  private final PassThroughProxy proxy;
  private final ProxyProperties settings;

  public PassThroughController(PassThroughProxy proxy, ProxyProperties settings) {
    this.proxy = proxy;
    this.settings = settings;
  }

  @RequestMapping("/v1/**")
  public void relay(HttpServletRequest request, HttpServletResponse response) throws Exception {
    String path = request.getRequestURI();
    if (path.equals("/v1/inference")) {
      throw new RouterException(405, "method_not_allowed", "/v1/inference accepts POST only", null, 0);
    }
    byte[] body = RequestBodies.read(request, settings.maxBodySize().toBytes(), settings.bodyReadTimeout());
    String query = request.getQueryString();
    PassThroughProxy.Inbound inbound = new PassThroughProxy.Inbound(request.getMethod(),
        query == null ? path : path + "?" + query, HeaderPolicy.of(request), body);
    Deadline deadline = Deadline.in(InferenceController.Deadlines.requestTimeout(request, settings.requestTimeout()));
    AttemptLoop.Served<Boolean> served = proxy.relay(inbound, response, deadline);
    if (!served.value()) {
      // the region broke the stream after the caller got bytes: cut the caller's connection so
      // it sees a truncated response, not a complete-looking short one
      throw new PassThroughProxy.StreamBrokenException("region " + served.region().name() + " broke the stream", null);
    }
  }
}
