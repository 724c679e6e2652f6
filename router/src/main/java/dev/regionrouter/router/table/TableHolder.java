package dev.regionrouter.router.table;

import dev.regionrouter.api.table.RoutingTable;
import dev.regionrouter.router.observe.RouterMetrics;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing table in use and the story of the documents offered to it. A source offers documents
 * ({@link #accept}, {@link #reject}, {@link #sourceMissing}); only a valid document replaces the
 * table, so a broken one is logged, counted and shown, and the router keeps serving the last good
 * table. Listeners (region health, prober, credentials) hear every accepted table, in the order
 * they registered.
 */
public class TableHolder {

  private static final Logger log = LoggerFactory.getLogger(TableHolder.class);

  private final Clock clock;
  private final RouterMetrics metrics;
  private final List<Consumer<TableSnapshot>> listeners = new CopyOnWriteArrayList<>();
  private volatile TableState state;
  private RoutingTable offered;
  private String offeredOrigin;
  private int replicas = 1;

  /** The source's latest document was refused (cleared by the next one accepted). */
  private volatile boolean latestRefused;

  public TableHolder(String source, Clock clock, RouterMetrics metrics) {
    this.clock = clock;
    this.metrics = metrics;
    this.state = new TableState(source, null, 0, null, null, false);
    metrics.trackTable(
        () -> {
          TableSnapshot current = current();
          return current == null
              ? Double.NaN
              : java.time.Duration.between(current.loadedAt(), clock.instant()).toMillis() / 1e3;
        },
        () -> current() == null ? 0 : current().version(),
        () -> current() == null ? 0 : current().table().regions().size(),
        this::stale);
  }

  /**
   * Whether the table in use is not its source's latest: none loaded, the source is gone, or its
   * latest document was refused.
   */
  public boolean stale() {
    TableState s = state;
    return s.current() == null || s.sourceMissing() || latestRefused;
  }

  public void addListener(Consumer<TableSnapshot> listener) {
    listeners.add(listener);
    TableSnapshot current = current();
    if (current != null) {
      listener.accept(current);
    }
  }

  /** The table in use, or null before the first good one. */
  public TableSnapshot current() {
    return state.current();
  }

  public TableState state() {
    return state;
  }

  /**
   * A valid document: it becomes the table (unless it equals the one in use). Listeners hear it
   * before it is published, so a request never sees a table whose regions have no health yet.
   */
  public synchronized void accept(RoutingTable table, String origin) {
    latestRefused = false;
    offered = table;
    offeredOrigin = origin;
    install(CapacityShare.of(table, replicas), origin);
  }

  /**
   * This router is one of {@code replicas} ready replicas: from now on the table in use carries its
   * share of each region's capacity ({@link CapacityShare}), re-derived from the last document.
   */
  public synchronized void shareCapacityAmong(int replicas) {
    if (replicas == this.replicas) {
      return;
    }
    this.replicas = replicas;
    if (offered != null) {
      install(CapacityShare.of(offered, replicas), offeredOrigin);
    }
  }

  private void install(RoutingTable table, String origin) {
    TableState old = state;
    if (old.current() != null && Objects.equals(old.current().table(), table)) {
      state =
          new TableState(
              old.source(),
              old.current(),
              old.rejected(),
              old.lastError(),
              old.lastErrorAt(),
              false);
      return;
    }
    long version = old.current() == null ? 1 : old.current().version() + 1;
    TableSnapshot snapshot = new TableSnapshot(table, origin, clock.instant(), version);
    listeners.forEach(l -> l.accept(snapshot));
    state =
        new TableState(
            old.source(), snapshot, old.rejected(), old.lastError(), old.lastErrorAt(), false);
    log.info(
        "routing table v{} from {}: {} regions {}",
        snapshot.version(),
        origin,
        table.regions().size(),
        table.regions().stream().map(r -> r.name()).toList());
  }

  /**
   * The source has no table yet (its ConfigMap does not exist: a first install, before any region):
   * an empty table, unless a table arrived meanwhile. The router is then ready and answers every
   * request with 503 no_regions_configured until regions appear, so an install that waits for
   * readiness completes.
   */
  public synchronized void acceptAbsent(String origin, String why) {
    if (state.current() == null) {
      log.info(
          "routing table source {} does not exist yet ({}): serving no regions until it does",
          origin,
          why);
      accept(RoutingTable.empty(), origin + " (absent)");
    }
  }

  /** A broken or invalid document: counted and recorded; the table in use stays. */
  public synchronized void reject(String origin, String error) {
    latestRefused = true;
    TableState old = state;
    state =
        new TableState(
            old.source(),
            old.current(),
            old.rejected() + 1,
            error,
            clock.instant(),
            old.sourceMissing());
    metrics.tableRejected();
    log.warn(
        "routing table from {} rejected, keeping {}: {}",
        origin,
        old.current() == null ? "no table (not ready)" : "v" + old.current().version(),
        error);
  }

  /** The source disappeared (file or ConfigMap deleted): keep serving the last good table. */
  public synchronized void sourceMissing(String origin, String why) {
    TableState old = state;
    if (!old.sourceMissing()) {
      log.warn(
          "routing table source {} is gone ({}); keeping {}",
          origin,
          why,
          old.current() == null ? "no table (not ready)" : "v" + old.current().version());
    }
    state = new TableState(old.source(), old.current(), old.rejected(), why, clock.instant(), true);
  }
}
