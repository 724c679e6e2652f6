package dev.regionrouter.router.upstream;

import dev.regionrouter.router.upstream.UpstreamClient.Buffered;
import dev.regionrouter.router.upstream.UpstreamClient.ResponseTooLargeException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;

/**
 * Reads one answer of the call in progress on its connection (an HTTP/1.1 connection, or an HTTP/2
 * stream read as HTTP/1.1 objects): whole and bounded for a buffered call, the head and then a
 * {@link StreamRelay} for a streaming one. When a reused connection breaks before the answer
 * started, the call goes again on a new connection.
 */
final class ResponseReader extends ChannelInboundHandlerAdapter {
  RegionCall<?> call;

  /** When the connection went back to its pool (System.nanoTime). */
  long idleSince;

  /** Buffered: the answer so far. */
  HttpResponse head;

  final BodyParts body = new BodyParts();

  /** Streaming: the relay, once the headers are out. */
  StreamRelay relay;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    RegionCall<?> current = call;
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

  private void bufferedRead(ChannelHandlerContext ctx, RegionCall<?> current, Object msg) {
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
              new Buffered(head.status().code(), new ResponseHeaders(head.headers()), bytes);
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

  private void streamingRead(ChannelHandlerContext ctx, RegionCall<?> current, Object msg) {
    if (msg instanceof HttpResponse response) {
      current.answerStarted = true;
      if (response.status().code() == 100) {
        ReferenceCountUtil.release(msg);
        return;
      }
      // headers are in: the caller decides (relay, or drop); until it relays, read nothing more
      ctx.channel().config().setAutoRead(false);
      relay = new StreamRelay(current, response);
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
    RegionCall<?> current = call;
    StreamRelay streaming = relay;
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
    RegionCall<?> current = call;
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
