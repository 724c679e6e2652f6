package dev.regionrouter.router.upstream;

import dev.regionrouter.router.upstream.Target.Origin;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;

/**
 * Opens region connections on an event loop (TCP, then TLS for https, then HTTP/1.1, or h2 when
 * offered and the region takes it by ALPN) and holds each loop's {@link ConnectionPool}.
 */
final class Connector {

  private final boolean epoll;
  private final int connectTimeoutMillis;
  private final long idleTimeoutNanos;
  private final boolean http2;
  private final SslContext ssl;
  private final Map<EventLoop, ConnectionPool> pools = new ConcurrentHashMap<>();

  /**
   * http2: offer h2 to https regions. trustedCas: a PEM file of the CAs that region certificates
   * must chain to, instead of the JDK's; null for the JDK's.
   */
  Connector(
      boolean epoll,
      int connectTimeoutMillis,
      long idleTimeoutNanos,
      boolean http2,
      File trustedCas) {
    this.epoll = epoll;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.idleTimeoutNanos = idleTimeoutNanos;
    this.http2 = http2;
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

  /** The loop's pool (made on first use). */
  ConnectionPool pool(EventLoop loop) {
    ConnectionPool pool = pools.get(loop);
    return pool != null
        ? pool
        : pools.computeIfAbsent(loop, l -> new ConnectionPool(l, idleTimeoutNanos));
  }

  /**
   * A new connection for the call on its loop. Its pipeline is ready for HTTP/1.1 once connected,
   * or, with h2 offered over TLS, once {@link Http2Negotiation} has seen the region's choice.
   */
  ChannelFuture connect(RegionCall<?> call) {
    Origin origin = call.origin;
    return new Bootstrap()
        .group(call.loop)
        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .handler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                if (origin.https()) {
                  ch.pipeline().addLast(ssl.newHandler(ch.alloc(), origin.host(), origin.port()));
                }
                if (origin.https() && http2) {
                  ch.pipeline()
                      .addLast(new Http2Negotiation(call)); // h2 or http/1.1, once TLS is up
                } else {
                  ch.pipeline().addLast(codec(), new ResponseReader());
                }
              }
            })
        .connect(origin.host(), origin.port());
  }

  /**
   * HTTP/1.1 to a region. The decoder makes two header maps per answer: its headers (a few to a few
   * dozen: 8 buckets) and its trailers (almost always none: made on the first one). Any number of
   * either still fits.
   */
  static HttpClientCodec codec() {
    return new HttpClientCodec(
        new HttpDecoderConfig()
            .setHeadersFactory(AsciiHeaders.sized(DefaultHttpHeadersFactory.headersFactory(), 8))
            .setTrailersFactory(AsciiHeaders.trailers(DefaultHttpHeadersFactory.trailersFactory())),
        false,
        false);
  }

  /** Why a connection could not be made, as the interface names it. */
  static IOException connectFailure(Origin origin, Throwable cause) {
    if (cause instanceof ConnectTimeoutException) {
      return new HttpConnectTimeoutException(
          "connect to " + origin.host() + ":" + origin.port() + " timed out");
    }
    if (cause instanceof ConnectException ce) {
      return ce;
    }
    if (cause instanceof UnknownHostException || cause instanceof UnresolvedAddressException) {
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
}
