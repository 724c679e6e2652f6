package dev.regionrouter.mockregion.http;

import dev.regionrouter.mockregion.config.SettingsStore;
import dev.regionrouter.mockregion.inference.OpenAiApi;
import dev.regionrouter.mockregion.inference.ReferenceApi;
import dev.regionrouter.mockregion.stats.RequestStats;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The Netty server of one mock region: one event-loop group accepts and serves. */
public final class MockHttpServer {

  private final String region;
  private final String host;
  private final int port;
  private final int threads;
  private final int maxBodyBytes;
  private final Transport transport;
  private final RegionServices services;
  private EventLoopGroup group;
  private Channel serverChannel;

  /**
   * @param threads event-loop threads; 0 means one per available processor
   * @param transport {@code auto}, {@code epoll} or {@code nio}
   */
  public MockHttpServer(
      String region,
      String host,
      int port,
      int threads,
      int maxBodyBytes,
      String transport,
      SettingsStore settings,
      RequestStats stats) {
    this.region = region;
    this.host = host;
    this.port = port;
    this.threads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    this.maxBodyBytes = maxBodyBytes;
    this.transport = Transport.select(transport);
    Responses responses = new Responses(region);
    ReferenceApi reference = new ReferenceApi(region);
    this.services =
        new RegionServices(
            settings,
            stats,
            responses,
            reference,
            new OpenAiApi(region, reference),
            new AdminApi(region, this.transport.name(), settings, stats, responses));
  }

  /** Binds and returns the port (the chosen one when asked for port 0). */
  public synchronized int start() {
    if (serverChannel != null) {
      throw new IllegalStateException("already started");
    }
    group =
        new MultiThreadIoEventLoopGroup(
            threads,
            new DefaultThreadFactory("mock-region-" + region),
            transport.ioHandlerFactory());
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannel())
            // thousands of clients may connect at once (benchmarks): a deep accept queue
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel channel) {
                    channel
                        .pipeline()
                        .addLast(
                            new HttpServerCodec(),
                            new BodyAggregator(
                                maxBodyBytes, services.responses(), services.stats()),
                            new RequestHandler(services));
                  }
                });
    ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
      group = null;
      throw new IllegalStateException(
          "cannot listen on " + host + ":" + port + ": " + bound.cause().getMessage(),
          bound.cause());
    }
    serverChannel = bound.channel();
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  public String transportName() {
    return transport.name();
  }

  /** Closes the listening socket and every connection, then stops the event loops. */
  public synchronized void stop() {
    if (serverChannel != null) {
      serverChannel.close().awaitUninterruptibly();
      serverChannel = null;
    }
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
      group = null;
    }
  }
}
