package dev.regionrouter.mockregion.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regionrouter.mockregion.config.MockSettings;
import dev.regionrouter.mockregion.config.SettingsStore;
import dev.regionrouter.mockregion.config.StreamFault;
import dev.regionrouter.mockregion.inference.BadRequestException;
import dev.regionrouter.mockregion.inference.Json;
import dev.regionrouter.mockregion.inference.OpenAiApi;
import dev.regionrouter.mockregion.inference.OpenAiApi.CompletionRequest;
import dev.regionrouter.mockregion.inference.ReferenceApi.InferenceRequest;
import dev.regionrouter.mockregion.stats.RequestStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * One per connection, always on that connection's event loop. Simulated time is a task scheduled on
 * the event loop, never a sleep, so a slow answer holds no thread and other connections go on.
 *
 * <p>HTTP/1.1 answers must leave in request order, so a connection handles one request at a time:
 * pipelined requests wait in a short queue (reading pauses when it is full). Concurrency comes from
 * connections, which is how HTTP/1.1 clients work.
 */
final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final int MAX_QUEUED = 32;
  private static final byte[] SSE_DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SSE_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final ByteBuf SSE_DONE =
      Unpooled.unreleasableBuffer(
          Unpooled.wrappedBuffer("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII)));

  /** What the answer to one request needs to know about it once its buffers are released. */
  private record Exchange(Route route, HttpVersion version, boolean keepAlive, boolean head) {}

  private final RegionServices services;
  private final RequestStats stats;
  private final Responses responses;
  private ChannelHandlerContext ctx;
  private ArrayDeque<FullHttpRequest> queued;

  /** A request is being answered (possibly later, or never in hang mode). */
  private boolean busy;

  /** Inside handle(): an answer given now must not start the next request recursively. */
  private boolean dispatching;

  /** Inside a read burst: writes are flushed once at channelReadComplete. */
  private boolean reading;

  private boolean flushPending;

  /** The connection is closing or closed: nothing more is answered. */
  private boolean closing;

  RequestHandler(RegionServices services) {
    super(FullHttpRequest.class, true);
    this.services = services;
    this.stats = services.stats();
    this.responses = services.responses();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    stats.connectionOpened();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stats.connectionClosed();
    closing = true;
    if (queued != null) {
      queued.forEach(FullHttpRequest::release);
      queued.clear();
    }
    ctx.fireChannelInactive();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    reading = true;
    if (closing) {
      return;
    }
    if (busy) {
      if (queued == null) {
        queued = new ArrayDeque<>(4);
      }
      queued.add(request.retain());
      if (queued.size() >= MAX_QUEUED) {
        ctx.channel().config().setAutoRead(false);
      }
      return;
    }
    dispatch(request);
    if (!busy) {
      drain();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    reading = false;
    if (flushPending) {
      flushPending = false;
      ctx.flush();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Peers that vanish mid-answer are normal for a mock that hangs and resets on purpose.
    closing = true;
    ctx.close();
  }

  private void dispatch(FullHttpRequest request) {
    busy = true;
    dispatching = true;
    try {
      handle(request);
    } finally {
      dispatching = false;
    }
  }

  /** Starts the queued requests, one at a time, until one is answered later. */
  private void drain() {
    while (!busy && !closing && queued != null) {
      FullHttpRequest next = queued.poll();
      if (next == null) {
        break;
      }
      try {
        dispatch(next);
      } finally {
        next.release();
      }
    }
    if (!busy && !closing && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private void finished() {
    busy = false;
    if (!dispatching) {
      drain();
    }
  }

  private void handle(FullHttpRequest request) {
    if (request.decoderResult().isFailure()) {
      Exchange exchange = new Exchange(Route.UNKNOWN, HttpVersion.HTTP_1_1, false, false);
      reply(
          exchange,
          responses.error(
              ctx.alloc(), HttpResponseStatus.BAD_REQUEST, "bad_request", "invalid HTTP request"));
      return;
    }
    Route route = Route.of(request.uri());
    HttpMethod method = request.method();
    boolean head = HttpMethod.HEAD.equals(method);
    Exchange exchange =
        new Exchange(route, request.protocolVersion(), HttpUtil.isKeepAlive(request), head);
    if (route.admin) {
      reply(exchange, services.admin().handle(route, request, ctx.alloc()));
      return;
    }

    SettingsStore.Live live = services.settings().live();
    MockSettings settings = live.settings();
    switch (settings.mode()) {
      case DOWN -> {
        reply(
            exchange,
            responses.error(
                ctx.alloc(),
                HttpResponseStatus.SERVICE_UNAVAILABLE,
                "region_down",
                "mock region is down"));
        return;
      }
      case HANG -> {
        // Stay busy forever: the connection stays open and this request is never answered.
        stats.record(route.path, RequestStats.HANG);
        return;
      }
      case RESET -> {
        stats.record(route.path, RequestStats.RESET);
        reset();
        return;
      }
      case RATE_LIMITED -> {
        if (route.inference) {
          FullHttpResponse limited =
              responses.error(
                  ctx.alloc(),
                  HttpResponseStatus.TOO_MANY_REQUESTS,
                  "rate_limited",
                  "mock region is rate limiting");
          limited.headers().setInt(HttpHeaderNames.RETRY_AFTER, settings.retryAfterSeconds());
          reply(exchange, limited);
          return;
        }
      }
      case OK -> {
        // answered below
      }
    }

    if (route == Route.UNKNOWN) {
      reply(
          exchange,
          responses.error(
              ctx.alloc(),
              HttpResponseStatus.NOT_FOUND,
              "not_found",
              "no such path: " + request.uri()));
      return;
    }
    boolean methodMatches = route.method.equals(method) || (head && route == Route.HEALTH);
    if (!methodMatches) {
      FullHttpResponse notAllowed =
          responses.error(
              ctx.alloc(),
              HttpResponseStatus.METHOD_NOT_ALLOWED,
              "method_not_allowed",
              route.path + " accepts " + route.method);
      notAllowed.headers().set(HttpHeaderNames.ALLOW, route.method.name());
      reply(exchange, notAllowed);
      return;
    }

    if (route == Route.HEALTH) {
      boolean fail = settings.failHealth() && injectFailure(settings);
      later(
          exchange,
          settings.latencyMs(),
          fail
              ? () -> failure(settings)
              : () -> responses.json(HttpResponseStatus.OK, services.reference().healthBody()));
      return;
    }

    JsonNode body;
    try {
      body = Json.parseObject(new ByteBufInputStream(request.content()));
      answerInference(exchange, live, body);
    } catch (BadRequestException e) {
      reply(
          exchange,
          responses.error(
              ctx.alloc(), HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage()));
    }
  }

  /**
   * Parses first (a bad body is a 400 at once), then answers after the inference delay, unless a
   * fault for the request's model says otherwise.
   */
  private void answerInference(Exchange exchange, SettingsStore.Live live, JsonNode body) {
    MockSettings settings = live.settings();
    Integer tokens = settings.tokensUsed();
    Supplier<FullHttpResponse> answer;
    CompletionRequest completion = null;
    switch (exchange.route()) {
      case INFERENCE -> {
        InferenceRequest request = services.reference().parseInference(body);
        answer =
            () ->
                responses.json(
                    ctx.alloc(),
                    HttpResponseStatus.OK,
                    out -> services.reference().writeInference(out, request, tokens));
      }
      case CHAT_COMPLETIONS, COMPLETIONS -> {
        OpenAiApi openAi = services.openAi();
        CompletionRequest request =
            exchange.route() == Route.CHAT_COMPLETIONS
                ? openAi.parseChat(body)
                : openAi.parseCompletion(body);
        completion = request;
        answer =
            () ->
                responses.json(
                    ctx.alloc(),
                    HttpResponseStatus.OK,
                    out ->
                        openAi.writeCompletion(
                            out, request, openAi.newId(request.kind()), nowSeconds(), tokens));
      }
      case EMBEDDINGS -> {
        OpenAiApi.EmbeddingRequest request = services.openAi().parseEmbeddings(body);
        answer =
            () ->
                responses.json(
                    ctx.alloc(),
                    HttpResponseStatus.OK,
                    out -> services.openAi().writeEmbeddings(out, request));
      }
      default -> throw new IllegalStateException("not an inference route: " + exchange.route());
    }
    long delayMs = settings.inferenceDelay().sampleMs();
    JsonNode model = body.get("model");
    boolean targeted =
        settings.faultsApplyTo(model != null && model.isTextual() ? model.asText() : null);
    if (targeted && (live.timedFailure() || injectFailure(settings))) {
      later(exchange, delayMs, () -> failure(settings));
    } else if (completion != null && completion.stream()) {
      stream(
          exchange,
          completion,
          Math.min(settings.latencyMs(), delayMs),
          delayMs,
          settings.streamIntervalMs(),
          settings.streamChunks(),
          targeted ? settings.streamFault() : StreamFault.NONE,
          settings.streamFaultAfter());
    } else {
      later(exchange, delayMs, answer);
    }
  }

  private static boolean injectFailure(MockSettings settings) {
    double rate = settings.failureRate();
    return rate > 0 && (rate >= 1 || ThreadLocalRandom.current().nextDouble() < rate);
  }

  private FullHttpResponse failure(MockSettings settings) {
    String code = settings.errorCode() == null ? "injected_failure" : settings.errorCode();
    FullHttpResponse failure =
        responses.error(
            ctx.alloc(),
            HttpResponseStatus.valueOf(settings.failureStatus()),
            code,
            "mock region failed this request on purpose (" + code + ")");
    if (settings.failureStatus() == 429) {
      failure.headers().setInt(HttpHeaderNames.RETRY_AFTER, settings.retryAfterSeconds());
    }
    return failure;
  }

  /** Answers after {@code delayMs} on this connection's event loop (at once when 0). */
  private void later(Exchange exchange, long delayMs, Supplier<FullHttpResponse> answer) {
    if (delayMs <= 0) {
      reply(exchange, answer.get());
      return;
    }
    ctx.executor()
        .schedule(
            () -> {
              if (!closing) {
                reply(exchange, answer.get());
              }
            },
            delayMs,
            TimeUnit.MILLISECONDS);
  }

  private void reply(Exchange exchange, FullHttpResponse response) {
    HttpUtil.setKeepAlive(response.headers(), exchange.version(), exchange.keepAlive());
    if (exchange.head()) {
      // HEAD: same headers (Content-Length included), no body
      FullHttpResponse headersOnly = response.replace(Unpooled.EMPTY_BUFFER);
      response.release();
      response = headersOnly;
    }
    if (!exchange.route().admin) {
      stats.record(exchange.route().path, response.status().code());
    }
    if (!exchange.keepAlive()) {
      closing = true;
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (reading) {
      ctx.write(response, ctx.voidPromise());
      flushPending = true;
    } else {
      ctx.writeAndFlush(response, ctx.voidPromise());
    }
    finished();
  }

  /**
   * Server-Sent Events: the head after {@code headDelayMs} (the region's distance, as /health
   * answers after it: OpenAI-compatible servers send a stream's head when they take the request),
   * then {@code count} chunks, the first after {@code firstDelayMs} (the time to the first token),
   * the others {@code intervalMs} apart, then {@code data: [DONE]}; unless {@code fault} strikes
   * after {@code faultAfter} chunks.
   */
  private void stream(
      Exchange exchange,
      CompletionRequest request,
      long headDelayMs,
      long firstDelayMs,
      long intervalMs,
      int count,
      StreamFault fault,
      int faultAfter) {
    OpenAiApi openAi = services.openAi();
    String id = openAi.newId(request.kind());
    long created = nowSeconds();
    String[] pieces = OpenAiApi.pieces(openAi.output(request), count);
    IntFunction<ByteBuf> chunk =
        index ->
            Responses.write(
                ctx.alloc(),
                256,
                out -> {
                  try {
                    out.write(SSE_DATA);
                    openAi.writeChunk(out, request, id, created, index, count, pieces[index]);
                    out.write(SSE_END);
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });
    HttpResponse head = responses.eventStreamHead();
    HttpUtil.setKeepAlive(head.headers(), exchange.version(), exchange.keepAlive());
    // the head on its own when it is due before the first chunk (scheduled earlier, so it runs
    // first)
    boolean headFirst = firstDelayMs > 0 && headDelayMs < firstDelayMs;
    Runnable step =
        new Runnable() {
          private int index;

          @Override
          public void run() {
            if (closing) {
              return;
            }
            if (index == 0 && !headFirst) {
              ctx.write(head, ctx.voidPromise());
            }
            if (index == faultAfter && fault != StreamFault.NONE && fault != StreamFault.NO_DONE) {
              ctx.flush();
              stats.record(exchange.route().path, "stream_" + fault.wireName().replace('-', '_'));
              switch (fault) {
                case CUT -> {
                  reset();
                  return;
                }
                case STALL -> {
                  return; // silent from here on, the connection open
                }
                default ->
                    ctx.write(
                        new DefaultHttpContent(
                            Unpooled.copiedBuffer(
                                "data: {\"choices\": [\n\n", StandardCharsets.US_ASCII)),
                        ctx.voidPromise());
              }
            }
            ctx.writeAndFlush(new DefaultHttpContent(chunk.apply(index)), ctx.voidPromise());
            index++;
            if (index < count) {
              ctx.executor().schedule(this, intervalMs, TimeUnit.MILLISECONDS);
              return;
            }
            if (fault != StreamFault.NO_DONE) {
              ctx.write(new DefaultHttpContent(SSE_DONE.duplicate()), ctx.voidPromise());
            }
            stats.record(exchange.route().path, 200);
            if (!exchange.keepAlive()) {
              closing = true;
              ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
                  .addListener(ChannelFutureListener.CLOSE);
              return;
            }
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
            finished();
          }
        };
    if (firstDelayMs <= 0) {
      step.run();
      return;
    }
    if (headFirst) {
      ctx.executor()
          .schedule(
              () -> {
                if (!closing) {
                  ctx.writeAndFlush(head, ctx.voidPromise());
                }
              },
              headDelayMs,
              TimeUnit.MILLISECONDS);
    }
    ctx.executor().schedule(step, firstDelayMs, TimeUnit.MILLISECONDS);
  }

  /**
   * Drops the connection with a TCP RST (SO_LINGER 0), as a crashed or firewalled upstream would.
   */
  private void reset() {
    closing = true;
    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
    ctx.channel().close();
  }

  private static long nowSeconds() {
    return System.currentTimeMillis() / 1000;
  }
}
