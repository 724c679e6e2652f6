package dev.regionrouter.router.upstream;

import dev.regionrouter.router.upstream.UpstreamClient.BodySink;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A streamed answer: chunks go to the sink one write at a time (back-pressure by autoRead off). */
final class StreamRelay implements UpstreamClient.Streaming {
  private final RegionCall<?> call;
  private final HttpResponse head;
  private final Map<String, List<String>> headers;
  private final ArrayDeque<HttpContent> pending = new ArrayDeque<>();
  private final CompletableFuture<Boolean> done = new CompletableFuture<>();
  private BodySink sink;
  private boolean writing;
  private long lastProgress = System.nanoTime();
  private ScheduledFuture<?> idleCheck;

  StreamRelay(RegionCall<?> call, HttpResponse head) {
    this.call = call;
    this.head = head;
    this.headers = new ResponseHeaders(head.headers());
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
        ch.pipeline().get(ResponseReader.class).relay = null;
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
    if (call.loop.inEventLoop()) {
      closeNow();
    } else {
      call.loop.execute(this::closeNow);
    }
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
