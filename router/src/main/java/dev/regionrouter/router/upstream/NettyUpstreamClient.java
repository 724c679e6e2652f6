package dev.regionrouter.router.upstream;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandle;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.io.File;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * {@link UpstreamClient} on Netty, HTTP/1.1 and HTTP/2 (h2 over TLS, by ALPN), non-blocking. A call
 * made on an event loop of the data plane registers its region connection on that same loop, and
 * the connection pool is per loop: the inbound request, the region exchange and the answer never
 * cross threads and need no locks. Calls from elsewhere (the prober) use the client's own small
 * event loop group.
 *
 * <p>The parts: {@link Connector} opens connections and holds each loop's {@link ConnectionPool};
 * {@link RegionCall} is one call (request, timeout, end); {@link Http2Negotiation} picks h2 or
 * HTTP/1.1 on a new TLS connection; {@link ResponseReader} reads the answer, and {@link
 * StreamRelay} relays a streamed one. The timeout covers the whole exchange (buffered) or the
 * response headers (streaming). No retries, redirects or decompression: the attempt loop decides
 * about retries and bodies cross unchanged.
 */
public class NettyUpstreamClient implements UpstreamClient {

  /** URIs whose targets are kept; pass-through URIs with ever new paths start the cache over. */
  private static final int MAX_TARGETS = 10_000;

  private final EventLoopGroup ownGroup;
  private final boolean epoll;
  private final Connector connector;
  private final Map<URI, Target> targets = new ConcurrentHashMap<>();

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
    this.epoll = Epoll.isAvailable();
    this.connector =
        new Connector(
            epoll,
            (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()),
            Math.max(1, idleTimeout.toNanos()),
            http2,
            trustedCas);
    ThreadFactory threads = Thread.ofPlatform().daemon().name("upstream-", 0).factory();
    this.ownGroup =
        new MultiThreadIoEventLoopGroup(
            ownThreads, threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  @Override
  public CompletableFuture<Buffered> exchange(
      Request request, Duration timeout, long maxBodyBytes) {
    RegionCall<Buffered> call =
        new RegionCall<>(connector, target(request.uri()), request, timeout, maxBodyBytes, false);
    start(call);
    return call.result;
  }

  @Override
  public CompletableFuture<Streaming> open(Request request, Duration timeout) {
    RegionCall<Streaming> call =
        new RegionCall<>(connector, target(request.uri()), request, timeout, Long.MAX_VALUE, true);
    start(call);
    return call.result;
  }

  private Target target(URI uri) {
    Target target = targets.get(uri);
    if (target == null) {
      if (targets.size() >= MAX_TARGETS) {
        targets.clear();
      }
      target = Target.of(uri);
      targets.put(uri, target);
    }
    return target;
  }

  private void start(RegionCall<?> call) {
    EventLoop loop = loopForCaller();
    if (loop.inEventLoop()) {
      call.begin(loop);
    } else {
      loop.execute(() -> call.begin(loop));
    }
  }

  /** The caller's own event loop when it runs on a compatible one, else one of the client's. */
  private EventLoop loopForCaller() {
    EventExecutor current = ThreadExecutorMap.currentExecutor();
    if (current instanceof IoEventLoop loop
        && !loop.isShutdown()
        && loop.isCompatible(epoll ? EpollIoHandle.class : NioIoHandle.class)) {
      return loop;
    }
    return ownGroup.next();
  }

  @Override
  public void close() {
    ownGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
