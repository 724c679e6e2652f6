package dev.regionrouter.router.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.config.ProxyProperties;
import dev.regionrouter.router.config.RouterConfiguration;
import dev.regionrouter.router.metrics.RouterMetrics;
import dev.regionrouter.router.proxy.AttemptLoop;
import dev.regionrouter.router.proxy.Deadline;
import dev.regionrouter.router.proxy.HeaderPolicy;
import dev.regionrouter.router.proxy.InferenceProxy;
import dev.regionrouter.router.proxy.RouterException;
import dev.regionrouter.router.routing.Explanations;
import dev.regionrouter.router.routing.HedgingAttempt;
import dev.regionrouter.router.routing.HintHeaders;
import dev.regionrouter.router.routing.RoutePlanner;
import dev.regionrouter.router.routing.RouteRequest;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * {@code POST /v1/inference}: the reference tutorial's API. Checks the body (content type and
 * validation give the contract's 415/400; the data plane already enforced 413 and 408), sends it
 * through the attempt loop and answers {@code {"result": ..., "metadata": {...}}}. The request's
 * routing hints (headers, caller defaults) travel with it; with {@code X-Region-Router-Debug: 1}
 * the decision is explained in metadata.decision and the X-Region-Router-Decision header.
 */
public class InferenceEndpoint implements DataPlaneHandler.Endpoint {

  private final InferenceProxy proxy;
  private final ProxyProperties settings;
  private final RouterMetrics metrics;
  private final RoutePlanner planner;
  private final HedgingAttempt hedging;

  public InferenceEndpoint(InferenceProxy proxy, ProxyProperties settings, RouterMetrics metrics, RoutePlanner planner,
      HedgingAttempt hedging) {
    this.proxy = proxy;
    this.settings = settings;
    this.metrics = metrics;
    this.planner = planner;
    this.hedging = hedging;
  }

  @Override
  public void handle(DataPlaneExchange exchange) {
    if (!exchange.method().equals("POST")) {
      throw new RouterException(405, "method_not_allowed", "/v1/inference accepts POST only", null, 0);
    }
    requireJson(exchange.header("Content-Type"));
    ObjectNode parsed = InferenceRequest.parse(exchange.body(), RouterConfiguration.json());
    Deadline deadline = Deadline.in(exchange.requestTimeout(settings.requestTimeout()));
    RouteRequest route = planner.request(exchange::header, estimatedTokens(parsed));
    if (route.hints().debugging()) {
      // set as soon as the plan exists, so a 503 (no region matches) is explained too
      route.onPlan(plan -> exchange.setResponseHeader(HintHeaders.DECISION, Explanations.toHeader(plan)));
    }
    String authorization = exchange.header("Authorization");
    CompletableFuture<AttemptLoop.Served<InferenceProxy.Answer>> served;
    try {
      served = hedging.run(route, () -> proxy.infer(parsed, authorization, deadline), exchange.loop());
    } catch (RuntimeException e) {
      planner.settle(route, null, null, null);
      throw e;
    }
    exchange.onCallerGone(() -> served.cancel(false));
    served.whenComplete((answer, error) -> {
      if (error != null) {
        planner.settle(route, null, null, null);
        if (served.isCancelled()) {
          return; // the caller left: nobody to answer
        }
        exchange.sendError(AttemptLoop.unwrap(error));
        return;
      }
      try {
        respond(exchange, route, answer);
      } catch (RuntimeException | JsonProcessingException e) {
        exchange.sendError(e);
      }
    });
  }

  private void respond(DataPlaneExchange exchange, RouteRequest route, AttemptLoop.Served<InferenceProxy.Answer> served)
      throws JsonProcessingException {
    boolean answered = served.value() instanceof InferenceProxy.Answer.Inference;
    planner.settle(route, served.region(),
        served.value() instanceof InferenceProxy.Answer.Inference i ? i.tokensUsed() : null,
        answered ? served.latency() : null);
    Map<String, List<String>> headers = Map.of(
        HeaderPolicy.REGION_HEADER, List.of(served.region().name()),
        HeaderPolicy.ATTEMPTS_HEADER, List.of(Integer.toString(served.attempts())));
    if (served.value() instanceof InferenceProxy.Answer.Rejected rejected) {
      exchange.sendFull(rejected.status(), headers,
          rejected.contentType() == null ? MediaType.APPLICATION_OCTET_STREAM_VALUE : rejected.contentType(),
          rejected.body());
      return;
    }
    InferenceProxy.Answer.Inference answer = (InferenceProxy.Answer.Inference) served.value();
    RegionEntry region = served.region();
    ObjectNode out = RouterConfiguration.json().createObjectNode();
    out.set("result", answer.output());
    ObjectNode metadata = out.putObject("metadata");
    metadata.put("region", region.name());
    metadata.put("provider", region.provider());
    metadata.put("cost_per_1k", region.costPer1kTokens());
    metadata.put("priority", region.priority());
    metadata.put("attempts", served.attempts());
    metadata.put("upstream_latency_ms", round(served.latency().toNanos() / 1e6, 3));
    metadata.put("policy", served.policy());
    if (served.panic()) {
      metadata.put("panic", true);
    }
    if (route.hedge() != null) {
      metadata.put("hedge", route.hedge());
    }
    if (route.hints().debugging() && route.plan() != null) {
      metadata.set("decision", RouterConfiguration.json().valueToTree(Explanations.toMap(route.plan())));
    }
    if (answer.tokensUsed() != null) {
      metadata.put("tokens_used", answer.tokensUsed());
      double usd = answer.tokensUsed() * region.costPer1kTokens() / 1000.0;
      metadata.put("estimated_cost_usd", round(usd, 8));
      metrics.cost(region.name(), region.provider(), usd);
    }
    exchange.sendFull(200, headers, MediaType.APPLICATION_JSON_VALUE, RouterConfiguration.json().writeValueAsBytes(out));
  }

  /** The tokens a request may use, for capacity.tokensPerMinute: max_tokens plus ~4 characters a prompt token. */
  static long estimatedTokens(ObjectNode parsed) {
    long maxTokens = parsed.path("max_tokens").canConvertToLong() ? parsed.path("max_tokens").asLong() : 100;
    return Math.max(0, maxTokens) + parsed.path("prompt").asText("").length() / 4;
  }

  private static double round(double value, int places) {
    return BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_UP).doubleValue();
  }

  static void requireJson(String contentType) {
    if (contentType == null) {
      throw new RouterException(415, "unsupported_media_type", "Content-Type must be application/json", null, 0);
    }
    if (contentType.equalsIgnoreCase(MediaType.APPLICATION_JSON_VALUE)) {
      return; // the common case, without parsing the media type
    }
    try {
      MediaType type = MediaType.parseMediaType(contentType);
      if (type.isCompatibleWith(MediaType.APPLICATION_JSON) && !type.isWildcardType() && !type.isWildcardSubtype()) {
        return;
      }
      if ("application".equals(type.getType()) && type.getSubtype().endsWith("+json")) {
        return;
      }
    } catch (InvalidMediaTypeException e) {
      // falls through to 415
    }
    throw new RouterException(415, "unsupported_media_type",
        "Content-Type must be application/json, got " + contentType, null, 0);
  }
}
