package dev.regionrouter.router.edge;

import dev.regionrouter.router.error.RouterException;
import dev.regionrouter.router.json.JsonScanner;
import dev.regionrouter.router.upstream.BodyParts;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.http.IdleTimeoutHandler;

/**
 * The data plane's place on each connection of the router's HTTP server, right after the HTTP
 * codec: requests under {@code /v1/} are served here, on the connection's event loop, without the
 * web framework (whose per-request cost would dominate the router's); every other request (health,
 * status pages, actuator) goes on to Spring WebFlux unchanged.
 *
 * <p>HTTP/1.1 answers must leave in request order, so while one request is being answered (here or
 * by Spring) the next ones wait in arrival order; past {@link #HELD_LIMIT} waiting messages no more
 * is read from the connection (a pipelining caller cannot make the router buffer without bound).
 * The body of a data-plane request is read whole up to the size limit (413 beyond it, before
 * reading when Content-Length says so) and within the body-read timeout (408): a caller trickling
 * its body holds only its own connection.
 */
final class DataPlaneHandler extends ChannelDuplexHandler {

  private static final Logger log = LoggerFactory.getLogger(DataPlaneHandler.class);

  /** Messages held (pipelined requests, their bodies) beyond which the connection stops reading. */
  private static final int HELD_LIMIT = 64;

  private final DataPlane plane;
  private final ArrayDeque<Object> held = new ArrayDeque<>();

  /** Reads this connection's request bodies and their region answers, one after the other. */
  private final JsonScanner json = JsonScanner.reusable();

  /** The data-plane request being read or answered. */
  private Reading reading;

  private DataPlaneExchange answering;

  /** A request handed to Spring whose answer has not ended. */
  private boolean foreign;

  /** The rest of the current request goes to Spring. */
  private boolean passing;

  /** The current data-plane request is refused: its remaining body is dropped. */
  private boolean discarding;

  /**
   * Closes a keep-alive connection left idle: armed once and re-armed for the rest of the idle time
   * when it finds the connection has been busy meanwhile (no timer scheduled and cancelled per
   * request).
   */
  private ScheduledFuture<?> idleCheck;

  /** When the connection last became idle (System.nanoTime). */
  private long idleSince;

  DataPlaneHandler(DataPlane plane) {
    this.plane = plane;
  }

