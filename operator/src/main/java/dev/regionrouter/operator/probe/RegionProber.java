package dev.regionrouter.operator.probe;

import dev.regionrouter.api.probe.ProbeStateMachine;
import dev.regionrouter.operator.metrics.OperatorMetrics;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Probes each tracked region's health endpoint in the background: GET on its interval (with +-10 %
 * jitter so that regions do not fire in lockstep), with its timeout, asynchronously (one timer
 * thread, the JDK HttpClient's own I/O). Calls {@code onChange} with the region's key only when its
 * {@link ProbeObservation} changed meaningfully, so probes do not cause status churn.
 *
 * @param <K> the key of a region (JOSDK's ResourceID in the operator)
 */
public final class RegionProber<K> implements AutoCloseable {

  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final Consumer<K> onChange;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final Map<K, Probed> probed = new ConcurrentHashMap<>();

  private final class Probed {
    final K key;
    final ProbeTarget target;
    final ProbeTracker tracker = new ProbeTracker();
    volatile boolean stopped;
    volatile ScheduledFuture<?> next;

    Probed(K key, ProbeTarget target) {
      this.key = key;
      this.target = target;
    }

    void stop() {
      stopped = true;
      ScheduledFuture<?> f = next;
      if (f != null) {
        f.cancel(false);
      }
    }
  }

  /**
   * trustedCas: the CAs https regions' certificates must chain to, instead of the JDK's; null for
   * the JDK's. Either way the region's host name must match its certificate.
   */
  public RegionProber(
      Consumer<K> onChange, OperatorMetrics metrics, Clock clock, TrustedCaBundle trustedCas) {
    this.onChange = onChange;
    this.metrics = metrics;
    this.clock = clock;
    HttpClient.Builder http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER);
    if (trustedCas != null) {
      http.sslContext(trustedCas.sslContext());
    }
    this.http = http.build();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "region-prober");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts probing the region, or restarts it when its target changed; no-op when unchanged. */
  public void track(K key, ProbeTarget target) {
    probed.compute(
        key,
        (k, existing) -> {
          if (existing != null && existing.target.equals(target)) {
            return existing;
          }
          if (existing != null) {
            existing.stop();
          }
          Probed p = new Probed(k, target);
          // first probe soon (the status shows NotProbedYet until then), spread over up to a second
          long firstDelayMs =
              ThreadLocalRandom.current()
                  .nextLong(Math.min(1000, target.interval().toMillis()) + 1);
          schedule(p, firstDelayMs);
          return p;
        });
  }

  /** Stops probing the region and forgets what was observed (deleted or no longer probeable). */
  public void forget(K key) {
    Probed p = probed.remove(key);
    if (p != null) {
      p.stop();
    }
  }

  /** Stops every probe (this replica stopped leading). */
  public void forgetAll() {
    probed.keySet().forEach(this::forget);
  }

  public Optional<ProbeObservation> observation(K key) {
    Probed p = probed.get(key);
    if (p == null) {
      return Optional.empty();
    }
    synchronized (p) {
      return Optional.ofNullable(p.tracker.current());
    }
  }

  private void schedule(Probed p, long delayMs) {
    if (p.stopped || timer.isShutdown()) {
      return;
    }
    try {
      p.next = timer.schedule(() -> probe(p), delayMs, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // shutting down
    }
  }

  private void probe(Probed p) {
    if (p.stopped) {
      return;
    }
    HttpRequest request =
        HttpRequest.newBuilder(p.target.healthUri())
            .timeout(p.target.timeout())
            .header("User-Agent", "region-router-operator")
            .method(p.target.method(), HttpRequest.BodyPublishers.noBody())
            .build();
    long start = System.nanoTime();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .orTimeout(p.target.timeout().toMillis() + 500, TimeUnit.MILLISECONDS) // bound connect too
        .whenComplete(
            (response, error) -> {
              double latencyMs = (System.nanoTime() - start) / 1_000_000.0;
              boolean changed;
              boolean ok =
                  error == null
                      && (response.statusCode() / 100 == 2
                          || p.target.authenticated()
                              && (response.statusCode() == 401 || response.statusCode() == 403));
              synchronized (p) {
                if (ok) {
                  changed = p.tracker.success(latencyMs, clock.instant());
                } else {
                  changed =
                      p.tracker.failure(
                          error == null
                              ? "HTTP " + response.statusCode()
                              : describe(error, p.target),
                          clock.instant());
                }
              }
              metrics.probe(ok);
              if (changed && !p.stopped) {
                onChange.accept(p.key);
              }
              boolean followUp;
              synchronized (p) {
                followUp = p.tracker.followUpDue();
              }
              if (followUp) {
                // the first answer of a fresh measurement paid for the set-up: measure for real now
                schedule(p, ProbeStateMachine.FOLLOW_UP_DELAY_MILLIS);
                return;
              }
              long interval = p.target.interval().toMillis();
              long jitter = interval / 10;
              schedule(p, interval - jitter + ThreadLocalRandom.current().nextLong(2 * jitter + 1));
            });
  }

  /** A short, stable description: the same failure always reads the same (no churn in status). */
  static String describe(Throwable error, ProbeTarget target) {
    Throwable e =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e instanceof HttpConnectTimeoutException) {
      return "connect timed out";
    }
    if (e instanceof HttpTimeoutException || e instanceof java.util.concurrent.TimeoutException) {
      return "no answer within " + target.timeout().toSeconds() + "s";
    }
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    if (e instanceof java.nio.channels.UnresolvedAddressException
        || e instanceof java.net.UnknownHostException) {
      return "unknown host";
    }
    if (e instanceof javax.net.ssl.SSLException) {
      // the innermost reason reads best: "unable to find valid certification path to requested
      // target", "No subject alternative DNS name matching ... found"
      Throwable reason = e;
      while (reason.getCause() != null && reason.getCause() != reason) {
        reason = reason.getCause();
      }
      return "TLS handshake failed: "
          + (reason.getMessage() != null ? reason.getMessage() : reason.getClass().getSimpleName());
    }
    if (e instanceof java.io.IOException && e.getMessage() != null) {
      return e.getMessage();
    }
    return e.getClass().getSimpleName();
  }

  @Override
  public void close() {
    forgetAll();
    timer.shutdownNow();
    http.shutdownNow();
  }
}
