package dev.regionrouter.router.health;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The regions that are ejected now, so a request can find the one whose trial is due without
 * looking at every region of the table (usually none is ejected, and the check is one read).
 */
public final class Ejections {

  private final Set<RegionHealth> ejected = ConcurrentHashMap.newKeySet();

  void add(RegionHealth region) {
    ejected.add(region);
  }

  void remove(RegionHealth region) {
    ejected.remove(region);
  }

  public boolean none() {
    return ejected.isEmpty();
  }

  /** The ejected regions now (a weakly consistent view). */
  public Iterable<RegionHealth> current() {
    return ejected;
  }
}
