package dev.regionrouter.router.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The region client over TLS against a real https server on a socket: HTTP/2 when the region offers
 * it (ALPN), every call a stream of one shared connection; HTTP/1.1 when it does not; a certificate
 * that does not chain to the trusted CAs fails the call (the attempt loop then treats it as a
 * failed region).
 */
class NettyUpstreamClientTlsTest {

  private final SelfSignedCertificate certificate = selfSigned();
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

  /** The protocol of each request the server answered. */
  private final List<String> served = new CopyOnWriteArrayList<>();

  private final AtomicInteger connections = new AtomicInteger();
  private UpstreamClient client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    certificate.delete();
  }

  @Test
  void speaksHttp2ToARegionThatOffersItWithEveryCallAStreamOfOneConnection() throws Exception {
    int port = startRegion(true);
    client = client(true, certificate.certificate());
    for (int i = 0; i < 3; i++) {
      UpstreamClient.Buffered answer = call(port);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(new String(answer.body(), StandardCharsets.UTF_8))
          .isEqualTo("{\"output\":\"h2\",\"tokens_used\":1}");
    }
    assertThat(served).containsExactly("h2", "h2", "h2");
    assertThat(connections.get()).isEqualTo(1);
  }

  @Test
  void speaksHttp11ToARegionThatOffersOnlyThat() throws Exception {
    int port = startRegion(false);
    client = client(true, certificate.certificate());
    assertThat(call(port).status()).isEqualTo(200);
    assertThat(call(port).status()).isEqualTo(200);
    assertThat(served).containsExactly("http/1.1", "http/1.1");
    assertThat(connections.get()).as("kept alive").isEqualTo(1);
  }

  @Test
  void doesNotOfferHttp2WhenItIsOff() throws Exception {
    int port = startRegion(true);
    client = client(false, certificate.certificate());
    assertThat(call(port).status()).isEqualTo(200);
    assertThat(served).containsExactly("http/1.1");
  }

  @Test
  void failsTheCallWhenTheRegionsCertificateIsNotTrusted() throws Exception {
    int port = startRegion(true);
    client = client(true, null); // the JDK's CAs only
    assertThatThrownBy(() -> call(port))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IOException.class);
    assertThat(served).isEmpty();
  }

  UpstreamClient client(boolean http2, java.io.File trustedCas) {
    return new NettyUpstreamClient(
        Duration.ofSeconds(2), Duration.ofSeconds(60), 1, http2, trustedCas);
  }

  private UpstreamClient.Buffered call(int port) throws Exception {
    return client
        .exchange(
            new UpstreamClient.Request(
                "POST",
                URI.create("https://localhost:" + port + "/v1/inference"),
                Map.of("content-type", List.of("application/json")),
                "{\"prompt\":\"hi\"}".getBytes(StandardCharsets.UTF_8)),
            Duration.ofSeconds(5),
            1 << 20)
        .get(10, TimeUnit.SECONDS);
  }

  /** An https region; with h2, it offers h2 and http/1.1 by ALPN, else http/1.1 only. */
  private int startRegion(boolean h2) throws Exception {
    SslContext tls =
        SslContextBuilder.forServer(certificate.certificate(), certificate.privateKey())
            .applicationProtocolConfig(
                new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    h2
                        ? List.of(
                            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
                        : List.of(ApplicationProtocolNames.HTTP_1_1)))
            .build();
    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.incrementAndGet();
                    ch.pipeline()
                        .addLast(
                            tls.newHandler(ch.alloc()),
                            new ApplicationProtocolNegotiationHandler(
                                ApplicationProtocolNames.HTTP_1_1) {
                              @Override
                              protected void configurePipeline(
                                  ChannelHandlerContext ctx, String protocol) {
                                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                                  ctx.pipeline()
                                      .addLast(
                                          Http2FrameCodecBuilder.forServer().build(),
                                          new Http2MultiplexHandler(
                                              new ChannelInitializer<Http2StreamChannel>() {
                                                @Override
                                                protected void initChannel(
                                                    Http2StreamChannel stream) {
                                                  stream
                                                      .pipeline()
                                                      .addLast(
                                                          new Http2StreamFrameToHttpObjectCodec(
                                                              true),
                                                          new HttpObjectAggregator(1 << 16),
                                                          new Answer("h2"));
                                                }
                                              }));
                                } else {
                                  ctx.pipeline()
                                      .addLast(
                                          new HttpServerCodec(),
                                          new HttpObjectAggregator(1 << 16),
                                          new Answer("http/1.1"));
                                }
                              }
                            });
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    return ((java.net.InetSocketAddress) server.localAddress()).getPort();
  }

  private final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final String protocol;

    Answer(String protocol) {
      this.protocol = protocol;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      served.add(protocol);
      byte[] body =
          ("{\"output\":\"" + protocol.replace("http/1.1", "h1") + "\",\"tokens_used\":1}")
              .getBytes(StandardCharsets.UTF_8);
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
      response
          .headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      ctx.writeAndFlush(response);
    }
  }

  private static SelfSignedCertificate selfSigned() {
    try {
      return new SelfSignedCertificate("localhost");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
