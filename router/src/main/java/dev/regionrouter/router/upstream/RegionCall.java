package dev.regionrouter.router.upstream;

import dev.regionrouter.router.upstream.Target.Origin;
import dev.regionrouter.router.upstream.UpstreamClient.Request;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One call to a region, on one event loop: a connection (a pooled one, a stream of the region's
 * HTTP/2 connection, or a new one), the request, the timeout, and the end: the connection back to
 * the pool after a complete answer that allows keep-alive, closed after anything else (a timeout,
 * an error, a cancel, an oversized answer). Every method but the constructor and cancel runs on the
 * loop; as the timeout's task, it runs {@link #expire}.
 */
final class RegionCall<T> implements Runnable {

  /** Headers the client sets itself (framing) or that must not cross the proxy. */
  private static final Set<String> NOT_SETTABLE =
      Set.of(
          "connection",
          "content-length",
          "expect",
          "host",
          "upgrade",
          "keep-alive",
          "te",
          "trailer",
          "transfer-encoding",
          "proxy-connection");

  private static final byte[] NO_BODY = new byte[0];

  final Connector connector;
  final Request request;
  final Duration timeout;
  final long maxBodyBytes;
  final boolean streaming;

  /** Cancelled (hedge loser, caller gone): the call aborts, its connection cannot be reused. */
  final CompletableFuture<T> result = new CancellableFuture<>(this::cancelled);

  final Origin origin;
  final Target target;

  /** Volatile: a cancel from another thread either sees it (and aborts there) or begin sees it. */
  volatile EventLoop loop;

  Channel channel;
  private ScheduledFuture<?> timer;
  boolean expired;

  /** Sent on a pooled HTTP/1.1 connection (which the region may have closed as idle meanwhile). */
  private boolean reused;

  boolean answerStarted;

  RegionCall(
      Connector connector,
      Target target,
      Request request,
      Duration timeout,
      long maxBodyBytes,
      boolean streaming) {
    this.connector = connector;
    this.request = request;
    this.timeout = timeout;
    this.maxBodyBytes = maxBodyBytes;
    this.streaming = streaming;
    this.target = target;
    this.origin = target.origin();
  }

  void begin(EventLoop loop) {
    this.loop = loop;
    if (result.isDone()) {
      return; // cancelled before it started
    }
    timer = loop.schedule(this, Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
    ConnectionPool pool = connector.pool(loop);
    Channel shared = pool.multiplexed(origin);
    if (shared != null) {
      Http2Negotiation.openStream(shared, this);
      return;
    }
    Channel pooled = pool.take(origin);
    if (pooled != null) {
      reused = true;
      send(pooled);
      return;
    }
    connect();
  }

  private void connect() {
    connector
        .connect(this)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    fail(Connector.connectFailure(origin, f.cause()));
                    return;
                  }
                  if (result.isDone()) {
                    f.channel().close();
                    return;
                  }
                  if (f.channel().pipeline().get(Http2Negotiation.class) == null) {
                    send(f.channel());
                  }
                });
  }

  void send(Channel ch) {
    this.channel = ch;
    ch.pipeline().get(ResponseReader.class).call = this;
    byte[] body = request.body() == null ? NO_BODY : request.body();
    FullHttpRequest out =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.valueOf(request.method()),
            target.requestTarget(),
            Unpooled.wrappedBuffer(body),
            AsciiHeaders.OUTGOING,
            AsciiHeaders.OUTGOING_TRAILERS);
    request
        .headers()
        .forEach(
            (name, values) -> {
              if (!NOT_SETTABLE.contains(name.toLowerCase(Locale.ROOT))) {
                CharSequence ascii = AsciiHeaders.known(name);
                for (String value : values) {
                  out.headers().add(ascii, AsciiHeaders.known(value));
                }
              }
            });
    out.headers().set(HttpHeaderNames.HOST, target.hostHeader());
    if (body.length > 0 || !request.method().equals("GET") && !request.method().equals("HEAD")) {
      out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    }
    // a failed write reaches the ResponseReader as an exception (the void promise fires it)
    ch.writeAndFlush(out, ch.voidPromise());
  }

  /**
   * The region closed a pooled connection before a byte of the answer: it most likely closed it as
   * idle while the request was on its way (a race every keep-alive client meets), and had not
   * started on the request. Such a call is sent once more on a new connection, as HTTP clients do,
   * instead of failing the region.
   */
  boolean staleConnection() {
    return reused && !answerStarted && !expired && !result.isDone();
  }

  void retryOnNewConnection() {
    reused = false;
    channel = null;
    connect();
  }

  /** The timeout passed. */
  @Override
  public void run() {
    expire();
  }

  private void expire() {
    expired = true;
    fail(new HttpTimeoutException("no answer within " + timeout.toMillis() + " ms"));
  }

  private void cancelled() {
    EventLoop started = loop;
    if (started != null) {
      started.execute(this::abort);
    }
  }

  /** Fails the call (if still open) and drops its connection. */
  void fail(Throwable error) {
    if (timer != null) {
      timer.cancel(false);
    }
    if (result.completeExceptionally(error) || result.isCancelled()) {
      abort();
    }
  }

  void abort() {
    if (channel != null) {
      ResponseReader reader = channel.pipeline().get(ResponseReader.class);
      if (reader != null) {
        reader.release();
      }
      channel.close();
    }
  }

  @SuppressWarnings("unchecked")
  void succeed(Object value) {
    if (timer != null) {
      timer.cancel(false);
    }
    if (!result.complete((T) value)) {
      ReferenceCountUtil.release(value);
    }
  }

  /** The connection goes back to its loop's pool, or is closed. */
  void recycle(boolean keepAlive) {
    Channel ch = channel;
    channel = null;
    ResponseReader reader = ch.pipeline().get(ResponseReader.class);
    reader.call = null;
    if (!keepAlive || !ch.isActive()) {
      ch.close();
      return;
    }
    if (ch instanceof Http2StreamChannel) {
      ch.close(); // the stream is done; its connection stays shared
      return;
    }
    connector.pool(loop).release(origin, ch, reader);
  }
}
