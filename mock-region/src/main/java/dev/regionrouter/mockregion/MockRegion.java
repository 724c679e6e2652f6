package dev.regionrouter.mockregion;

import dev.regionrouter.mockregion.config.DelayRange;
import dev.regionrouter.mockregion.config.MockSettings;
import dev.regionrouter.mockregion.config.Mode;
import dev.regionrouter.mockregion.config.SettingsStore;
import dev.regionrouter.mockregion.http.MockHttpServer;
import dev.regionrouter.mockregion.stats.RequestStats;
import java.net.URI;

/**
 * A simulated regional inference endpoint, usable from any test:
 *
 * <pre>{@code
 * try (MockRegion region = MockRegion.builder("ap-south-1").latencyMs(50).inferenceDelayMs(0).build()) {
 *     int port = region.start();             // port 0 picks a free one
 *     region.settings().mode(Mode.DOWN);     // what POST /admin/config {"mode":"down"} does
 * }
 * }</pre>
 */
public final class MockRegion implements AutoCloseable {

  private final MockRegionOptions options;
  private final SettingsStore settings;
  private final RequestStats stats = new RequestStats();
  private final MockHttpServer server;
  private volatile int port = -1;

  public MockRegion(MockRegionOptions options) {
    this.options = options;
    this.settings = new SettingsStore(options.settings());
    this.server =
        new MockHttpServer(
            options.region(),
            options.host(),
            options.port(),
            options.threads(),
            options.maxBodyBytes(),
            options.transport(),
            settings,
            stats);
  }

  public static Builder builder(String region) {
    return new Builder(region);
  }

  /**
   * Binds and returns the bound port. Throws {@link IllegalStateException} when it cannot listen.
   */
  public int start() {
    port = server.start();
    return port;
  }

  /** Stops listening, closes every connection and the event loops. Safe to call twice. */
  public void stop() {
    server.stop();
  }

  @Override
  public void close() {
    stop();
  }

  public String region() {
    return options.region();
  }

  public MockRegionOptions options() {
    return options;
  }

  /** The bound port once started. */
  public int port() {
    if (port < 0) {
      throw new IllegalStateException("not started");
    }
    return port;
  }

  /** {@code http://HOST:PORT}, for clients and routing tables. */
  public URI baseUri() {
    String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
    return URI.create("http://" + host + ":" + port());
  }

  /** The live settings: the same object {@code /admin/config} reads and changes. */
  public SettingsStore settings() {
    return settings;
  }

  /** The counters behind {@code /admin/stats}. */
  public RequestStats stats() {
    return stats;
  }

  /** "epoll" or "nio". */
  public String transport() {
    return server.transportName();
  }

  /**
   * Defaults: 127.0.0.1, port 0, and {@link MockSettings#defaults()} (the reference's behaviour).
   */
  public static final class Builder {
    private final String region;
    private String host = MockRegionOptions.DEFAULT_HOST;
    private int port;
    private int threads;
    private int maxBodyBytes = MockRegionOptions.DEFAULT_MAX_BODY_BYTES;
    private String transport = "auto";
    private final MockSettings.Builder settings = MockSettings.defaults().toBuilder();

    private Builder(String region) {
      this.region = region;
    }

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    public Builder maxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    public Builder transport(String transport) {
      this.transport = transport;
      return this;
    }

    public Builder mode(Mode mode) {
      settings.mode(mode);
      return this;
    }

    public Builder latencyMs(long latencyMs) {
      settings.latencyMs(latencyMs);
      return this;
    }

    public Builder inferenceDelay(DelayRange delay) {
      settings.inferenceDelay(delay);
      return this;
    }

    public Builder inferenceDelayMs(long fixedMs) {
      settings.inferenceDelayMs(fixedMs);
      return this;
    }

    public Builder failureRate(double failureRate) {
      settings.failureRate(failureRate);
      return this;
    }

    public Builder failureStatus(int failureStatus) {
      settings.failureStatus(failureStatus);
      return this;
    }

    public Builder failHealth(boolean failHealth) {
      settings.failHealth(failHealth);
      return this;
    }

    public Builder retryAfterSeconds(int retryAfterSeconds) {
      settings.retryAfterSeconds(retryAfterSeconds);
      return this;
    }

    public Builder tokensUsed(Integer tokensUsed) {
      settings.tokensUsed(tokensUsed);
      return this;
    }

    public Builder streamChunks(int streamChunks) {
      settings.streamChunks(streamChunks);
      return this;
    }

    public Builder streamIntervalMs(long streamIntervalMs) {
      settings.streamIntervalMs(streamIntervalMs);
      return this;
    }

    /**
     * Any other setting (the faults: failFirst, failForMs, errorCode, streamFault, faultModel,
     * ...).
     */
    public Builder settings(java.util.function.Consumer<MockSettings.Builder> change) {
      change.accept(settings);
      return this;
    }

    /** Validates and returns the options (what the command line produces too). */
    public MockRegionOptions options() {
      return new MockRegionOptions(
          region, host, port, threads, maxBodyBytes, transport, settings.build());
    }

    /** A mock region ready to {@link MockRegion#start()}. */
    public MockRegion build() {
      return new MockRegion(options());
    }
  }
}
