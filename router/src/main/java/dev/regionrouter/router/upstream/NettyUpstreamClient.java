package dev.regionrouter.router.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.ThreadExecutorMap;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * {@link UpstreamClient} on Netty, HTTP/1.1 and HTTP/2 (h2 over TLS, by ALPN), non-blocking. A call
 * made on an event loop of the data plane registers its region connection on that same loop, and
 * the connection pool is per loop: the inbound request, the region exchange and the answer never
 * cross threads and need no locks (measured in bench/hotpath: the thread hand-offs of a blocking
 * client on virtual threads cost as much as the rest of the proxy). Calls from elsewhere (the
 * prober) use the client's own small event loop group.
 *
 * <p>Pools keep idle HTTP/1.1 keep-alive connections LIFO (the warmest first) and close those idle
 * for the idle timeout, and keep one HTTP/2 connection per region and event loop whose streams
 * carry every call; a connection is reused only after a complete answer that allows keep-alive, and
 * is closed on any timeout, error, cancellation or oversized answer. The timeout covers the whole
 * exchange (buffered) or the response headers (streaming). No retries, redirects or decompression:
 * the attempt loop decides about retries and bodies cross unchanged.
 */
public class NettyUpstreamClient implements UpstreamClient {

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

  /** Idle connections kept per region and event loop; more are closed when returned. */
  private static final int MAX_IDLE_PER_ORIGIN = 256;

  private final EventLoopGroup ownGroup;
  private final boolean epoll;
  private final int connectTimeoutMillis;
  private final long idleTimeoutNanos;
  private final boolean http2;
  private final SslContext ssl;
  private final Map<EventLoop, LoopPools> pools = new ConcurrentHashMap<>();
  private final Map<URI, Target> targets = new ConcurrentHashMap<>();

  /**
   * One event loop's connections: idle HTTP/1.1 ones (newest first), and one HTTP/2 connection per
   * region for its streams. Touched only on its loop.
   */
  private final class LoopPools {
    final EventLoop loop;
    final Map<Origin, ArrayDeque<Channel>> idle = new HashMap<>();
    final Map<Origin, Channel> multiplexed = new HashMap<>();

    /** Closes connections idle past the idle timeout; started with the first connection pooled. */
    ScheduledFuture<?> sweeper;

    LoopPools(EventLoop loop) {
      this.loop = loop;
    }