  private boolean busy() {
    return reading != null || answering != null || foreign || discarding;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!held.isEmpty() || (msg instanceof HttpRequest && busy())) {
      held.add(msg);
      if (held.size() >= HELD_LIMIT && ctx.channel().config().isAutoRead()) {
        ctx.channel().config().setAutoRead(false); // a pipelining caller waits for its answers
      }
      return;
    }
    dispatch(ctx, msg);
  }

  /**
   * Reactor Netty reads on demand (auto-read off) and asks only for its own requests. A connection
   * serving the data plane reads continuously instead (auto-read on: asking for each read costs two
   * epoll_ctl calls per request), up to {@link #HELD_LIMIT} held messages; with auto-read off, the
   * data plane asks for the rest of a body it is reading, and for the next request once idle.
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.fireChannelReadComplete();
    if (reading != null) {
      reading.armTimer(ctx);
    }
    if (reading != null || discarding || (!busy() && held.isEmpty())) {
      readMore(ctx);
    }
  }

  private static void readMore(ChannelHandlerContext ctx) {
    if (!ctx.channel().config().isAutoRead()) {
      ctx.read();
    }
  }

  private void dispatch(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      String uri = request.uri();
      int q = uri.indexOf('?');
      String path = q < 0 ? uri : uri.substring(0, q);
      if (!request.decoderResult().isSuccess()
          || !(path.equals("/v1") || path.startsWith("/v1/"))) {
        foreign = true;
        passing = !(msg instanceof LastHttpContent);
        if (ctx.channel().config().isAutoRead()) {
          ctx.channel()
              .config()
              .setAutoRead(false); // Spring's request: Reactor Netty reads on demand
        }
        ctx.fireChannelRead(msg);
        return;
      }
      begin(ctx, request, path, q < 0 ? null : uri.substring(q + 1));
    }
    if (msg instanceof HttpContent content) {
      if (passing && !(msg instanceof HttpRequest)) {
        passing = !(msg instanceof LastHttpContent);
        ctx.fireChannelRead(msg);
        return;
      }
      if (reading != null) {
        reading.content(ctx, content);
      } else if (discarding && msg instanceof LastHttpContent) {
        discarding = false;
        ctx.close(); // the refused body is all read: now the connection can go without a reset
      }
    }
    ReferenceCountUtil.release(msg);
  }

  private void begin(ChannelHandlerContext ctx, HttpRequest request, String path, String query) {
    if (HttpUtil.getContentLength(request, -1L) > plane.maxBodyBytes()) {
      refuse(ctx, request, tooLarge());
      return;
    }
    // Reactor Netty's keep-alive idle timer only knows the requests it serves: it would cut a
    // long data-plane answer (a stream) whose caller sends nothing meanwhile; this handler keeps
    // its own idle timer between data-plane requests instead
    IdleTimeoutHandler.removeIdleTimeoutHandler(ctx.pipeline());
    if (!ctx.channel().config().isAutoRead() && held.size() < HELD_LIMIT) {
      ctx.channel().config().setAutoRead(true);
    }
    if (HttpUtil.is100ContinueExpected(request)) {
      ctx.writeAndFlush(
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }
    reading = new Reading(ctx, request, path, query);
  }

  private RouterException tooLarge() {
    return new RouterException(
        413,
        "body_too_large",
        "request body is larger than " + plane.maxBodyBytes() + " bytes",
        null,
        0);
  }

  /**
   * Answers an error before the body was read, with Connection: close. The rest of the body is read
   * and dropped before the connection closes (closing with unread bytes would reset it, and the
   * caller could lose the answer), within the body-read timeout.
   */
  private void refuse(ChannelHandlerContext ctx, HttpRequest request, RouterException error) {
    discarding = !(request instanceof LastHttpContent);
    DataPlaneExchange exchange =
        new DataPlaneExchange(
            ctx, request, "", null, new byte[0], true, () -> false, () -> {}, json);
    exchange.setResponseHeader("Connection", "close");
    exchange.sendError(error);
    if (!discarding) {
      ctx.close();
      return;
    }
    ctx.executor()
        .schedule(() -> ctx.close(), plane.bodyReadTimeout().toNanos(), TimeUnit.NANOSECONDS);
  }

  /** A data-plane request whose body is arriving. */
  private final class Reading {
    final HttpRequest request;
    final String path;
    final String query;
    final BodyParts body = new BodyParts();

    /** The body-read timeout: armed only when the body did not come whole with its request. */
    ScheduledFuture<?> timer;

    Reading(ChannelHandlerContext ctx, HttpRequest request, String path, String query) {
      this.request = request;
      this.path = path;
      this.query = query;
    }

    void armTimer(ChannelHandlerContext ctx) {
      if (timer == null) {
        timer =
            ctx.executor()
                .schedule(
                    () -> failSlow(ctx), plane.bodyReadTimeout().toNanos(), TimeUnit.NANOSECONDS);
      }
    }

    void cancelTimer() {
      if (timer != null) {
        timer.cancel(false);
      }
    }

    void failSlow(ChannelHandlerContext ctx) {
      fail(
          ctx,
          new RouterException(
              408,
              "request_timeout",
              "the request body did not arrive within "
                  + plane.bodyReadTimeout().toMillis()
                  + " ms",
              null,
              0));
    }

    void content(ChannelHandlerContext ctx, HttpContent content) {
      if (body.size() + (long) content.content().readableBytes() > plane.maxBodyBytes()) {
        fail(ctx, tooLarge());
        if (content instanceof LastHttpContent) {
          discarding = false;
          ctx.close(); // nothing more to drop
        }
        return;
      }
      if (!(content instanceof LastHttpContent)) {
        body.add(ctx.alloc(), content.content());
        return;
      }
      cancelTimer();
      byte[] bytes = body.finish(content.content());
      reading = null;
      serve(ctx, this, bytes);
    }

    void fail(ChannelHandlerContext ctx, RouterException error) {
      cancelTimer();
      body.release();
      reading = null;
      refuse(ctx, request, error);
      if (error.status() == 408) {
        ctx.close(); // a caller this slow is not waited for a second time
      }
    }
  }

  private void serve(ChannelHandlerContext ctx, Reading request, byte[] body) {
    plane.started();
    DataPlaneExchange exchange =
        new DataPlaneExchange(
            ctx,
            request.request,
            request.path,
            request.query,
            body,
            HttpUtil.isKeepAlive(request.request),
            plane::draining,
            () -> ended(ctx),
            json);
    answering = exchange;
    try {
      plane.endpointFor(exchange).handle(exchange);
    } catch (RuntimeException e) {
      exchange.sendError(e);
    }
  }

  /** The exchange's answer went out (or was cut): the next held request may go. */
  private void ended(ChannelHandlerContext ctx) {
    if (answering != null) {
      DataPlaneExchange done = answering;
      answering = null;
      plane.finished();
      plane.completed(done); // after the bookkeeping: recording never holds the connection
    }
    drainHeld(ctx);
    becameIdle(ctx);
  }

  private void becameIdle(ChannelHandlerContext ctx) {
    if (busy() || !ctx.channel().isActive()) {
      return;
    }
    idleSince = System.nanoTime();
    if (idleCheck == null) {
      armIdleCheck(ctx, plane.idleTimeout().toNanos());
    }
  }

  private void armIdleCheck(ChannelHandlerContext ctx, long delayNanos) {
    idleCheck =
        ctx.executor()
            .schedule(
                () -> {
                  idleCheck = null;
                  if (busy()) {
                    return; // armed again when the connection is next idle
                  }
                  long left = plane.idleTimeout().toNanos() - (System.nanoTime() - idleSince);
                  if (left <= 0) {
                    ctx.close();
                  } else {
                    armIdleCheck(ctx, left);
                  }
                },
                delayNanos,
                TimeUnit.NANOSECONDS);
  }

  private void drainHeld(ChannelHandlerContext ctx) {
    while (!held.isEmpty() && ctx.channel().isActive()) {
      if (held.peek() instanceof HttpRequest && busy()) {
        return;
      }
      dispatch(ctx, held.poll());
    }
    if (reading != null) {
      reading.armTimer(ctx); // its body may still be on its way
    }
    if (held.isEmpty() && !busy()) {
      readMore(ctx); // the next request
    }
  }

  /** Spring's answers pass here on their way out: the end of one lets held requests go. */
  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (foreign && msg instanceof LastHttpContent) {
      promise.addListener(
          (ChannelFutureListener)
              f -> {
                foreign = false;
                drainHeld(ctx);
                becameIdle(ctx);
              });
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (reading != null) {
      reading.cancelTimer();
      reading.body.release();
      reading = null;
    }
    DataPlaneExchange exchange = answering;
    if (exchange != null) {
      exchange.callerLeft(); // cancels its region calls
    }
    if (idleCheck != null) {
      idleCheck.cancel(false);
    }
    Object msg;
    while ((msg = held.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
    ctx.fireChannelInactive();
  }

  /**
   * A data-plane answer is written without a promise, so a failed write arrives here: the
   * connection is closed, as it is for any answer that could not be written whole. While Spring
   * serves the connection, its handlers get the exception instead.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (foreign) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    log.debug("closing a data-plane connection: {}", cause.toString());
    ctx.close();
  }

  /** Serves one data-plane request; throws (a RouterException) to answer an error. */
  interface Endpoint {
    void handle(DataPlaneExchange exchange);
  }
}
