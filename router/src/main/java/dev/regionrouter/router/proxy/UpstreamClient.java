package dev.regionrouter.router.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the router talks to regions: kept this small so the client (JDK HttpClient today; Apache or
 * Jetty's client if a benchmark says so) can be swapped without touching the attempt loop.
 *
 * <p>Failures are thrown as IOExceptions: {@link java.net.ConnectException} when the region cannot
 * be reached, {@link java.net.http.HttpTimeoutException} when the timeout passes, any other
 * IOException when the connection breaks.
 */
public interface UpstreamClient extends AutoCloseable {

  /**
   * Sends the request and reads the whole answer within the timeout, at most maxBodyBytes of it:
   * a bigger answer (declared or counted) fails with {@link ResponseTooLargeException} and its
   * connection is dropped, so a region can never make the router buffer without bound.
   */
  Buffered exchange(Request request, Duration timeout, long maxBodyBytes) throws IOException, InterruptedException;

  /** Sends the request and returns once the response headers arrived within the timeout. */
  Streaming open(Request request, Duration timeout) throws IOException, InterruptedException;

  @Override
  void close();

  /** headers: lowercase names; the client drops those it may not set itself (host, content-length, ...). */
  record Request(String method, URI uri, Map<String, List<String>> headers, byte[] body) {}

  record Buffered(int status, Map<String, List<String>> headers, byte[] body) {
    public String header(String name) {
      return UpstreamClient.header(headers, name);
    }
  }

  /** An answer whose body is still arriving; close it to release the connection. */
  interface Streaming extends AutoCloseable {
    int status();

    Map<String, List<String>> headers();

    InputStream body();

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
