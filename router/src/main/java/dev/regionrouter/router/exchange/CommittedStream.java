package dev.regionrouter.router.exchange;

import dev.regionrouter.router.upstream.UpstreamClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A region's streamed answer from its commit point on: status, headers and the first bytes are in
 * hand (for server-sent events, at least one whole event), so the request belongs to this region.
 * It is the only way the relay's bytes reach the caller, and it reaches exactly one caller: the one
 * that {@link #attach attaches} to it. Before the commit point the region's bytes are held here, so
 * a region that fails before its first event fails nothing the caller has seen.
 *
 * <p>Owned by the event loop of the region's connection; the relay writes one chunk at a time (the
 * next only once the previous write completed), so the held bytes and the target need no lock.
 */
public final class CommittedStream implements UpstreamClient.BodySink {

  /**
   * Bytes held before the commit point are bounded: an event this long commits the stream as it is.
   */
  static final int MAX_HELD_BYTES = 64 * 1024;

  private static final int DONE_WINDOW = 32;
  private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

  private static final ByteBuf EVENT_END_LF =
      Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[] {'\n', '\n'}));
  private static final ByteBuf EVENT_END_CRLF =
      Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[] {'\r', '\n', '\r', '\n'}));

  private final int status;
  private final Map<String, List<String>> headers;
  private final boolean eventStream;

  /** Held until the body ends (up to MAX_HELD_BYTES), so it can be read before the commit point. */
  private final boolean holdWhole;

  /**
   * An OpenAI-style stream, whose last event is {@code data: [DONE]}: one that ends without it was
   * cut short somewhere (a proxy, the server) and must not reach the caller as a complete one.
   */
  private final boolean expectsDone;

  /** The last bytes relayed, to see whether the stream ended with [DONE]. */
  private final byte[] lastBytes = new byte[DONE_WINDOW];

  private int lastBytesLength;
  private volatile boolean callerLeft;
  private final Runnable onBytes;

  /**
   * Completes when the commit point is reached: the first bytes (or the whole, possibly empty,
   * body) are in hand.
   */
  private final CompletableFuture<CommittedStream> committed = new CompletableFuture<>();

  /** The caller's sink, once attached. */
  private final CompletableFuture<UpstreamClient.BodySink> target = new CompletableFuture<>();

  private CompositeByteBuf held;
  private volatile boolean ended;
  private volatile CompletableFuture<Boolean> relayed;
  private volatile UpstreamClient.Streaming upstream;

  /** onBytes: runs for every chunk the region sends (the region is answering, not hung). */
  CommittedStream(
      int status,
      Map<String, List<String>> headers,
      boolean eventStream,
      boolean holdWhole,
      boolean expectsDone,
      Runnable onBytes) {
    this.holdWhole = holdWhole;
    this.expectsDone = expectsDone && eventStream;
    this.status = status;
    this.headers = headers;
    this.eventStream = eventStream;
    this.onBytes = onBytes;
  }

  /**
   * Starts relaying the region's body into this stream; the returned future completes at the commit
   * point.
   */
  CompletableFuture<CommittedStream> start(
      UpstreamClient.Streaming upstream, java.time.Duration idleTimeout) {
    this.upstream = upstream;
    CompletableFuture<Boolean> relay =
        upstream
            .relay(this, idleTimeout)
            .thenApply(whole -> whole && (callerLeft || !expectsDone || endedWithDone()));
    relayed = relay;
    relay.whenComplete(
        (complete, error) -> {
          if (target.isCancelled()) {
            releaseHeld(); // abandoned: nobody takes the bytes held so far
            return;
          }
          if (committed.isDone()) {
            return;
          }
          if (error == null && complete) {
            ended = true; // the whole body came before the commit point (short, or empty)
            committed.complete(this);
          } else {
            releaseHeld();
            committed.completeExceptionally(
                new java.io.IOException("the region broke its answer before its first event"));
          }
        });
    return committed;
  }

  public int status() {
    return status;
  }

  public Map<String, List<String>> headers() {
    return headers;
  }

  public boolean eventStream() {
    return eventStream;
  }

  /**
   * The caller takes the stream: the bytes held at the commit point go to the sink first, then the
   * rest as it arrives. Completes with true when the region's answer ended whole (or the caller
   * left), false when the region broke it or went quiet for the stream idle timeout.
   */
  public CompletableFuture<Boolean> attach(UpstreamClient.BodySink sink) {
    target.complete(sink);
    ByteBuf rest = held;
    if (ended && rest != null) {
      held =
          null; // the whole body came before the commit point: it goes out now, and the stream ends
      return sink.write(rest).handle((ok, error) -> true);
    }
    return relayed;
  }

  /** The caller left, or nobody will take the stream: the region's connection goes. */
  public void abandon() {
    target.cancel(false);
    UpstreamClient.Streaming current = upstream;
    if (current != null) {
      current.close();
    }
  }

  @Override
  public CompletableFuture<Void> write(ByteBuf chunk) {
    onBytes.run();
    if (expectsDone) {
      remember(chunk);
    }
    if (committed.isDone()) {
      return toCaller(chunk)
          .whenComplete(
              (written, gone) -> {
                if (gone != null) {
                  callerLeft = true;
                }
              });
    }
    if (held == null) {
      held = Unpooled.compositeBuffer(Integer.MAX_VALUE);
    }
    held.addComponent(true, chunk);
    if ((holdWhole || eventStream && !holdsWholeEvent()) && held.readableBytes() < MAX_HELD_BYTES) {
      return CompletableFuture.completedFuture(
          null); // read on: the first event (or the body) is not whole yet
    }
    ByteBuf first = held;
    held = null;
    committed.complete(this);
    return toCaller(first);
  }

  /**
   * Writes the bytes to the caller once attached; released when nobody will take them (abandoned).
   */
  private CompletableFuture<Void> toCaller(ByteBuf bytes) {
    return target
        .handle(
            (sink, error) -> {
              if (error != null) {
                bytes.release();
                throw new java.util.concurrent.CompletionException(
                    new java.io.IOException("the caller left"));
              }
              return sink;
            })
        .thenCompose(sink -> sink.write(bytes));
  }

  /**
   * Releases bytes held before a commit point that never came (the attempt failed or was dropped).
   */
  void releaseHeld() {
    if (held != null) {
      held.release();
      held = null;
    }
  }

  /**
   * The rest of the stream: true when it ended whole (or the caller left), false when the region
   * broke it.
   */
  CompletableFuture<Boolean> tail() {
    return relayed;
  }

  /**
   * The body held at the commit point, when the whole of it came before (see {@link #ended}); it
   * moves from the connection's buffers to the heap, so an answer that is never attached (declined,
   * and another region served) holds nothing that needs releasing.
   */
  byte[] wholeBody() {
    if (held == null) {
      return new byte[0];
    }
    byte[] bytes = ByteBufUtil.getBytes(held);
    held.release();
    held = Unpooled.compositeBuffer().addComponent(true, Unpooled.wrappedBuffer(bytes));
    return bytes;
  }

  /**
   * Whether the region's whole body came before the commit point (then the stream ends as soon as
   * it is attached).
   */
  public boolean ended() {
    return ended;
  }

  /** Keeps the last DONE_WINDOW bytes relayed (a [DONE] may be split across chunks). */
  private void remember(ByteBuf chunk) {
    int n = Math.min(chunk.readableBytes(), DONE_WINDOW);
    int keep = Math.min(lastBytesLength, DONE_WINDOW - n);
    System.arraycopy(lastBytes, lastBytesLength - keep, lastBytes, 0, keep);
    chunk.getBytes(chunk.writerIndex() - n, lastBytes, keep, n);
    lastBytesLength = keep + n;
  }

  /** Whether the last event relayed was [DONE]. */
  private boolean endedWithDone() {
    for (int i = lastBytesLength - DONE.length; i >= 0; i--) {
      if (java.util.Arrays.equals(lastBytes, i, i + DONE.length, DONE, 0, DONE.length)) {
        return true;
      }
    }
    return false;
  }

  private boolean holdsWholeEvent() {
    return ByteBufUtil.indexOf(EVENT_END_LF.duplicate(), held) >= 0
        || ByteBufUtil.indexOf(EVENT_END_CRLF.duplicate(), held) >= 0;
  }

  /**
   * The event that ends a stream the region broke after its commit point, in the OpenAI error
   * shape: a client reading events sees an error, never a short answer that looks complete.
   */
  public static ByteBuf errorEvent(String code, String message) {
    String json =
        "{\"error\":{\"message\":"
            + quote(message)
            + ",\"type\":\"server_error\",\"param\":null,\"code\":"
            + quote(code)
            + "}}";
    return Unpooled.copiedBuffer("data: " + json + "\n\n", StandardCharsets.UTF_8);
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
