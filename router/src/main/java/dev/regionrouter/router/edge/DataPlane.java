package dev.regionrouter.router.edge;

import dev.regionrouter.router.config.ProxyProperties;
import dev.regionrouter.router.observe.RequestLog;
import dev.regionrouter.router.upstream.AsciiHeaders;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpRequestDecoderSpec;
import reactor.netty.http.server.HttpServer;

/**
 * The data plane on the router's HTTP server: puts a {@link DataPlaneHandler} on every connection
 * (after the HTTP codec, before Reactor Netty's own handling) and routes its requests: {@code
 * /v1/inference} to the inference endpoint, any other {@code /v1/**} to the pass-through.
 *
 * <p>Graceful shutdown: Spring's graceful shutdown knows only its own requests, so this lifecycle
 * stops first (after readiness has dropped): it waits for the data-plane requests in flight, while
 * the answers it sends from then on close their connections.
 */
public class DataPlane implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(DataPlane.class);

  private final ProxyProperties settings;
  private final DataPlaneHandler.Endpoint inference;
  private final DataPlaneHandler.Endpoint passThrough;
  private final Duration shutdownWait;
  private final Duration idleTimeout;
  private final RequestLog requests;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  private volatile boolean draining;
  private volatile boolean running;

  /**
   * idleTimeout: a keep-alive connection with no request for this long is closed (as the server's
   * own).
   */
  public DataPlane(
      ProxyProperties settings,
      DataPlaneHandler.Endpoint inference,
      DataPlaneHandler.Endpoint passThrough,
      Duration shutdownWait,
      Duration idleTimeout,
      RequestLog requests) {
    this.requests = requests;
    this.idleTimeout = idleTimeout;
    this.settings = settings;
    this.inference = inference;
    this.passThrough = passThrough;
    this.shutdownWait = shutdownWait;
  }

  /**
   * Adds the data plane to each connection of the server, and gives the connection an HTTP/1.1
   * codec with the server's decoder settings whose header maps are sized for the handful of headers
   * a request carries (see {@link #decoderConfig}). A connection that may upgrade to h2c keeps
   * Reactor Netty's codec (the upgrade handler holds that instance).
   */
  public HttpServer install(HttpServer server) {
    HttpDecoderConfig decoder = decoderConfig(server.configuration().decoder());
    return server.doOnChannelInit(
        (observer, channel, remote) -> {
          ChannelPipeline pipeline = channel.pipeline();
          ChannelHandler codec = pipeline.get(NettyPipeline.HttpCodec);
          if (codec == null) {
            throw new IllegalStateException(
                "no HTTP/1.1 codec on the router's connection (pipeline: "
                    + pipeline.names()
                    + ")");
          }
          if (codec instanceof HttpServerCodec
              && pipeline.get(NettyPipeline.H2CUpgradeHandler) == null) {
            pipeline.replace(
                NettyPipeline.HttpCodec, NettyPipeline.HttpCodec, new HttpServerCodec(decoder));
          }
          pipeline.addAfter(
              NettyPipeline.HttpCodec, "region-router.dataPlane", new DataPlaneHandler(this));
        });
  }

  /**
   * The server's request-decoder settings (Spring Boot's {@code server.netty.*} and Reactor Netty's
   * defaults) with smaller header maps: 8 buckets for a request's headers instead of 16, and its
   * trailers (rarely any) made only when there is one. Every header still fits.
   */
  static HttpDecoderConfig decoderConfig(HttpRequestDecoderSpec spec) {
    return new HttpDecoderConfig()
        .setMaxInitialLineLength(spec.maxInitialLineLength())
        .setMaxHeaderSize(spec.maxHeaderSize())
        .setMaxChunkSize(spec.maxChunkSize())
        .setInitialBufferSize(spec.initialBufferSize())
        .setAllowDuplicateContentLengths(spec.allowDuplicateContentLengths())
        .setAllowPartialChunks(spec.allowPartialChunks())
        .setHeadersFactory(
            AsciiHeaders.sized(
                DefaultHttpHeadersFactory.headersFactory().withValidation(spec.validateHeaders()),
                8))
        .setTrailersFactory(
            AsciiHeaders.trailers(
                DefaultHttpHeadersFactory.trailersFactory()
                    .withValidation(spec.validateHeaders())));
  }

  DataPlaneHandler.Endpoint endpointFor(DataPlaneExchange exchange) {
    return exchange.path().equals("/v1/inference") ? inference : passThrough;
  }

  long maxBodyBytes() {
    return settings.maxBodySize().toBytes();
  }

  Duration bodyReadTimeout() {
    return settings.bodyReadTimeout();
  }

  Duration idleTimeout() {
    return idleTimeout;
  }

  boolean draining() {
    return draining;
  }

  void started() {
    inFlight.incrementAndGet();
  }

  /** The exchange's answer went out or was cut: it goes to the request log. */
  void completed(DataPlaneExchange exchange) {
    try {
      requests.completed(exchange.record());
    } catch (RuntimeException e) {
      log.warn("could not record a finished request", e);
    }
  }

  void finished() {
    if (inFlight.decrementAndGet() == 0 && draining) {
      lock.lock();
      try {
        idle.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Requests being answered now. */
  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    draining = true;
    long deadline = System.nanoTime() + shutdownWait.toNanos();
    lock.lock();
    try {
      while (inFlight.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          log.warn(
              "{} data-plane request(s) still in flight after {} s; stopping anyway",
              inFlight.get(),
              shutdownWait.toSeconds());
          break;
        }
        idle.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
      running = false;
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stops before the web server (whose graceful shutdown runs in a lower phase). */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE;
  }
}
