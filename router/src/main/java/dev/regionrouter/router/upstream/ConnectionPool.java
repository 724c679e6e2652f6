package dev.regionrouter.router.upstream;

import dev.regionrouter.router.upstream.Target.Origin;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's region connections: idle HTTP/1.1 keep-alive ones, newest first (the warmest is
 * reused first), closed once idle for the idle timeout; and one HTTP/2 connection per region whose
 * streams carry every call. Touched only on its loop, so it needs no locks.
 */
final class ConnectionPool {

  /** Idle connections kept per region and event loop; more are closed when returned. */
  static final int MAX_IDLE_PER_ORIGIN = 256;

  private final EventLoop loop;
  private final long idleTimeoutNanos;
  private final Map<Origin, ArrayDeque<Channel>> idle = new HashMap<>();
  private final Map<Origin, Channel> multiplexed = new HashMap<>();

  /** Closes connections idle past the idle timeout; started with the first connection pooled. */
  private ScheduledFuture<?> sweeper;

  ConnectionPool(EventLoop loop, long idleTimeoutNanos) {
    this.loop = loop;
    this.idleTimeoutNanos = idleTimeoutNanos;
  }

  /** The region's shared HTTP/2 connection, if one is open. */
  Channel multiplexed(Origin origin) {
    Channel shared = multiplexed.get(origin);
    return shared != null && shared.isActive() ? shared : null;
  }

  void multiplexed(Origin origin, Channel connection) {
    multiplexed.put(origin, connection);
  }

  /** The newest idle HTTP/1.1 connection to the region that is still open, or null. */
  Channel take(Origin origin) {
    ArrayDeque<Channel> connections = idle.get(origin);
    Channel pooled;
    while (connections != null && (pooled = connections.pollFirst()) != null) {
      if (pooled.isActive()) {
        return pooled;
      }
    }
    return null;
  }

  /** Keeps a connection whose answer is complete for the next call, or closes it when full. */
  void release(Origin origin, Channel connection, ResponseReader reader) {
    ArrayDeque<Channel> connections = idle.computeIfAbsent(origin, o -> new ArrayDeque<>());
    if (connections.size() >= MAX_IDLE_PER_ORIGIN) {
      connection.close();
      return;
    }
    reader.idleSince = System.nanoTime();
    connections.addFirst(connection);
    if (sweeper == null) {
      long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), idleTimeoutNanos / 2);
      sweeper = loop.scheduleWithFixedDelay(this::closeIdle, period, period, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * A burst opens as many connections as it has requests in flight; once it is over, those not
   * needed again would stay open for good against a region that never closes idle ones (fds on both
   * sides), or go stale behind a NAT or load balancer that drops them silently. Pooled newest
   * first, so the ones idle longest are at the tail.
   */
  private void closeIdle() {
    long now = System.nanoTime();
    for (Iterator<ArrayDeque<Channel>> it = idle.values().iterator(); it.hasNext(); ) {
      ArrayDeque<Channel> connections = it.next();
      Channel oldest;
      while ((oldest = connections.peekLast()) != null
          && (!oldest.isActive()
              || now - oldest.pipeline().get(ResponseReader.class).idleSince >= idleTimeoutNanos)) {
        connections.pollLast().close();
      }
      if (connections.isEmpty()) {
        it.remove();
      }
    }
  }
}
