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
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/inference}: the reference tutorial's API. Reads the body itself (limit, content
 * type and validation give the contract's 413/415/400), sends it through the attempt loop and
 * answers {@code {"result": ..., "metadata": {...}}}. The request's routing hints (headers, caller
 * defaults) travel with it; with {@code X-Region-Router-Debug: 1} the decision is explained in
 * metadata.decision and the X-Region-Router-Decision header.
 */
@RestController
public class InferenceController {

  private final InferenceProxy proxy;
  private final ProxyProperties settings;
  private final RouterMetrics metrics;

  private final RoutePlanner planner;
  private final HedgingAttempt hedging;

  public InferenceController(InferenceProxy proxy, ProxyProperties settings, RouterMetrics metrics,
      RoutePlanner planner, HedgingAttempt hedging) {
    this.proxy = proxy;
    this.settings = settings;
    this.metrics = metrics;
    this.planner = planner;
    this.hedging = hedging;
  }

  @PostMapping("/v1/inference")
  public ResponseEntity<byte[]> infer(HttpServletRequest request, HttpServletResponse servletResponse)
      throws JsonProcessingException {
    requireJson(request.getContentType());
    byte[] body = RequestBodies.read(request, settings.maxBodySize().toBytes(), settings.bodyReadTimeout());
    ObjectNode parsed = InferenceRequest.parse(body, RouterConfiguration.json());
    Deadline deadline = Deadline.in(Deadlines.requestTimeout(request, settings.requestTimeout()));
    RouteRequest route = planner.request(request::getHeader, estimatedTokens(parsed));
    if (route.hints().debugging()) {
      // set as soon as the plan exists, so a 503 (no region matches) is explained too
      route.onPlan(plan -> servletResponse.setHeader(HintHeaders.DECISION, Explanations.toHeader(plan)));
    }
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    AttemptLoop.Served<InferenceProxy.Answer> served;
    try {
      served = hedging.run(route, () -> proxy.infer(parsed, authorization, deadline));
    } catch (RuntimeException e) {
      planner.settle(route, null, null, null);
      throw e;
    }
    boolean answered = served.value() instanceof InferenceProxy.Answer.Inference;
    planner.settle(route, served.region(),
        served.value() instanceof InferenceProxy.Answer.Inference i ? i.tokensUsed() : null,
        answered ? served.latency() : null);
    int status = served.value() instanceof InferenceProxy.Answer.Rejected r ? r.status() : 200;
    ResponseEntity.BodyBuilder response = ResponseEntity.status(status)
        .header(HeaderPolicy.REGION_HEADER, served.region().name())
        .header(HeaderPolicy.ATTEMPTS_HEADER, Integer.toString(served.attempts()));
    if (served.value() instanceof InferenceProxy.Answer.Rejected rejected) {
      return response
          .header(HttpHeaders.CONTENT_TYPE, rejected.contentType() == null
              ? MediaType.APPLICATION_OCTET_STREAM_VALUE : rejected.contentType())
          .body(rejected.body());
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
    return response.contentType(MediaType.APPLICATION_JSON).body(RouterConfiguration.json().writeValueAsBytes(out));
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

  /** Exposed for the pass-through's deadline too. */
  static final class Deadlines {
    private Deadlines() {}

    /** The configured timeout, shortened (never lengthened) by the caller's X-Region-Router-Timeout-Ms. */
    static Duration requestTimeout(HttpServletRequest request, Duration configured) {
      String header = request.getHeader(HeaderPolicy.TIMEOUT_HEADER);
      if (header == null) {
        return configured;
      }
      long millis;
      try {
        millis = Long.parseLong(header.trim());
      } catch (NumberFormatException e) {
        throw RouterException.badRequest(HeaderPolicy.TIMEOUT_HEADER + " must be a number of milliseconds");
      }
      if (millis < 1) {
        throw RouterException.badRequest(HeaderPolicy.TIMEOUT_HEADER + " must be >= 1");
      }
      Duration asked = Duration.ofMillis(millis);
      return asked.compareTo(configured) < 0 ? asked : configured;
    }
  }
}
