package dev.regionrouter.router.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last requests the router answered (a fixed ring: one slot write per request, no lock), for
 * the status page's "last decisions".
 */
public final class RecentRequests {

  private final AtomicReferenceArray<RequestRecord> ring;
  private final AtomicLong next = new AtomicLong();

  public RecentRequests(int size) {
    this.ring = new AtomicReferenceArray<>(size);
  }

  public void add(RequestRecord request) {
    ring.lazySet((int) (next.getAndIncrement() % ring.length()), request);
  }

  /** Newest first, at most the ring's size. */
  public List<RequestRecord> latest() {
    long end = next.get();
    List<RequestRecord> out = new ArrayList<>(ring.length());
    for (long i = end - 1; i >= 0 && i >= end - ring.length(); i--) {
      RequestRecord r = ring.get((int) (i % ring.length()));
      if (r != null) {
        out.add(r);
      }
    }
    return out;
  }
}
