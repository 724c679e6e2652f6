package dev.regionrouter.router.upstream;

import java.net.URI;

/**
 * Where a URI's requests go, worked out once per URI (a region's URIs repeat on every request).
 *
 * @param origin the connection's end: scheme, host and port (what a pool is keyed by)
 * @param requestTarget the path and query as the request line carries them
 * @param hostHeader the Host header's value
 */
record Target(Origin origin, String requestTarget, CharSequence hostHeader) {

  /** A connection's end: requests to the same origin share its connections. */
  record Origin(boolean https, String host, int port) {
    static Origin of(URI uri) {
      boolean https = "https".equalsIgnoreCase(uri.getScheme());
      int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
      return new Origin(https, uri.getHost(), port);
    }

    String hostHeader() {
      return (https && port == 443) || (!https && port == 80) ? host : host + ":" + port;
    }
  }

  static Target of(URI uri) {
    Origin origin = Origin.of(uri);
    String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      target = target + "?" + uri.getRawQuery();
    }
    return new Target(origin, target, AsciiHeaders.repeated(origin.hostHeader()));
  }
}
