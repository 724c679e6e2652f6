package dev.regionrouter.mockregion.http;

import dev.regionrouter.mockregion.stats.RequestStats;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/** Netty's aggregator, with the 413 for an oversized body in the mock's JSON error shape. */
final class BodyAggregator extends HttpObjectAggregator {

  private final Responses responses;
  private final RequestStats stats;
  private final int maxBodyBytes;

  BodyAggregator(int maxBodyBytes, Responses responses, RequestStats stats) {
    super(maxBodyBytes);
    this.maxBodyBytes = maxBodyBytes;
    this.responses = responses;
    this.stats = stats;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized)
      throws Exception {
    if (!(oversized instanceof HttpRequest request)) {
      super.handleOversizedMessage(ctx, oversized);
      return;
    }
    Route route = Route.of(request.uri());
    if (!route.admin) {
      stats.record(route.path, 413);
    }
    FullHttpResponse response =
        responses.error(
            ctx.alloc(),
            HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            "payload_too_large",
            "the body is larger than " + maxBodyBytes + " bytes");
    // The rest of the body may still be on its way: close rather than read it.
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
