package dev.regionrouter.router.edge;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.config.ProxyProperties;
import dev.regionrouter.router.error.RouterException;
import dev.regionrouter.router.exchange.AttemptLoop;
import dev.regionrouter.router.exchange.Deadline;
import dev.regionrouter.router.exchange.HedgingAttempt;
import dev.regionrouter.router.exchange.InferenceProxy;
import dev.regionrouter.router.exchange.RegionAnswer;
import dev.regionrouter.router.observe.RouterMetrics;
import dev.regionrouter.router.selection.Explanations;
import dev.regionrouter.router.selection.RoutePlanner;
import dev.regionrouter.router.selection.RouteRequest;
import dev.regionrouter.router.upstream.AsciiHeaders;
import dev.regionrouter.router.upstream.HeaderPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

  private static final CharSequence REGION_HEADER = AsciiHeaders.known(HeaderPolicy.REGION_HEADER);
  private static final CharSequence ATTEMPTS_HEADER =
      AsciiHeaders.known(HeaderPolicy.ATTEMPTS_HEADER);
  private static final CharSequence MODEL_HEADER = AsciiHeaders.known(HeaderPolicy.MODEL_HEADER);

  /** The answer is {"result": the region's output as it came, "metadata": {...}}. */
  private static final byte[] RESULT_FIELD = "{\"result\":".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] METADATA_FIELD = ",\"metadata\":".getBytes(StandardCharsets.US_ASCII);

  private final InferenceProxy proxy;
  private final ProxyProperties settings;
  private final RouterMetrics metrics;
  private final RoutePlanner planner;
  private final HedgingAttempt hedging;
  private final Map<String, RegionFields> regionFields = new ConcurrentHashMap<>();

  public InferenceEndpoint(
      InferenceProxy proxy,
      ProxyProperties settings,
      RouterMetrics metrics,
      RoutePlanner planner,
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
      throw new RouterException(
          405, "method_not_allowed", "/v1/inference accepts POST only", null, 0);
    }
    requireJson(exchange.header("Content-Type"));
    InferenceRequest.Parsed request = InferenceRequest.parse(exchange.body(), Json.MAPPER);
    Deadline deadline = Deadline.in(exchange.requestTimeout(settings.requestTimeout()));
    RouteRequest route =
        planner.request(exchange::header, request.estimatedTokens(), request.model());
    String authorization = exchange.header("Authorization");
    RegionCalls.serve(
        exchange,
        planner,
        route,
        () ->
            hedging.run(
                route,
                leg ->
                    proxy.infer(leg, request.forward(), authorization, deadline, exchange.loop()),
                exchange.loop()),
        served -> {
          try {
            respond(exchange, route, served);
          } catch (RuntimeException | java.io.IOException e) {
            exchange.sendError(e);
          }
        });
  }

  private void respond(
      DataPlaneExchange exchange,
      RouteRequest route,
      AttemptLoop.Served<InferenceProxy.Answer> served)
      throws java.io.IOException {
    boolean answered = served.value() instanceof RegionAnswer;
    planner.settle(
        route,
        served.region(),
        served.value() instanceof RegionAnswer i ? i.tokensUsed() : null,
        answered ? served.latency() : null);
    String model = served.region().modelFor(route.model());
    Map<CharSequence, List<CharSequence>> headers =
        model == null
            ? Map.of(
                REGION_HEADER,
                List.of(AsciiHeaders.repeated(served.region().name())),
                ATTEMPTS_HEADER,
                List.of(AsciiHeaders.count(served.attempts())))
            : Map.of(
                REGION_HEADER,
                List.of(AsciiHeaders.repeated(served.region().name())),
                ATTEMPTS_HEADER,
                List.of(AsciiHeaders.count(served.attempts())),
                MODEL_HEADER,
                List.of(model));
    if (served.value() instanceof InferenceProxy.Answer.Rejected rejected) {
      exchange.sendFull(
          rejected.status(),
          headers,
          rejected.contentType() == null
              ? MediaType.APPLICATION_OCTET_STREAM_VALUE
              : rejected.contentType(),
          rejected.body());
      return;
    }
    RegionAnswer answer = (RegionAnswer) served.value();
    ByteBuf body = exchange.alloc().ioBuffer(answer.length() + 512);
    try {
      body.writeBytes(RESULT_FIELD)
          .writeBytes(answer.json(), answer.offset(), answer.length())
          .writeBytes(METADATA_FIELD);
      metadata(route, served, answer, new ByteBufOutputStream(body));
      body.writeByte('}');
    } catch (RuntimeException | java.io.IOException e) {
      body.release();
      throw e;
    }
    exchange.sendFull(200, headers, MediaType.APPLICATION_JSON_VALUE, body);
  }

  /**
   * The answer's metadata object, written straight to bytes (no tree, no serializer provider per
   * request: it is built once per request on the hot path), into the buffer that goes to the
   * socket.
   */
  private void metadata(
      RouteRequest route,
      AttemptLoop.Served<InferenceProxy.Answer> served,
      RegionAnswer answer,
      java.io.OutputStream bytes)
      throws java.io.IOException {
    ObjectMapper json = Json.MAPPER;
    RegionEntry region = served.region();
    try (JsonGenerator out = json.getFactory().createGenerator(bytes)) {
      out.writeStartObject();
      // the region's own fields, then a comma: to the generator, "attempts" is the object's first
      // field
      out.writeRaw(regionFields(region));
      out.writeNumberField("attempts", served.attempts());
      String model = region.modelFor(route.model());
      if (model != null) {
        out.writeStringField("model", model);
      }
      out.writeNumberField("upstream_latency_ms", round(served.latency().toNanos() / 1e6, 3));
      out.writeStringField("policy", served.policy());
      if (served.panic()) {
        out.writeBooleanField("panic", true);
      }
      if (route.hedge() != null) {
        out.writeStringField("hedge", route.hedge());
      }
      if (route.hints().debugging() && route.plan() != null) {
        out.writeFieldName("decision");
        json.writeValue(out, Explanations.toMap(route.plan()));
      }
      if (answer.tokensUsed() != null) {
        out.writeNumberField("tokens_used", answer.tokensUsed());
        double usd = answer.tokensUsed() * region.costPer1kTokens() / 1000.0;
        out.writeNumberField("estimated_cost_usd", round(usd, 8));
        metrics.cost(region.name(), region.provider(), usd);
      }
      out.writeEndObject();
    }
  }

  /**
   * {@code "region":...,"provider":...,"cost_per_1k":...,"priority":...,} for the region, encoded
   * once per region entry (the same for every answer it gives).
   */
  private SerializableString regionFields(RegionEntry region) {
    RegionFields cached = regionFields.get(region.name());
    if (cached != null && cached.region() == region) {
      return cached.json();
    }
    ByteArrayBuilder bytes = new ByteArrayBuilder(128);
    try (JsonGenerator out = Json.MAPPER.getFactory().createGenerator(bytes)) {
      out.writeStartObject();
      out.writeStringField("region", region.name());
      out.writeStringField("provider", region.provider());
      out.writeNumberField("cost_per_1k", region.costPer1kTokens());
      out.writeNumberField("priority", region.priority());
      out.writeEndObject();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    String object = new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    SerializableString json = new SerializedString(object.substring(1, object.length() - 1) + ",");
    if (regionFields.size() > 10_000) {
      regionFields.clear(); // a long life of table changes: start over rather than grow
    }
    regionFields.put(region.name(), new RegionFields(region, json));
    return json;
  }

  private record RegionFields(RegionEntry region, SerializableString json) {}

  /** Rounded half up to the given places (3 or 8: far inside a double's precision). */
  static double round(double value, int places) {
    double scale = Math.pow(10, places);
    return Math.round(value * scale) / scale;
  }

  static void requireJson(String contentType) {
    if (contentType == null) {
      throw new RouterException(
          415, "unsupported_media_type", "Content-Type must be application/json", null, 0);
    }
    if (contentType.equalsIgnoreCase(MediaType.APPLICATION_JSON_VALUE)) {
      return; // the common case, without parsing the media type
    }
    try {
      MediaType type = MediaType.parseMediaType(contentType);
      if (type.isCompatibleWith(MediaType.APPLICATION_JSON)
          && !type.isWildcardType()
          && !type.isWildcardSubtype()) {
        return;
      }
      if ("application".equals(type.getType()) && type.getSubtype().endsWith("+json")) {
        return;
      }
    } catch (InvalidMediaTypeException e) {
      // falls through to 415
    }
    throw new RouterException(
        415,
        "unsupported_media_type",
        "Content-Type must be application/json, got " + contentType,
        null,
        0);
  }
}
