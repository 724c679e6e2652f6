package dev.regionrouter.router.api;

import dev.regionrouter.router.config.ProxyProperties;
import dev.regionrouter.router.proxy.Deadline;
import dev.regionrouter.router.proxy.PassThroughProxy;
import dev.regionrouter.router.proxy.UpstreamClient;
import dev.regionrouter.router.routing.RoutePlanner;
import dev.regionrouter.router.routing.RouteRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenAI-compatible pass-through: every {@code /v1/**} path other than {@code /v1/inference}
 * ({@code /v1/chat/completions}, {@code /v1/completions}, {@code /v1/embeddings}, ...) goes to the
 * chosen region unchanged, its answer relayed as it arrives. Routing hints apply as on
 * /v1/inference, except hedging: a streamed answer cannot be raced, so X-Region-Router-Hedge is ignored.
 */
public class PassThroughEndpoint implements DataPlaneHandler.Endpoint {

  private static final Logger log = LoggerFactory.getLogger(PassThroughEndpoint.class);
  private static final Pattern MAX_TOKENS = Pattern.compile("\"max_(?:completion_)?tokens\"\\s*:\\s*(\\d{1,9})");

  private final PassThroughProxy proxy;
  private final ProxyProperties settings;
  private final RoutePlanner planner;

  public PassThroughEndpoint(PassThroughProxy proxy, ProxyProperties settings, RoutePlanner planner) {
    this.proxy = proxy;
    this.settings = settings;
    this.planner = planner;
  }

  @Override
  public void handle(DataPlaneExchange exchange) {
    byte[] body = exchange.body();
    String path = exchange.path();
    PassThroughProxy.Inbound inbound = new PassThroughProxy.Inbound(exchange.method(),
        exchange.query() == null ? path : path + "?" + exchange.query(), exchange.headers(), body);
    Deadline deadline = Deadline.in(exchange.requestTimeout(settings.requestTimeout()));
    RouteRequest route = planner.request(exchange::header, estimatedTokens(body));
    PassThroughProxy.Caller caller = new PassThroughProxy.Caller() {
      @Override
      public void start(int status, Map<String, List<String>> headers) {
        exchange.startStream(status, headers);
      }

      @Override
      public UpstreamClient.BodySink body() {
        return exchange.sink();
      }
    };
    RegionCalls.serve(exchange, planner, route,
        () -> planner.context().with(route, () -> proxy.relay(inbound, caller, deadline, exchange.loop())),
        relayed -> {
          // a relayed answer is not parsed: the estimate stands for the tokens used
          planner.settle(route, relayed.region(), null, relayed.value() ? relayed.latency() : null);
          if (relayed.value()) {
            exchange.endStream();
          } else {
            // the region broke the stream after the caller got bytes: cut the caller's connection
            // so it sees a truncated response, not a complete-looking short one
            log.warn("region {} broke the stream; cutting the caller's connection", relayed.region().name());
            exchange.abort();
          }
        });
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
