package dev.regionrouter.mockregion;

import dev.regionrouter.mockregion.config.MockSettings;
import java.util.regex.Pattern;

/**
 * How to start a mock region: what is fixed for its lifetime (name, address, threads) and the
 * initial {@link MockSettings} (which may change later).
 *
 * @param threads event-loop threads, 0 for one per processor
 * @param maxBodyBytes larger request bodies get a 413
 * @param transport {@code auto} (epoll when available), {@code epoll} or {@code nio}
 */
public record MockRegionOptions(
    String region,
    String host,
    int port,
    int threads,
    int maxBodyBytes,
    String transport,
    MockSettings settings) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

  /** It goes into a response header and JSON: a plain name like {@code ap-south-1}. */
  private static final Pattern REGION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  public MockRegionOptions {
    if (region == null || !REGION.matcher(region).matches()) {
      throw new IllegalArgumentException(
          "region must be letters, digits, '.', '_' or '-' (up to 128), got '" + region + "'");
    }
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host is required");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (threads < 0 || threads > 1024) {
      throw new IllegalArgumentException("threads must be 0..1024, got " + threads);
    }
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be >= 1, got " + maxBodyBytes);
    }
    if (!transport.equals("auto") && !transport.equals("epoll") && !transport.equals("nio")) {
      throw new IllegalArgumentException(
          "transport must be auto, epoll or nio, got '" + transport + "'");
    }
    if (settings == null) {
      throw new IllegalArgumentException("settings are required");
    }
  }
}
