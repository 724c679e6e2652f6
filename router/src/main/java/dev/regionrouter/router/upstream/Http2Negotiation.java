package dev.regionrouter.router.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import java.io.IOException;

/**
 * Picks the pipeline of a new TLS connection by the protocol the region chose (ALPN): HTTP/2, the
 * connection then shared by every call to the region from its event loop, each call a stream read
 * as HTTP/1.1 objects; or HTTP/1.1 (also for a region without ALPN).
 */
final class Http2Negotiation extends ApplicationProtocolNegotiationHandler {
  private final RegionCall<?> call;

  Http2Negotiation(RegionCall<?> call) {
    super(ApplicationProtocolNames.HTTP_1_1);
    this.call = call;
  }

  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    Channel ch = ctx.channel();
    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
      ch.pipeline()
          .addLast(
              Http2FrameCodecBuilder.forClient().build(),
              new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
      call.connector.pool(call.loop).multiplexed(call.origin, ch);
      if (!call.result.isDone()) {
        openStream(ch, call); // else the connection stays for the next calls
      }
    } else {
      ch.pipeline().addLast(Connector.codec(), new ResponseReader());
      if (call.result.isDone()) {
        ch.close();
        return;
      }
      call.send(ch);
    }
  }

  @Override
  protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
    call.fail(
        new IOException("TLS handshake with the region failed: " + cause.getMessage(), cause));
    ctx.close();
  }

  /** One call on a shared HTTP/2 connection: its own stream. */
  static void openStream(Channel parent, RegionCall<?> call) {
    new Http2StreamChannelBootstrap(parent)
        .handler(
            new ChannelInitializer<Http2StreamChannel>() {
              @Override
              protected void initChannel(Http2StreamChannel stream) {
                stream
                    .pipeline()
                    .addLast(new Http2StreamFrameToHttpObjectCodec(false), new ResponseReader());
              }
            })
        .open()
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                call.fail(new IOException("cannot open an HTTP/2 stream: " + f.cause(), f.cause()));
                return;
              }
              Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
              if (call.result.isDone()) {
                stream.close();
                return;
              }
              call.send(stream);
            });
  }
}
