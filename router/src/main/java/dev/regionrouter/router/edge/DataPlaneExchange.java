package dev.regionrouter.router.edge;

import dev.regionrouter.router.error.RouterException;
import dev.regionrouter.router.json.JsonScanner;
import dev.regionrouter.router.observe.RequestRecord;
import dev.regionrouter.router.observe.TraceContext;
import dev.regionrouter.router.upstream.AsciiHeaders;
import dev.regionrouter.router.upstream.HeaderPolicy;
import dev.regionrouter.router.upstream.UpstreamClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One data-plane request on its connection, as the endpoints see it: the request (its body read
 * whole) and the ways to answer it, once: a whole response, or a stream (head, chunks, end), or an
 * abort (the connection is cut: a stream the region broke). Every method may be called from any
 * thread; the work runs on the connection's event loop. When the caller goes away first, the hook
 * given to {@link #onCallerGone} runs (it cancels the request's region calls).
 */
public final class DataPlaneExchange {

  private static final Logger log = LoggerFactory.getLogger(DataPlaneExchange.class);

  /**
   * Our handler's place in the pipeline: answers go from here toward the socket, past nothing else.
   */
  /** The connection's JSON scanner: its requests and their answers are read with it. */
  private final JsonScanner json;

  private final ChannelHandlerContext ctx;

  private final Channel channel;
  private final HttpRequest request;
  private final String path;
  private final String query;
  private final byte[] body;
  private final boolean keepAlive;
  private final Runnable onEnd;
  private final java.util.function.BooleanSupplier draining;

  /** Headers for whatever answer goes out (rare: null until one is set). */
  private HttpHeaders extraHeaders;

  private volatile Runnable callerGone;
  private boolean committed;
  private boolean ended;

  /** What the request log records of this exchange (see {@link #record}). */
  private final long startNanos = System.nanoTime();

  private int status;
  private volatile String servedBy;
  private volatile int attempts;
  private volatile long tokens = -1;
  private volatile double costUsd = Double.NaN;
  private boolean callerLeft;

  DataPlaneExchange(
      ChannelHandlerContext ctx,
      HttpRequest request,
      String path,
      String query,
      byte[] body,
      boolean keepAlive,
      java.util.function.BooleanSupplier draining,
      Runnable onEnd,
      JsonScanner json) {
    this.draining = draining;
    this.json = json;
    this.ctx = ctx;
    this.channel = ctx.channel();
    this.request = request;
    this.path = path;
    this.query = query;
    this.body = body;
    this.keepAlive = keepAlive;
    this.onEnd = onEnd;
  }

  public String method() {
    return request.method().name();
  }

  public String path() {
    return path;
  }

  /** The raw query string, or null. */
  public String query() {
    return query;
  }

  public byte[] body() {
    return body;
  }

  /** The connection's JSON scanner, reused request after request (see JsonScanner#over). */
  public JsonScanner jsonScanner() {
    return json;
  }

  /** A request header (case-insensitive), or null. */
  public String header(String name) {
    return request.headers().get(name);
  }

  /** Every request header, as sent. */
  public Map<String, List<String>> headers() {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : request.headers().names()) {
      headers.put(name, request.headers().getAll(name));
    }
    return headers;
  }

  /** Allocates buffers for the answer (pooled, direct: written to the socket without a copy). */
  public io.netty.buffer.ByteBufAllocator alloc() {
    return ctx.alloc();
  }

  /** The connection's event loop: where the request's timers run. */
  public EventLoop loop() {
    return channel.eventLoop();
  }

  /** Added to whatever answer goes out (set before it goes). */
  public void setResponseHeader(String name, String value) {
    onLoop(
        () -> {
          if (extraHeaders == null) {
            extraHeaders = AsciiHeaders.OUTGOING.newHeaders();
          }
          extraHeaders.set(name, value);
        });
  }

  /** The region whose answer the caller gets, after how many attempts. */
  public void servedBy(String region, int attempts) {
    this.servedBy = region;
    this.attempts = attempts;
  }

  /** The tokens the region reported and their estimated cost. */
  public void usage(long tokens, double costUsd) {
    this.tokens = tokens;
    this.costUsd = costUsd;
  }

  /** The exchange as the request log keeps it (once it ended). */
  RequestRecord record() {
    long duration = System.nanoTime() - startNanos;
    return new RequestRecord(
        java.time.Instant.now().minusNanos(duration),
        method(),
        path,
        status,
        servedBy,
        attempts,
        duration,
        tokens,
        costUsd,
        TraceContext.traceId(header(TraceContext.TRACEPARENT)),
        callerLeft);
  }

  public void onCallerGone(Runnable hook) {
    this.callerGone = hook;
  }

  /** Whether status and headers went out (an error can then only cut the connection). */
  public boolean committed() {
    return committed;
  }

  /** headers: names and values as Strings, or as AsciiStrings (see {@link AsciiHeaders}). */
  public void sendFull(
      int status,
      Map<? extends CharSequence, ? extends List<? extends CharSequence>> headers,
      String contentType,
      byte[] content) {
    sendFull(status, headers, contentType, Unpooled.wrappedBuffer(content));
  }

  /** As {@link #sendFull(int, Map, String, byte[])}, taking ownership of the content buffer. */
  public void sendFull(
      int status,
      Map<? extends CharSequence, ? extends List<? extends CharSequence>> headers,
      String contentType,
      ByteBuf content) {
    onLoop(
        () -> {
          if (committed) {
            content.release();
            return;
          }
          committed = true;
          this.status = status;
          FullHttpResponse response =
              new DefaultFullHttpResponse(
                  HttpVersion.HTTP_1_1,
                  HttpResponseStatus.valueOf(status),
                  content,
                  AsciiHeaders.OUTGOING,
                  AsciiHeaders.OUTGOING_TRAILERS);
          HttpHeaders out = response.headers();
          headers.forEach(out::add);
          if (extraHeaders != null) {
            out.add(extraHeaders);
          }
          if (contentType != null) {
            out.set(HttpHeaderNames.CONTENT_TYPE, AsciiHeaders.known(contentType));
          }
          out.setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
          write(response, true);
        });
  }

  /**
   * The error shape for a RouterException, a generic 500 (logged) for anything else; once the
   * answer is committed (a stream under way), an error can only cut the connection.
   */
  public void sendError(Throwable error) {
    onLoop(
        () -> {
          if (committed) {
            abort();
            return;
          }
          if (error instanceof RouterException e) {
            attempts = Math.max(attempts, e.attempts());
            Map<String, List<String>> headers = new LinkedHashMap<>();
            if (e.retryAfter() != null) {
              headers.put(
                  HttpHeaderNames.RETRY_AFTER.toString(),
                  List.of(ErrorBodies.retryAfterSeconds(e.retryAfter())));
            }
            if (e.attempts() > 0 || e.status() == 503 || e.status() == 504) {
              headers.put(HeaderPolicy.ATTEMPTS_HEADER, List.of(Integer.toString(e.attempts())));
            }
            sendFull(
                e.status(),
                headers,
                "application/json",
                ErrorBodies.json(e.code(), e.getMessage()));
            return;
          }
          log.error("unexpected error on {} {}", method(), path, error);
          sendFull(
              500,
              Map.of(),
              "application/json",
              ErrorBodies.json("internal_error", "the router failed to handle the request"));
        });
  }

  /** Commits a streamed answer: status and headers go out now. */
  public void startStream(int status, Map<String, List<String>> headers) {
    onLoop(
        () -> {
          if (committed) {
            return;
          }
          committed = true;
          this.status = status;
          HttpResponse response =
              new DefaultHttpResponse(
                  HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), AsciiHeaders.OUTGOING);
          HttpHeaders out = response.headers();
          headers.forEach(out::add);
          if (extraHeaders != null) {
            out.add(extraHeaders);
          }
          boolean bodiless =
              method().equals("HEAD") || status == 204 || status == 304 || status < 200;
          if (!bodiless) {
            HttpUtil.setTransferEncodingChunked(response, true);
          }
          if (!keepAlive) {
            out.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
          }
          ctx.writeAndFlush(response);
        });
  }

  /**
   * One chunk of a streamed answer, flushed; completes when written, fails when the caller left.
   */
  public CompletableFuture<Void> writeChunk(ByteBuf chunk) {
    CompletableFuture<Void> written = new CompletableFuture<>();
    onLoop(
        () -> {
          if (ended || !channel.isActive()) {
            chunk.release();
            written.completeExceptionally(new java.io.IOException("the caller left"));
            return;
          }
          ctx.writeAndFlush(new DefaultHttpContent(chunk))
              .addListener(
                  (ChannelFutureListener)
                      f -> {
                        if (f.isSuccess()) {
                          written.complete(null);
                        } else {
                          written.completeExceptionally(f.cause());
                        }
                      });
        });
    return written;
  }

  public UpstreamClient.BodySink sink() {
    return this::writeChunk;
  }

  /** Ends a streamed answer. */
  public void endStream() {
    onLoop(() -> write(LastHttpContent.EMPTY_LAST_CONTENT, false));
  }

  /**
   * Cuts the connection: the caller sees a truncated answer, never a complete-looking short one.
   */
  public void abort() {
    onLoop(
        () -> {
          if (!ended) {
            ended = true;
            ctx.close();
            onEnd.run();
          }
        });
  }

  /** The caller's connection closed while this exchange was open. */
  void callerLeft() {
    if (!ended) {
      ended = true;
      callerLeft = true;
      Runnable hook = callerGone;
      if (hook != null) {
        hook.run();
      }
      onEnd.run();
    }
  }

  private void write(Object last, boolean full) {
    if (ended) {
      io.netty.util.ReferenceCountUtil.release(last);
      return;
    }
    ended = true;
    boolean close = !keepAlive || draining.getAsBoolean();
    if (close && full) {
      ((HttpResponse) last).headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    if (close) {
      ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    } else {
      // no promise per answer: a failed write reaches DataPlaneHandler.exceptionCaught, which
      // closes the connection (an I/O error has closed it already)
      ctx.writeAndFlush(last, ctx.voidPromise());
    }
    onEnd.run();
  }

  private void onLoop(Runnable task) {
    EventLoop loop = channel.eventLoop();
    if (loop.inEventLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }

  /**
   * The deadline the caller asked for with X-Region-Router-Timeout-Ms, never longer than
   * configured.
   */
  public Duration requestTimeout(Duration configured) {
    String header = header(HeaderPolicy.TIMEOUT_HEADER);
    if (header == null) {
      return configured;
    }
    long millis;
    try {
      millis = Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      throw RouterException.badRequest(
          HeaderPolicy.TIMEOUT_HEADER + " must be a number of milliseconds");
    }
    if (millis < 1) {
      throw RouterException.badRequest(HeaderPolicy.TIMEOUT_HEADER + " must be >= 1");
    }
    Duration asked = Duration.ofMillis(millis);
    return asked.compareTo(configured) < 0 ? asked : configured;
  }
}
