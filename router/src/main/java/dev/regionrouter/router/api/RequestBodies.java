package dev.regionrouter.router.api;

import dev.regionrouter.router.proxy.RouterException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Reads a request body up to a limit and within a time: 413 past the size (before reading when
 * Content-Length says so), 408 when the caller has not sent it all in time. The time is checked
 * between reads, so a body trickled in byte by byte is cut at the limit; a caller that stops
 * sending altogether is cut by the server's read timeout (server.tomcat.connection-timeout), also
 * a 408. Either way only this request's (virtual) thread waited: no other caller is held up.
 */
final class RequestBodies {

  private RequestBodies() {}

  static byte[] read(HttpServletRequest request, long maxBytes, Duration timeout) {
    long declared = request.getContentLengthLong();
    if (declared > maxBytes) {
      throw tooLarge(maxBytes);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try (InputStream in = request.getInputStream()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
      byte[] buffer = new byte[8192];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) >= 0) {
        total += n;
        if (total > maxBytes) {
          throw tooLarge(maxBytes);
        }
        out.write(buffer, 0, n);
        if (System.nanoTime() - deadline > 0 && (declared < 0 || total < declared)) {
          throw tooSlow(timeout);
        }
      }
      return out.toByteArray();
    } catch (SocketTimeoutException e) {
      throw tooSlow(timeout);
    } catch (IOException e) {
      if (e.getCause() instanceof SocketTimeoutException) {
        throw tooSlow(timeout);
      }
      throw new RouterException(400, "unreadable_body", "cannot read the request body: " + e.getMessage(), null, 0);
    }
  }

  private static RouterException tooSlow(Duration timeout) {
    return new RouterException(408, "request_timeout",
        "the request body did not arrive within " + timeout.toMillis() + " ms", null, 0);
  }

  private static RouterException tooLarge(long maxBytes) {
    return new RouterException(413, "body_too_large", "request body is larger than " + maxBytes + " bytes", null, 0);
  }
}
