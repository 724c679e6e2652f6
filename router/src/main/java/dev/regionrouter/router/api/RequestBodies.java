package dev.regionrouter.router.api;

import dev.regionrouter.router.proxy.RouterException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads a request body up to a limit: 413 past it, before reading when Content-Length says so. */
final class RequestBodies {

  private RequestBodies() {}

  static byte[] read(HttpServletRequest request, long maxBytes) {
    long declared = request.getContentLengthLong();
    if (declared > maxBytes) {
      throw tooLarge(maxBytes);
    }
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
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new RouterException(400, "unreadable_body", "cannot read the request body: " + e.getMessage(), null, 0);
    }
  }

  private static RouterException tooLarge(long maxBytes) {
    return new RouterException(413, "body_too_large", "request body is larger than " + maxBytes + " bytes", null, 0);
  }
}