    void pool(Origin origin, Channel ch, ResponseHandler handler) {
      ArrayDeque<Channel> connections = idle.computeIfAbsent(origin, o -> new ArrayDeque<>());
      if (connections.size() >= MAX_IDLE_PER_ORIGIN) {
        ch.close();
        return;
      }
      handler.idleSince = System.nanoTime();
      connections.addFirst(ch);
      if (sweeper == null) {
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), idleTimeoutNanos / 2);
        sweeper =
            loop.scheduleWithFixedDelay(this::closeIdle, period, period, TimeUnit.NANOSECONDS);
      }
    }

    /**
     * A burst opens as many connections as it has requests in flight; once it is over, those not
     * needed again would stay open for good against a region that never closes idle ones (fds on
     * both sides), or go stale behind a NAT or load balancer that drops them silently. Pooled
     * newest first, so the ones idle longest are at the tail.
     */
    void closeIdle() {
      long now = System.nanoTime();
      for (java.util.Iterator<ArrayDeque<Channel>> it = idle.values().iterator(); it.hasNext(); ) {
        ArrayDeque<Channel> connections = it.next();
        Channel oldest;
        while ((oldest = connections.peekLast()) != null
            && (!oldest.isActive()
                || now - oldest.pipeline().get(ResponseHandler.class).idleSince
                    >= idleTimeoutNanos)) {
          connections.pollLast().close();
        }
        if (connections.isEmpty()) {
          it.remove();
        }
      }
    }
  }

  /**
   * idleTimeout: a pooled HTTP/1.1 connection left unused this long is closed (checked every half
   * of it). http2: offer h2 to https regions (ALPN); those that take it get one connection per
   * event loop carrying every request as a stream. trustedCas: a PEM file of the CAs that region
   * certificates must chain to, instead of the JDK's (private regions); null for the JDK's.
   */
  public NettyUpstreamClient(
      Duration connectTimeout,
      Duration idleTimeout,
      int ownThreads,
      boolean http2,
      File trustedCas) {
    this.http2 = http2;
    this.idleTimeoutNanos = Math.max(1, idleTimeout.toNanos());
    this.epoll = Epoll.isAvailable();
    ThreadFactory threads = Thread.ofPlatform().daemon().name("upstream-", 0).factory();
    this.ownGroup =
        new MultiThreadIoEventLoopGroup(
            ownThreads, threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    try {
      SslContextBuilder tls = SslContextBuilder.forClient();
      if (trustedCas != null) {
        tls.trustManager(trustedCas);
      }
      if (http2) {
        tls.applicationProtocolConfig(
            new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                ApplicationProtocolNames.HTTP_2,
                ApplicationProtocolNames.HTTP_1_1));
      }
      this.ssl = tls.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot set up TLS for https regions: " + e.getMessage(), e);
    }
  }

  private record Origin(boolean https, String host, int port) {
    static Origin of(URI uri) {
      boolean https = "https".equalsIgnoreCase(uri.getScheme());
      int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
      return new Origin(https, uri.getHost(), port);
    }

    String hostHeader() {
      return (https && port == 443) || (!https && port == 80) ? host : host + ":" + port;
    }
  }

  /**
   * Where a URI's requests go, worked out once per URI (a region's URIs repeat on every request).
   */
  private record Target(Origin origin, String requestTarget, CharSequence hostHeader) {
    static Target of(URI uri) {
      Origin origin = Origin.of(uri);
      String target =
          uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      if (uri.getRawQuery() != null) {
        target = target + "?" + uri.getRawQuery();
      }
      return new Target(origin, target, AsciiHeaders.repeated(origin.hostHeader()));
    }
  }

  private Target target(URI uri) {
    Target target = targets.get(uri);
    if (target == null) {
      if (targets.size() >= 10_000) {
        targets.clear(); // pass-through URIs with ever new paths: start over rather than grow
      }
      target = Target.of(uri);
      targets.put(uri, target);
    }
    return target;
  }

  @Override
  public CompletableFuture<Buffered> exchange(
      Request request, Duration timeout, long maxBodyBytes) {
    Call<Buffered> call = new Call<>(request, timeout, maxBodyBytes, false);
    start(call);
    return call.result;
  }

  @Override
  public CompletableFuture<Streaming> open(Request request, Duration timeout) {
    Call<Streaming> call = new Call<>(request, timeout, Long.MAX_VALUE, true);
    start(call);
    return call.result;
  }

  private void start(Call<?> call) {
    EventLoop loop = loopForCaller();
    if (loop.inEventLoop()) {
      call.begin(loop);
    } else {
      loop.execute(() -> call.begin(loop));
    }
  }

  /** Runs the task on the loop: at once when already there, else queued to it. */
  private static void onLoop(EventLoop loop, Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }

  /** The caller's own event loop when it runs on a compatible one, else one of the client's. */
  private EventLoop loopForCaller() {
    EventExecutor current = ThreadExecutorMap.currentExecutor();
    if (current instanceof IoEventLoop loop
        && !loop.isShutdown()
        && loop.isCompatible(
            epoll ? EpollIoHandle.class : io.netty.channel.nio.NioIoHandle.class)) {
      return loop;
    }
    return ownGroup.next();
  }

  private LoopPools pool(EventLoop loop) {
    LoopPools pool = pools.get(loop);
    return pool != null ? pool : pools.computeIfAbsent(loop, LoopPools::new);
  }

  /** One exchange; every method runs on its event loop. */
  private final class Call<T> implements Runnable {
    final Request request;
    final Duration timeout;
    final long maxBodyBytes;
    final boolean streaming;

    /** Cancelled (hedge loser, caller gone): the call aborts, its connection cannot be reused. */
    final CompletableFuture<T> result = new CancellableFuture<>(this::cancelled);

    final Origin origin;
    final Target target;

    /**
     * Volatile: a cancel from another thread either sees it (and aborts there) or begin sees the
     * cancel.
     */
    volatile EventLoop loop;

    Channel channel;
    ScheduledFuture<?> timer;
    boolean expired;

    /**
     * Sent on a pooled HTTP/1.1 connection (which the region may have closed as idle meanwhile).
     */
    boolean reused;

    boolean answerStarted;

    Call(Request request, Duration timeout, long maxBodyBytes, boolean streaming) {
      this.request = request;
      this.timeout = timeout;
      this.maxBodyBytes = maxBodyBytes;
      this.streaming = streaming;
      this.target = target(request.uri());
      this.origin = target.origin();
    }

    void begin(EventLoop loop) {
      this.loop = loop;
      if (result.isDone()) {
        return; // cancelled before it started
      }
      timer = loop.schedule(this, Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
      Channel shared = pool(loop).multiplexed.get(origin);
      if (shared != null && shared.isActive()) {
        openStream(shared);
        return;
      }
      ArrayDeque<Channel> idle = pool(loop).idle.get(origin);
      Channel pooled;
      while (idle != null && (pooled = idle.pollFirst()) != null) {
        if (pooled.isActive()) {
          reused = true;
          send(pooled);
          return;
        }
      }
      connect();
    }

    void connect() {
      Bootstrap bootstrap =
          new Bootstrap()
              .group(loop)
              .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      if (origin.https()) {
                        ch.pipeline()
                            .addLast(ssl.newHandler(ch.alloc(), origin.host(), origin.port()));
                      }
                      if (origin.https() && http2) {
                        ch.pipeline()
                            .addLast(new Negotiation(Call.this)); // h2 or http/1.1, once TLS is up
                      } else {
                        ch.pipeline().addLast(codec(), new ResponseHandler());
                      }
                    }
                  });
      bootstrap
          .connect(origin.host(), origin.port())
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (!f.isSuccess()) {
                      Throwable cause = f.cause();
                      fail(
                          cause instanceof ConnectTimeoutException
                              ? new HttpConnectTimeoutException(
                                  "connect to "
                                      + origin.host()
                                      + ":"
                                      + origin.port()
                                      + " timed out")
                              : cause instanceof ConnectException ce ? ce : connectFailure(cause));
                      return;
                    }
                    if (result.isDone()) {
                      f.channel().close();
                      return;
                    }
                    if (f.channel().pipeline().get(Negotiation.class) == null) {
                      send(f.channel());
                    }
                  });
    }

    /** TLS and ALPN are done on a new connection: HTTP/2 (shared from now on) or HTTP/1.1. */
    void negotiated(Channel ch, String protocol) {
      if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
        ch.pipeline()
            .addLast(
                Http2FrameCodecBuilder.forClient().build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        pool(loop).multiplexed.put(origin, ch);
        if (result.isDone()) {
          return; // the connection stays for the next calls
        }
        openStream(ch);
      } else {
        ch.pipeline().addLast(codec(), new ResponseHandler());
        if (result.isDone()) {
          ch.close();
          return;
        }
        send(ch);
      }
    }

    /** One request on a shared HTTP/2 connection: its own stream, read as HTTP/1.1 objects. */
    void openStream(Channel parent) {
      new Http2StreamChannelBootstrap(parent)
          .handler(
              new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel stream) {
                  stream
                      .pipeline()
                      .addLast(new Http2StreamFrameToHttpObjectCodec(false), new ResponseHandler());
                }
              })
          .open()
          .addListener(
              f -> {
                if (!f.isSuccess()) {
                  fail(new IOException("cannot open an HTTP/2 stream: " + f.cause(), f.cause()));
                  return;
                }
                Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
                if (result.isDone()) {
                  stream.close();
                  return;
                }
                send(stream);
              });
    }

    void send(Channel ch) {
      this.channel = ch;
      ch.pipeline().get(ResponseHandler.class).call = this;
      byte[] body = request.body() == null ? new byte[0] : request.body();
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
      // a failed write reaches the ResponseHandler as an exception (the void promise fires it)
      ch.writeAndFlush(out, ch.voidPromise());
    }

    /**
     * The region closed a pooled connection before a byte of the answer: it most likely closed it
     * as idle while the request was on its way (a race every keep-alive client meets), and had not
     * started on the request. Such a call is sent once more on a new connection, as HTTP clients
     * do, instead of failing the region.
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

    void expire() {
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
        ResponseHandler handler = channel.pipeline().get(ResponseHandler.class);
        if (handler != null) {
          handler.release();
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
      ResponseHandler handler = ch.pipeline().get(ResponseHandler.class);
      handler.call = null;
      if (!keepAlive || !ch.isActive()) {
        ch.close();
        return;
      }
      if (ch instanceof Http2StreamChannel) {
        ch.close(); // the stream is done; its connection stays shared
        return;
      }
      pool(loop).pool(origin, ch, handler);
    }
  }

  /**
   * HTTP/1.1 to a region. An answer's trailers are almost always empty, yet the decoder makes a
   * header map for them with every answer: a small one (it still takes any number of trailers).
   */
  private static HttpClientCodec codec() {
    return new HttpClientCodec(
        new HttpDecoderConfig()
            .setTrailersFactory(AsciiHeaders.sized(DefaultHttpHeadersFactory.trailersFactory(), 2)),
        false,
        false);
  }

  private static IOException connectFailure(Throwable cause) {
    if (cause instanceof java.net.UnknownHostException
        || cause instanceof java.nio.channels.UnresolvedAddressException) {
      ConnectException e = new ConnectException("unknown host: " + cause.getMessage());
      e.initCause(cause);
      return e;
    }
    // native transport errors ("connection refused") come as Errors.NativeIoException
    String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
    if (message.contains("refused") || message.contains("unreachable")) {
      ConnectException e = new ConnectException(cause.getMessage());
      e.initCause(cause);
      return e;
    }
    return new IOException("cannot connect: " + cause, cause);
  }

  /** Picks the pipeline of a new TLS connection by the protocol the region chose (ALPN). */
  private static final class Negotiation extends ApplicationProtocolNegotiationHandler {
    private final Call<?> call;

    Negotiation(Call<?> call) {
      super(ApplicationProtocolNames.HTTP_1_1); // a region without ALPN speaks HTTP/1.1
      this.call = call;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
      call.negotiated(ctx.channel(), protocol);
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
      call.fail(
          new IOException("TLS handshake with the region failed: " + cause.getMessage(), cause));
      ctx.close();
    }
  }

  /** Reads one answer of the call in progress on its connection. */
  private final class ResponseHandler extends ChannelInboundHandlerAdapter {
    Call<?> call;

    /** When the connection went back to its pool (System.nanoTime). */
    long idleSince;

    /** Buffered: the answer so far. */
    HttpResponse head;

    final BodyParts body = new BodyParts();

    /** Streaming: the relay, once the headers are out. */
    Relay relay;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Call<?> current = call;
      if (current == null) {
        ReferenceCountUtil.release(msg); // nothing asked: a region talking out of turn
        ctx.close();
        return;
      }
      if (current.streaming) {
        streamingRead(ctx, current, msg);
      } else {
        bufferedRead(ctx, current, msg);
      }
    }

    private void bufferedRead(ChannelHandlerContext ctx, Call<?> current, Object msg) {
      try {
        if (msg instanceof HttpResponse response) {
          current.answerStarted = true;
          if (response.status().code() == 100) {
            return; // 100 Continue: the real answer follows
          }
          if (HttpUtil.getContentLength(response, -1L) > current.maxBodyBytes) {
            current.fail(new ResponseTooLargeException(current.maxBodyBytes));
            return;
          }
          head = response;
        }
        if (msg instanceof HttpContent content && head != null) {
          ByteBuf part = content.content();
          if (body.size() + (long) part.readableBytes() > current.maxBodyBytes) {
            current.fail(new ResponseTooLargeException(current.maxBodyBytes));
            return;
          }
          if (!(content instanceof LastHttpContent)) {
            body.add(ctx.alloc(), part);
          } else {
            byte[] bytes = body.finish(part);
            Buffered answer =
                new Buffered(head.status().code(), new LazyHeaders(head.headers()), bytes);
            boolean keepAlive = HttpUtil.isKeepAlive(head);
            release();
            current.recycle(keepAlive);
            current.succeed(answer);
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void streamingRead(ChannelHandlerContext ctx, Call<?> current, Object msg) {
      if (msg instanceof HttpResponse response) {
        current.answerStarted = true;
        if (response.status().code() == 100) {
          ReferenceCountUtil.release(msg);
          return;
        }
        // headers are in: the caller decides (relay, or drop); until it relays, read nothing more
        ctx.channel().config().setAutoRead(false);
        relay = new Relay(current, response);
        current.succeed(relay);
      }
      if (msg instanceof HttpContent content) {
        if (relay == null) {
          content.release();
          return;
        }
        relay.chunk(content);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      Call<?> current = call;
      Relay streaming = relay;
      call = null;
      release();
      if (current != null) {
        if (current.staleConnection()) {
          current.retryOnNewConnection();
        } else if (streaming != null) {
          streaming.broken();
        } else {
          current.fail(
              new IOException(
                  "the region closed the connection"
                      + (current.expired ? " (timed out)" : " before its answer was complete")));
        }
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Call<?> current = call;
      if (current != null && current.staleConnection()) {
        call =
            null; // a reset on a connection the region had closed as idle: not the region's failure
        release();
        current.retryOnNewConnection();
      } else if (current != null) {
        if (relay != null) {
          relay.broken();
        } else {
          current.fail(
              cause instanceof IOException io ? io : new IOException(cause.toString(), cause));
        }
      }
      ctx.close();
    }

    void release() {
      body.release();
      head = null;
      if (relay != null) {
        relay.dropPending();
        relay = null;
      }
    }
  }

  /**
   * A streamed answer: chunks go to the sink one write at a time (back-pressure by autoRead off).
   */
  private final class Relay implements Streaming {
    private final Call<?> call;
    private final HttpResponse head;
    private final Map<String, List<String>> headers;
    private final ArrayDeque<HttpContent> pending = new ArrayDeque<>();
    private final CompletableFuture<Boolean> done = new CompletableFuture<>();
    private BodySink sink;
    private boolean writing;
    private long lastProgress = System.nanoTime();
    private ScheduledFuture<?> idleCheck;

    Relay(Call<?> call, HttpResponse head) {
      this.call = call;
      this.head = head;
      this.headers = new LazyHeaders(head.headers());
    }

    @Override
    public int status() {
      return head.status().code();
    }

    @Override
    public Map<String, List<String>> headers() {
      return headers;
    }

    @Override
    public CompletableFuture<Boolean> relay(BodySink sink, Duration idleTimeout) {
      call.loop.execute(
          () -> {
            this.sink = sink;
            long idleNanos = idleTimeout.toNanos();
            long checkNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(50), idleNanos / 4);
            idleCheck =
                call.loop.scheduleAtFixedRate(
                    () -> {
                      if (System.nanoTime() - lastProgress > idleNanos) {
                        broken();
                      }
                    },
                    checkNanos,
                    checkNanos,
                    TimeUnit.NANOSECONDS);
            drain();
          });
      return done;
    }

    void chunk(HttpContent content) {
      lastProgress = System.nanoTime();
      pending.add(content);
      drain();
    }

    private void drain() {
      if (sink == null || done.isDone()) {
        return;
      }
      while (!writing && !pending.isEmpty()) {
        HttpContent content = pending.poll();
        boolean last = content instanceof LastHttpContent;
        ByteBuf bytes = content.content();
        if (!bytes.isReadable()) {
          content.release();
          if (last) {
            finish(true);
            return;
          }
          continue;
        }
        writing = true;
        sink.write(bytes)
            .whenComplete(
                (ok, error) ->
                    call.loop.execute(
                        () -> {
                          writing = false;
                          if (error != null) {
                            leave(); // the caller left: not the region's fault
                          } else if (last) {
                            finish(true);
                          } else {
                            drain();
                          }
                        }));
      }
      if (!writing && pending.isEmpty() && call.channel != null) {
        call.channel.read(); // ready for more
      }
    }

    private void finish(boolean complete) {
      stopIdleCheck();
      if (done.complete(complete)) {
        boolean keepAlive = complete && HttpUtil.isKeepAlive(head);
        if (call.channel != null) {
          Channel ch = call.channel;
          ch.config().setAutoRead(true);
          ch.pipeline().get(ResponseHandler.class).relay = null;
          call.recycle(keepAlive);
        }
      }
    }

    /** The region broke the stream (closed, errored or went idle). */
    void broken() {
      stopIdleCheck();
      if (done.complete(false)) {
        dropPending();
        call.abort();
      }
    }

    private void leave() {
      stopIdleCheck();
      if (done.complete(true)) {
        dropPending();
        call.abort();
      }
    }

    void dropPending() {
      HttpContent content;
      while ((content = pending.poll()) != null) {
        content.release();
      }
    }

    private void stopIdleCheck() {
      if (idleCheck != null) {
        idleCheck.cancel(false);
      }
    }

    @Override
    public void close() {
      onLoop(call.loop, this::closeNow);
    }

    /**
     * Dropped unread (a 5xx or 429 the loop retries) or abandoned (the caller left): the connection
     * goes too.
     */
    private void closeNow() {
      stopIdleCheck();
      if (done.complete(true)) {
        dropPending();
        call.abort();
      }
    }
  }

  /**
   * An answer's headers as the interface's map (names in lower case), built on first use: a good
   * inference answer is read without looking at its headers, and building the map for every answer
   * showed in allocation profiles.
   */
  private static final class LazyHeaders extends java.util.AbstractMap<String, List<String>> {
    private final HttpHeaders headers;
    private Map<String, List<String>> built;

    LazyHeaders(HttpHeaders headers) {
      this.headers = headers;
    }

    @Override
    public java.util.Set<Map.Entry<String, List<String>>> entrySet() {
      if (built == null) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String name : headers.names()) {
          map.put(name.toLowerCase(Locale.ROOT), headers.getAll(name));
        }
        built = java.util.Collections.unmodifiableMap(map);
      }
      return built.entrySet();
    }
  }

  @Override
  public void close() {
    ownGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
