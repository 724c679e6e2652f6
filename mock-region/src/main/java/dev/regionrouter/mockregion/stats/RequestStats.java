package dev.regionrouter.mockregion.stats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the requests a mock region served, by path and outcome (an HTTP status, or {@code
 * hang} / {@code reset} when no status was sent). Admin requests are not counted, so polling the
 * stats does not change them. Lock-free on the request path.
 */
public final class RequestStats {

  public static final String HANG = "hang";
  public static final String RESET = "reset";

  /** Status keys made once, so counting a response allocates nothing. */
  private static final String[] STATUS_KEYS = new String[600];

  static {
    for (int i = 0; i < STATUS_KEYS.length; i++) {
      STATUS_KEYS[i] = Integer.toString(i);
    }
  }

  private final ConcurrentHashMap<String, ConcurrentHashMap<String, LongAdder>> byPath =
      new ConcurrentHashMap<>();
  private final LongAdder total = new LongAdder();
  private final LongAdder connectionsAccepted = new LongAdder();
  private final AtomicInteger connectionsOpen = new AtomicInteger();

  /** A response with this status was sent for a request to {@code path}. */
  public void record(String path, int status) {
    record(
        path,
        status >= 0 && status < STATUS_KEYS.length
            ? STATUS_KEYS[status]
            : Integer.toString(status));
  }

  /**
   * A request to {@code path} ended with {@code outcome} ({@link #HANG}, {@link #RESET} or a
   * status).
   */
  public void record(String path, String outcome) {
    total.increment();
    ConcurrentHashMap<String, LongAdder> outcomes = byPath.get(path);
    if (outcomes == null) {
      outcomes = byPath.computeIfAbsent(path, p -> new ConcurrentHashMap<>());
    }
    LongAdder counter = outcomes.get(outcome);
    if (counter == null) {
      counter = outcomes.computeIfAbsent(outcome, o -> new LongAdder());
    }
    counter.increment();
  }

  public void connectionOpened() {
    connectionsAccepted.increment();
    connectionsOpen.incrementAndGet();
  }

  public void connectionClosed() {
    connectionsOpen.decrementAndGet();
  }

  public long count(String path, int status) {
    return count(path, Integer.toString(status));
  }

  public long count(String path, String outcome) {
    ConcurrentHashMap<String, LongAdder> outcomes = byPath.get(path);
    LongAdder counter = outcomes == null ? null : outcomes.get(outcome);
    return counter == null ? 0 : counter.sum();
  }

  /** Requests counted on every path. */
  public long total() {
    return total.sum();
  }

  public int connectionsOpen() {
    return connectionsOpen.get();
  }

  /** Zeroes the request counters (open connections are a gauge and stay). */
  public void reset() {
    byPath.clear();
    total.reset();
    connectionsAccepted.reset();
  }

  /**
   * A JSON-ready view: {@code {"total":..,"connectionsOpen":..,"requests":{"/health":{"200":3}}}}.
   */
  public Map<String, Object> snapshot() {
    Map<String, Object> requests = new TreeMap<>();
    byPath.forEach(
        (path, outcomes) -> {
          Map<String, Long> counts = new TreeMap<>();
          outcomes.forEach((outcome, counter) -> counts.put(outcome, counter.sum()));
          requests.put(path, counts);
        });
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("total", total.sum());
    map.put("connectionsOpen", connectionsOpen.get());
    map.put("connectionsAccepted", connectionsAccepted.sum());
    map.put("requests", requests);
    return map;
  }
}
