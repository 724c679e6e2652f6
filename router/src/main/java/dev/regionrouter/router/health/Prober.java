package dev.regionrouter.router.health;

import dev.regionrouter.api.probe.ProbeStateMachine;
import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.config.ProbeProperties;
import dev.regionrouter.router.observe.RouterMetrics;
import dev.regionrouter.router.table.TableSnapshot;
import dev.regionrouter.router.upstream.Credentials;
import dev.regionrouter.router.upstream.UpstreamClient;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background active health checks, never on the request path. Each region is probed on its own
 * interval (the table's probe settings or the router's), with jitter, one probe at a time per
 * region: the next one is scheduled when the previous ended, so a hanging region never piles up
 * probes. One timer thread only schedules; the probes themselves run on virtual threads. A new
 * table keeps the schedule of regions whose probe target did not change and probes new ones at
 * once.
 */
public class Prober implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Prober.class);

  private static final Duration FOLLOW_UP =
      Duration.ofMillis(ProbeStateMachine.FOLLOW_UP_DELAY_MILLIS);

  private final UpstreamClient client;
  private final HealthRegistry health;
  private final ProbeProperties settings;
  private final RouterMetrics metrics;
  private final RandomGenerator random;
  private final Credentials credentials;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("probe-timer").factory());
  private final ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, Task> tasks = new HashMap<>();

  public Prober(
      UpstreamClient client,
      HealthRegistry health,
      ProbeProperties settings,
      RouterMetrics metrics,
      RandomGenerator random,
      Credentials credentials) {
    this.credentials = credentials;
    this.client = client;
    this.health = health;
    this.settings = settings;
    this.metrics = metrics;
    this.random = random;
  }

  /**
   * What is probed, how and how often; a change restarts the region's schedule. secretRef: the
   * region's token goes with each probe (spec.probe.sendCredentials); null: none.
   */
  record Target(
      String region,
      String method,
      URI uri,
      Duration interval,
      Duration timeout,
      RegionEntry.SecretRef secretRef) {}

  private final class Task {
    final Target target;
    volatile boolean cancelled;
    volatile ScheduledFuture<?> next;

    Task(Target target) {
      this.target = target;
    }

    void schedule(Duration delay) {
      if (!cancelled && !timer.isShutdown()) {
        next =
            timer.schedule(
                () -> probes.execute(this::probe), delay.toNanos(), TimeUnit.NANOSECONDS);
      }
    }

    void probe() {
      if (cancelled) {
        return;
      }
      long start = System.nanoTime();
      boolean ok;
      String failure = null;
      try {
        Map<String, List<String>> headers = Map.of("accept", List.of("application/json"));
        if (target.secretRef() != null) {
          String token =
              credentials
                  .token(target.secretRef())
                  .orElseThrow(
                      () ->
                          new java.io.IOException(
                              "its credentials (Secret "
                                  + target.secretRef().name()
                                  + ") are not available"));
          headers =
              Map.of(
                  "accept",
                  List.of("application/json"),
                  "authorization",
                  List.of("Bearer " + token));
        }
        int status =
            client
                .exchange(
                    new UpstreamClient.Request(target.method(), target.uri(), headers, null),
                    target.timeout(),
                    settings.maxBodySize().toBytes())
                .get()
                .status();
        ok = status >= 200 && status < 300;
        if (!ok) {
          failure = "HTTP " + status;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        Throwable cause =
            e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                ? e.getCause()
                : e;
        ok = false;
        failure =
            cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
      }
      Duration latency = Duration.ofNanos(System.nanoTime() - start);
      RegionHealth regionHealth = health.get(target.region());
      if (!cancelled && regionHealth != null) {
        metrics.probe(target.region(), ok, latency);
        if (regionHealth.recordProbe(ok, latency)) {
          if (ok) {
            log.info(
                "region {} is healthy again (probe {} ms)", target.region(), latency.toMillis());
          } else {
            log.warn(
                "region {} is unhealthy: {} probes failed, last: {}",
                target.region(),
                settings.unhealthyThreshold(),
                failure);
          }
        }
      }
      // the probe after a fresh measurement's first answer comes soon: that latency is provisional
      boolean followUp = regionHealth != null && regionHealth.probeFollowUpDue();
      schedule(followUp ? min(target.interval(), FOLLOW_UP) : jittered(target.interval()));
    }

    void cancel() {
      cancelled = true;
      ScheduledFuture<?> scheduled = next;
      if (scheduled != null) {
        scheduled.cancel(false);
      }
    }
  }

  /** Table listener: start, keep or stop each region's schedule. */
  public synchronized void onTable(TableSnapshot snapshot) {
    Map<String, Target> wanted = new HashMap<>();
    for (RegionEntry entry : snapshot.table().regions()) {
      wanted.put(entry.name(), target(entry));
    }
    tasks
        .entrySet()
        .removeIf(
            e -> {
              if (!Objects.equals(wanted.get(e.getKey()), e.getValue().target)) {
                e.getValue().cancel();
                return true;
              }
              return false;
            });
    wanted.forEach(
        (name, target) ->
            tasks.computeIfAbsent(
                name,
                n -> {
                  Task task = new Task(target);
                  task.schedule(
                      Duration.ZERO); // measure a new region at once, not an interval later
                  return task;
                }));
  }

  private Target target(RegionEntry entry) {
    Duration interval = settings.interval();
    Duration timeout = settings.timeout();
    if (entry.probe() != null) {
      if (entry.probe().intervalSeconds() != null) {
        interval = Duration.ofSeconds(entry.probe().intervalSeconds());
      }
      if (entry.probe().timeoutSeconds() != null) {
        timeout = Duration.ofSeconds(entry.probe().timeoutSeconds());
      }
    }
    String base =
        entry.endpoint().endsWith("/")
            ? entry.endpoint().substring(0, entry.endpoint().length() - 1)
            : entry.endpoint();
    boolean sendCredentials =
        entry.probe() != null
            && entry.probe().credentials()
            && entry.credentialsSecretRef() != null;
    return new Target(
        entry.name(),
        entry.probe() == null ? "GET" : entry.probe().effectiveMethod(),
        URI.create(base + entry.effectiveHealthPath()),
        interval,
        timeout,
        sendCredentials ? entry.credentialsSecretRef() : null);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  private Duration jittered(Duration interval) {
    double jitter = settings.jitter();
    if (jitter == 0) {
      return interval;
    }
    double factor = 1 + jitter * (2 * random.nextDouble() - 1);
    return Duration.ofNanos((long) (interval.toNanos() * factor));
  }

  @Override
  public synchronized void close() {
    tasks.values().forEach(Task::cancel);
    tasks.clear();
    timer.shutdownNow();
    probes.shutdownNow();
  }
}
