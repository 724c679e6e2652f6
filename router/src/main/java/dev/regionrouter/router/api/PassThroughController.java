package dev.regionrouter.router.api;

import dev.regionrouter.router.config.ProxyProperties;
import dev.regionrouter.router.proxy.AttemptLoop;
import dev.regionrouter.router.proxy.Deadline;
import dev.regionrouter.router.proxy.HeaderPolicy;
import dev.regionrouter.router.proxy.PassThroughProxy;
import dev.regionrouter.router.proxy.RouterException;
import dev.regionrouter.router.routing.Explanations;
import dev.regionrouter.router.routing.HintHeaders;
import dev.regionrouter.router.routing.RoutePlanner;
import dev.regionrouter.router.routing.RouteRequest;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * OpenAI-compatible pass-through: every {@code /v1/**} path other than {@code /v1/inference}
 * ({@code /v1/chat/completions}, {@code /v1/completions}, {@code /v1/embeddings}, ...) goes to the
 * chosen region unchanged, its answer relayed as it arrives. Routing hints apply as on
 * /v1/inference, except hedging: a streamed answer cannot be raced, so X-Region-Router-Hedge is ignored.
 */
@RestController
public class PassThroughController {

  private final PassThroughProxy proxy;
  private static final Pattern MAX_TOKENS = Pattern.compile("\"max_(?:completion_)?tokens\"\\s*:\\s*(\\d{1,9})");

  private final ProxyProperties settings;
  private final RoutePlanner planner;

  public PassThroughController(PassThroughProxy proxy, ProxyProperties settings, RoutePlanner planner) {
    this.proxy = proxy;
    this.settings = settings;
    this.planner = planner;
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
    RouteRequest route = planner.request(request::getHeader, estimatedTokens(body));
    if (route.hints().debugging()) {
      // before the relay commits the response: the header goes out with the region's status
      route.onPlan(plan -> response.setHeader(HintHeaders.DECISION, Explanations.toHeader(plan)));
    }
    AttemptLoop.Served<Boolean> served;
    try {
      served = planner.context().with(route, () -> proxy.relay(inbound, response, deadline));
    } catch (RuntimeException e) {
      planner.settle(route, null, null, null);
      throw e;
    }
    // a relayed answer is not parsed: the estimate stands for the tokens used
    planner.settle(route, served.region(), null, served.value() ? served.latency() : null);
    if (!served.value()) {
      // the region broke the stream after the caller got bytes: cut the caller's connection so
      // it sees a truncated response, not a complete-looking short one
      throw new PassThroughProxy.StreamBrokenException("region " + served.region().name() + " broke the stream", null);
    }
  }

  /** max_tokens (or max_completion_tokens, default 100) plus ~4 body bytes a prompt token. */
  static long estimatedTokens(byte[] body) {
    if (body == null || body.length == 0) {
      return 0;
    }
    Matcher m = MAX_TOKENS.matcher(new String(body, 0, Math.min(body.length, 65536), StandardCharsets.UTF_8));
    long maxTokens = m.find() ? Long.parseLong(m.group(1)) : 100;
    return maxTokens + body.length / 4;
  }
}
