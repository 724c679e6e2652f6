package dev.regionrouter.router.upstream;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * How the router talks to regions, asynchronously: kept this small so the client (Netty today, see
 * {@link NettyUpstreamClient}) can change without touching the attempt loop.
 *
 * <p>Calls made on one of the data plane's event loops stay on it (the region's connection is
 * registered there, so a request never crosses threads). Failures complete the future
 * exceptionally: {@link java.net.ConnectException} when the region cannot be reached, {@link
 * java.net.http.HttpConnectTimeoutException} when connecting takes too long, {@link
 * java.net.http.HttpTimeoutException} when the timeout passes, any other IOException when the
 * connection breaks. Cancelling the future aborts the call (its connection is closed).
 */
public interface UpstreamClient extends AutoCloseable {

  /**
   * Sends the request and reads the whole answer within the timeout, at most maxBodyBytes of it: a
   * bigger answer (declared or counted) fails with {@link ResponseTooLargeException} and its
   * connection is dropped, so a region can never make the router buffer without bound.
   */
  CompletableFuture<Buffered> exchange(Request request, Duration timeout, long maxBodyBytes);

  /** Sends the request; completes once the response headers arrived within the timeout. */
  CompletableFuture<Streaming> open(Request request, Duration timeout);

  @Override
  void close();

  /**
   * headers: lowercase names; the client drops those it sets itself (host, content-length, ...).
   */
  record Request(String method, URI uri, Map<String, List<String>> headers, byte[] body) {}

  record Buffered(int status, Map<String, List<String>> headers, byte[] body) {
    public String header(String name) {
      return UpstreamClient.header(headers, name);
    }
  }

  /** Where a relayed body goes: one chunk at a time, the next read only once the write is done. */
  interface BodySink {
    /**
     * Writes and flushes the chunk (taking ownership of it); completes when written, fails when the
     * caller left.
     */
    CompletableFuture<Void> write(ByteBuf chunk);
  }

  /**
   * An answer whose body is still arriving: relay it, or close it to drop it (and its connection).
   */
  interface Streaming extends AutoCloseable {
    int status();

    Map<String, List<String>> headers();

    /**
     * Relays the body as it arrives. Completes with true when the body ended or the caller left
     * (the region did its part), false when the region broke the stream or sent nothing for
     * idleTimeout.
     */
    CompletableFuture<Boolean> relay(BodySink sink, Duration idleTimeout);

    default String header(String name) {
      return UpstreamClient.header(headers(), name);
    }

    @Override
    void close();
  }

  /** A buffered answer was larger than the caller allowed. */
  class ResponseTooLargeException extends IOException {
    public ResponseTooLargeException(long maxBodyBytes) {
      super("the answer is larger than " + maxBodyBytes + " bytes");
    }
  }

  static String header(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }
}
