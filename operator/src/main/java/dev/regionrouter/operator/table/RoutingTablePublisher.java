package dev.regionrouter.operator.table;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.api.table.RoutingTable;
import dev.regionrouter.api.table.RoutingTableCodec;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.operator.config.Leadership;
import dev.regionrouter.operator.metrics.OperatorMetrics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each namespace's routing-table ConfigMap equal to the usable regions of that namespace.
 *
 * <p>Why it works this way:
 *
 * <ul>
 *   <li>The table is always recomputed from the whole informer cache of the namespace, never
 *       patched entry by entry: whatever order events come in, the last publish lists exactly what
 *       exists (no lost update).
 *   <li>Requests are coalesced per namespace: a publish runs once no request came for the quiet
 *       period, or at the latest the max delay after the first pending request, so a burst of 1,000
 *       changes becomes a handful of writes.
 *   <li>It writes only when the bytes differ from what the ConfigMap holds, and one thread does all
 *       publishing, so writes of one namespace never race each other.
 *   <li>Only the leader writes; a publish that finds this replica standing by does nothing (the new
 *       leader republishes every namespace when it takes over).
 * </ul>
 */
public final class RoutingTablePublisher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RoutingTablePublisher.class);
  private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);

  /** Where the regions come from: the operator's informer cache of InferenceRegions. */
  public interface RegionCatalog {
    Stream<InferenceRegion> regions(String namespace);

    Set<String> namespaces();
  }

  /**
   * The table of a namespace could not be written, several times in a row: what the API server said
   * (the HTTP code, 0 when it did not answer). The message is stable across retries (no attempt
   * count, no time), so reporting it in a condition does not churn.
   */
  public record WriteFailure(int httpCode, String message) {}

  /**
   * Consecutive failed writes after which a failure is reported (a single blip is only retried).
   */
  public static final int FAILURES_BEFORE_REPORTING = 2;

  /** What was last published in a namespace. */
  private record NamespaceState(
      Map<String, RegionEntry> published,
      boolean tooLarge,
      String writtenJson,
      String writtenResourceVersion,
      int failures,
      WriteFailure lastFailure) {
    static final NamespaceState NONE = new NamespaceState(Map.of(), false, null, null, 0, null);

    NamespaceState failed(WriteFailure failure) {
      return new NamespaceState(
          published, tooLarge, writtenJson, writtenResourceVersion, failures + 1, failure);
    }
  }

  private static final class Pending {
    final long firstRequestNanos;
    ScheduledFuture<?> future;

    Pending(long firstRequestNanos) {
      this.firstRequestNanos = firstRequestNanos;
    }
  }

  private final RegionCatalog catalog;
  private final ConfigMapStore store;
  private final Leadership leadership;
  private final OperatorMetrics metrics;
  private final long quietNanos;
  private final long maxDelayNanos;
  private final int maxTableBytes;
  private final Consumer<String> onPublicationChanged;
  private final ScheduledExecutorService executor;
  private final Object lock = new Object();
  private final Map<String, Pending> pending = new HashMap<>();
  private final Map<String, NamespaceState> states = new ConcurrentHashMap<>();

  /**
   * @param onPublicationChanged called with a namespace after each publish attempt, so that the
   *     regions whose Published condition changed get reconciled
   */
  public RoutingTablePublisher(
      RegionCatalog catalog,
      ConfigMapStore store,
      Leadership leadership,
      OperatorMetrics metrics,
      Duration quietPeriod,
      Duration maxDelay,
      int maxTableBytes,
      Consumer<String> onPublicationChanged) {
    this.catalog = catalog;
    this.store = store;
    this.leadership = leadership;
    this.metrics = metrics;
    this.quietNanos = quietPeriod.toNanos();
    this.maxDelayNanos = Math.max(maxDelay.toNanos(), quietNanos);
    this.maxTableBytes = maxTableBytes;
    this.onPublicationChanged = onPublicationChanged;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "routing-table-publisher");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Asks for the namespace's table to be brought up to date soon (coalesced with other requests).
   */
  public void requestPublish(String namespace) {
    schedule(namespace, 0);
  }

  /** Republishes every namespace known from regions or existing tables (after taking the lead). */
  public void requestPublishAll() {
    Set<String> all = new java.util.HashSet<>(catalog.namespaces());
    all.addAll(store.namespacesWithTable());
    all.forEach(this::requestPublish);
  }

  /** The ConfigMap watch saw a change: republish unless it is our own last write. */
  public void configMapChanged(String namespace, ConfigMap cm) {
    NamespaceState state = states.getOrDefault(namespace, NamespaceState.NONE);
    if (cm == null) {
      // deleted (or relabelled): forget our write, so the next publish does not take it as current
      states.computeIfPresent(
          namespace,
          (ns, s) ->
              new NamespaceState(
                  s.published(), s.tooLarge(), null, null, s.failures(), s.lastFailure()));
      requestPublish(namespace);
    } else if (state.writtenJson() == null || !ConfigMapStore.holds(cm, state.writtenJson())) {
      requestPublish(namespace);
    }
  }

  /** Whether the region, as it is now, is listed in its namespace's table. */
  public Publication publicationOf(InferenceRegion region) {
    NamespaceState state = states.get(region.getMetadata().getNamespace());
    if (state == null) {
      return Publication.PENDING;
    }
    RegionEntry published = state.published().get(region.getMetadata().getName());
    if (published != null
        && RegionEntries.usable(region)
        && published.equals(RegionEntries.of(region))) {
      return Publication.PUBLISHED;
    }
    if (state.tooLarge()) {
      return Publication.TOO_LARGE;
    }
    return published != null ? Publication.UPDATING : Publication.PENDING;
  }

  /**
   * Present while writing the namespace's table keeps failing ({@value #FAILURES_BEFORE_REPORTING}
   * or more attempts in a row); empty again after the next successful publish.
   */
  public Optional<WriteFailure> writeFailure(String namespace) {
    NamespaceState state = states.get(namespace);
    return state == null || state.failures() < FAILURES_BEFORE_REPORTING
        ? Optional.empty()
        : Optional.ofNullable(state.lastFailure());
  }

  /** True while a publish of the namespace is scheduled and not yet started. */
  public boolean isPending(String namespace) {
    synchronized (lock) {
      return pending.containsKey(namespace);
    }
  }

  private void schedule(String namespace, long minDelayNanos) {
    synchronized (lock) {
      if (executor.isShutdown()) {
        return;
      }
      long now = System.nanoTime();
      Pending p = pending.computeIfAbsent(namespace, ns -> new Pending(now));
      if (p.future != null) {
        p.future.cancel(false);
      }
      long due =
          Math.max(
              Math.min(now + quietNanos, p.firstRequestNanos + maxDelayNanos), now + minDelayNanos);
      p.future = executor.schedule(() -> publish(namespace), due - now, TimeUnit.NANOSECONDS);
    }
  }

  private void publish(String namespace) {
    synchronized (lock) {
      // requests from now on schedule a new publish, which will see their change
      pending.remove(namespace);
    }
    if (!leadership.isLeading()) {
      return;
    }
    NamespaceState previous = states.getOrDefault(namespace, NamespaceState.NONE);
    try {
      List<RegionEntry> entries =
          catalog.regions(namespace).filter(RegionEntries::usable).map(RegionEntries::of).toList();
      String json = RoutingTableCodec.toJson(RoutingTable.of(entries));
      Map<String, RegionEntry> byName =
          entries.stream()
              .collect(Collectors.toUnmodifiableMap(RegionEntry::name, e -> e, (a, b) -> a));
      int size = json.getBytes(StandardCharsets.UTF_8).length;
      if (size > maxTableBytes) {
        LOG.warn(
            "routing table of namespace {} would be {} bytes, over the {} byte limit: keeping the last one; "
                + "regions not in it get Published=False RoutingTableTooLarge",
            namespace,
            size,
            maxTableBytes);
        metrics.tableTooLarge();
        states.put(
            namespace,
            new NamespaceState(
                previous.published(),
                true,
                previous.writtenJson(),
                previous.writtenResourceVersion(),
                0,
                null));
      } else if (isCurrent(namespace, json, previous)) {
        metrics.tableUnchanged();
        states.put(
            namespace,
            new NamespaceState(byName, false, json, previous.writtenResourceVersion(), 0, null));
      } else if (!leadership.isLeading()) {
        return;
      } else {
        ConfigMap written = store.write(namespace, json);
        metrics.tableWritten();
        LOG.info(
            "wrote routing table {}/{}: {} regions, {} bytes",
            namespace,
            RoutingTableCodec.CONFIG_MAP_NAME,
            entries.size(),
            size);
        states.put(
            namespace,
            new NamespaceState(
                byName, false, json, written.getMetadata().getResourceVersion(), 0, null));
      }
    } catch (KubernetesClientException e) {
      metrics.tableError();
      if (e.getCode() == 413
          || (e.getCode() == 422
              && String.valueOf(e.getMessage())
                  .toLowerCase(java.util.Locale.ROOT)
                  .contains("too long"))) {
        // a real API server says "Too long: must have at most 1048576 bytes"
        LOG.warn(
            "API server refused the routing table of namespace {} as too large: keeping the last one",
            namespace);
        states.put(
            namespace,
            new NamespaceState(
                previous.published(),
                true,
                previous.writtenJson(),
                previous.writtenResourceVersion(),
                0,
                null));
      } else {
        retryAfterFailure(namespace, previous.failed(describe(e)), e.getMessage());
        return;
      }
    } catch (RuntimeException e) {
      metrics.tableError();
      LOG.error("publishing routing table of namespace {} failed: retrying", namespace, e);
      retryAfterFailure(
          namespace,
          previous.failed(
              new WriteFailure(0, e.getClass().getSimpleName() + ": " + e.getMessage())),
          e.getMessage());
      return;
    }
    try {
      onPublicationChanged.accept(namespace);
    } catch (RuntimeException e) {
      LOG.warn("could not signal publication change of namespace {}", namespace, e);
    }
  }

  /**
   * Records the failure, schedules the next attempt with exponential backoff (0.5 s doubling up to
   * 30 s) and, once the failure is worth reporting, tells the reconciler so that the regions
   * waiting for this table show it (JOSDK's error path turns it into their conditions).
   */
  private void retryAfterFailure(String namespace, NamespaceState failed, String detail) {
    states.put(namespace, failed);
    long delayMs = Math.min(MAX_RETRY_DELAY.toMillis(), 250L << Math.min(failed.failures(), 7));
    LOG.warn(
        "writing routing table of namespace {} failed ({}): retrying in {} ms",
        namespace,
        detail,
        delayMs);
    schedule(namespace, TimeUnit.MILLISECONDS.toNanos(delayMs));
    if (failed.failures() >= FAILURES_BEFORE_REPORTING) {
      try {
        onPublicationChanged.accept(namespace);
      } catch (RuntimeException e) {
        LOG.warn("could not signal the write failure of namespace {}", namespace, e);
      }
    }
  }

  /** The API server's answer in one stable line: code, reason, and its message without the URL. */
  public static WriteFailure describe(KubernetesClientException e) {
    io.fabric8.kubernetes.api.model.Status status = e.getStatus();
    String reason = status == null || status.getReason() == null ? "" : " " + status.getReason();
    String message =
        status != null && status.getMessage() != null ? status.getMessage() : e.getMessage();
    String text =
        e.getCode() == 0
            ? "the API server did not answer: " + message
            : "the API server answered HTTP " + e.getCode() + reason + ": " + message;
    return new WriteFailure(
        e.getCode(), text.length() > 400 ? text.substring(0, 397) + "..." : text);
  }

  /**
   * True when the ConfigMap already holds {@code json}, or our write of it is newer than the watch
   * has seen.
   */
  private boolean isCurrent(String namespace, String json, NamespaceState previous) {
    Optional<ConfigMap> cached = store.cached(namespace);
    if (cached.isPresent() && ConfigMapStore.holds(cached.get(), json)) {
      return true;
    }
    if (!json.equals(previous.writtenJson())) {
      return false;
    }
    // The watch lags behind our own last write of this same document: not a drift.
    return cached.isEmpty()
        || olderThan(
            cached.get().getMetadata().getResourceVersion(), previous.writtenResourceVersion());
  }

  private static boolean olderThan(String resourceVersion, String than) {
    try {
      return Long.parseLong(resourceVersion) < Long.parseLong(than);
    } catch (NumberFormatException | NullPointerException e) {
      return false; // opaque versions: cannot tell, so write (safe, at worst one extra write)
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      executor.shutdownNow();
      pending.clear();
    }
  }
}
