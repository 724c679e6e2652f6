package dev.regionrouter.router.edge;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.config.ProxyProperties;
import dev.regionrouter.router.error.RouterException;
import dev.regionrouter.router.exchange.AttemptLoop;
import dev.regionrouter.router.exchange.Deadline;
import dev.regionrouter.router.exchange.Exchange;
import dev.regionrouter.router.exchange.HedgingAttempt;
import dev.regionrouter.router.exchange.InferenceProxy;
import dev.regionrouter.router.exchange.RegionAnswer;
import dev.regionrouter.router.observe.TraceContext;
import dev.regionrouter.router.selection.Explanations;
import dev.regionrouter.router.selection.RoutePlanner;
import dev.regionrouter.router.selection.RouteRequest;
import dev.regionrouter.router.table.PerRegion;
import dev.regionrouter.router.upstream.AsciiHeaders;
import dev.regionrouter.router.upstream.HeaderPolicy;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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
  private final RoutePlanner planner;
  private final HedgingAttempt hedging;
  private final Exchange.Ledger ledger;
  private final PerRegion<RegionFields> regionFields =
      new PerRegion<>(InferenceEndpoint::regionFields);

  public InferenceEndpoint(
      InferenceProxy proxy,
      ProxyProperties settings,
      RoutePlanner planner,
      HedgingAttempt hedging,
      Exchange.Ledger ledger) {
    this.proxy = proxy;
    this.settings = settings;
    this.ledger = ledger;
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
    InferenceRequest.Parsed request =
        InferenceRequest.parse(exchange.body(), Json.MAPPER, exchange.jsonScanner());
    Deadline deadline = Deadline.in(exchange.requestTimeout(settings.requestTimeout()));
    RouteRequest route =
        planner.request(exchange::header, request.estimatedTokens(), request.model());
    String authorization = exchange.header("Authorization");
    Exchange call = ledger.open(route, deadline);
    RegionCalls.serve(
        exchange,
        call,
        () ->
            hedging.run(
                call,
                leg ->
                    proxy.infer(
                        leg,
                        request.forward(),
                        authorization,
                        TraceContext.forRegion(exchange::header),
                        exchange.loop(),
                        exchange.jsonScanner()),
                exchange.loop()),
        served -> {
          try {
            respond(exchange, call, served);
          } catch (RuntimeException | java.io.IOException e) {
            exchange.sendError(e);
          }
        });
  }

  private void respond(
      DataPlaneExchange exchange, Exchange call, AttemptLoop.Served<InferenceProxy.Answer> served)
      throws java.io.IOException {
    RouteRequest route = call.route();
    Double usd =
        served.value() instanceof RegionAnswer answered
            ? call.served(served.region(), answered.tokensUsed(), served.latency())
            : call.served(served.region(), null, null);
    if (usd != null
        && served.value() instanceof RegionAnswer answered
        && answered.tokensUsed() != null) {
      exchange.usage(answered.tokensUsed(), usd);
    }
    String model = served.region().modelFor(route.model());
    RegionFields region = regionFields.get(served.region());
    Map<CharSequence, List<CharSequence>> headers =
        model == null
            ? region.headers(served.attempts())
            : Map.of(
                REGION_HEADER,
                region.header(),
                ATTEMPTS_HEADER,
                attemptsValue(served.attempts()),
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
      metadata(route, served, answer, region.json(), usd, body);
      body.writeByte('}');
    } catch (RuntimeException | java.io.IOException e) {
      body.release();
      throw e;
    }
    exchange.sendFull(200, headers, MediaType.APPLICATION_JSON_VALUE, body);
  }

  /** The answer's metadata object, into the buffer that goes to the socket. */
  private void metadata(
      RouteRequest route,
      AttemptLoop.Served<InferenceProxy.Answer> served,
      RegionAnswer answer,
      SerializableString regionFields,
      Double usd,
      ByteBuf body)
      throws java.io.IOException {
    RegionEntry region = served.region();
    Long tokens = answer.tokensUsed();
    new AnswerMetadata(
            regionFields,
            served.attempts(),
            region.modelFor(route.model()),
            round(served.latency().toNanos() / 1e6, AnswerMetadata.LATENCY_PLACES),
            served.policy(),
            served.panic(),
            route.hedge(),
            route.hints().debugging() && route.plan() != null
                ? Explanations.toMap(route.plan())
                : null,
            tokens,
            usd == null ? 0 : round(usd, AnswerMetadata.COST_PLACES))
        .writeTo(body, Json.MAPPER);
  }

  /**
   * {@code "region":...,"provider":...,"cost_per_1k":...,"priority":...,} for the region, encoded
   * once per region entry (the same for every answer it gives).
   */
  private static RegionFields regionFields(RegionEntry region) {
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
    return new RegionFields(json, List.of(AsciiHeaders.repeated(region.name())));
  }

  /**
   * What an answer from a region repeats: its metadata fields, its header value, and its answer
   * headers for the usual small attempt counts (made once each).
   */
  private record RegionFields(
      SerializableString json,
      List<CharSequence> header,
      Map<CharSequence, List<CharSequence>>[] byAttempts) {

    RegionFields(SerializableString json, List<CharSequence> header) {
      this(json, header, headersByAttempts(header));
    }

    Map<CharSequence, List<CharSequence>> headers(int attempts) {
      return attempts >= 0 && attempts < byAttempts.length
          ? byAttempts[attempts]
          : Map.of(REGION_HEADER, header, ATTEMPTS_HEADER, attemptsValue(attempts));
    }

    @SuppressWarnings("unchecked")
    private static Map<CharSequence, List<CharSequence>>[] headersByAttempts(
        List<CharSequence> header) {
      Map<CharSequence, List<CharSequence>>[] maps = new Map[ATTEMPT_COUNTS.length];
      for (int i = 0; i < maps.length; i++) {
        maps[i] = Map.of(REGION_HEADER, header, ATTEMPTS_HEADER, ATTEMPT_COUNTS[i]);
      }
      return maps;
    }
  }

  private static List<CharSequence> attemptsValue(int attempts) {
    return attempts >= 0 && attempts < ATTEMPT_COUNTS.length
        ? ATTEMPT_COUNTS[attempts]
        : List.of(AsciiHeaders.count(attempts));
  }

  /** The attempts header's value for the usual small counts, one list each. */
  private static final List<CharSequence>[] ATTEMPT_COUNTS = attemptCounts();

  @SuppressWarnings("unchecked")
  private static List<CharSequence>[] attemptCounts() {
    List<CharSequence>[] counts = new List[17];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = List.of(AsciiHeaders.count(i));
    }
    return counts;
  }

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
