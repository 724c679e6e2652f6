package dev.regionrouter.router.edge;

import dev.regionrouter.router.config.ProxyProperties;
import dev.regionrouter.router.exchange.AttemptLoop;
import dev.regionrouter.router.exchange.CommittedStream;
import dev.regionrouter.router.exchange.Deadline;
import dev.regionrouter.router.exchange.Exchange;
import dev.regionrouter.router.exchange.PassThroughProxy;
import dev.regionrouter.router.exchange.RequestModel;
import dev.regionrouter.router.selection.RoutePlanner;
import dev.regionrouter.router.selection.RouteRequest;
import dev.regionrouter.router.selection.TokenEstimate;
import dev.regionrouter.router.upstream.HeaderPolicy;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
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
 * /v1/inference, except hedging: a streamed answer cannot be raced, so X-Region-Router-Hedge is
 * ignored.
 */
public class PassThroughEndpoint implements DataPlaneHandler.Endpoint {

  private static final Logger log = LoggerFactory.getLogger(PassThroughEndpoint.class);
  private static final Pattern MAX_TOKENS =
      Pattern.compile("\"max_(?:completion_)?tokens\"\\s*:\\s*(\\d{1,9})");

  private final PassThroughProxy proxy;
  private final ProxyProperties settings;
  private final RoutePlanner planner;
  private final Exchange.Ledger ledger;

  public PassThroughEndpoint(
      PassThroughProxy proxy,
      ProxyProperties settings,
      RoutePlanner planner,
      Exchange.Ledger ledger) {
    this.ledger = ledger;
    this.proxy = proxy;
    this.settings = settings;
    this.planner = planner;
  }

  @Override
  public void handle(DataPlaneExchange exchange) {
    byte[] body = exchange.body();
    String path = exchange.path();
    PassThroughProxy.Inbound inbound =
        new PassThroughProxy.Inbound(
            exchange.method(),
            exchange.query() == null ? path : path + "?" + exchange.query(),
            exchange.headers(),
            body);
    Deadline deadline = Deadline.in(exchange.requestTimeout(settings.requestTimeout()));
    RouteRequest route =
        planner.request(exchange::header, estimatedTokens(body), RequestModel.of(body));
    Exchange request = ledger.open(route, deadline);
    RegionCalls.serve(
        exchange,
        request,
        () -> proxy.relay(request, inbound, exchange.loop()),
        served -> {
          // a relayed answer is not parsed: the estimate stands for the tokens used
          request.served(served.region(), null, served.latency());
          respond(exchange, route, served);
        });
  }

  /**
   * Takes the committed stream: its head names the region whose bytes follow, then its bytes as
   * they come. A stream the region breaks ends with an error event (event streams) and a cut
   * connection: the caller sees a failed answer, never a short one that looks complete.
   */
  private static void respond(
      DataPlaneExchange exchange, RouteRequest route, AttemptLoop.Served<CommittedStream> served) {
    CommittedStream stream = served.value();
    exchange.onCallerGone(stream::abandon);
    Map<String, List<String>> headers = new LinkedHashMap<>(stream.headers());
    headers.put(HeaderPolicy.REGION_HEADER, List.of(served.region().name()));
    headers.put(HeaderPolicy.ATTEMPTS_HEADER, List.of(Integer.toString(served.attempts())));
    String model = served.region().modelFor(route.model());
    if (model != null) {
      headers.put(HeaderPolicy.MODEL_HEADER, List.of(model));
    }
    exchange.startStream(stream.status(), headers);
    stream
        .attach(exchange.sink())
        .whenComplete(
            (whole, error) -> {
              if (error == null && whole) {
                exchange.endStream();
                return;
              }
              String region = served.region().name();
              log.warn(
                  "region {} broke the stream after its first bytes; ending the caller's stream with an error",
                  region);
              if (!stream.eventStream()) {
                exchange.abort();
                return;
              }
              exchange
                  .writeChunk(
                      CommittedStream.errorEvent(
                          "upstream_stream_broken",
                          "region "
                              + region
                              + " stopped sending this stream before it was complete"))
                  .whenComplete((written, gone) -> exchange.abort());
            });
  }

  /** The {@link TokenEstimate} of an OpenAI-style body: its max_tokens, the body as the prompt. */
  static long estimatedTokens(byte[] body) {
    if (body == null || body.length == 0) {
      return 0;
    }
    Matcher m =
        MAX_TOKENS.matcher(
            new String(body, 0, Math.min(body.length, 65536), StandardCharsets.UTF_8));
    long maxTokens = m.find() ? Long.parseLong(m.group(1)) : TokenEstimate.DEFAULT_MAX_TOKENS;
    return TokenEstimate.of(maxTokens, body.length);
  }
}
