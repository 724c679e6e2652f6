package dev.regionrouter.router.exchange;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.selection.AttemptPlan;
import dev.regionrouter.router.selection.Candidate;
import dev.regionrouter.router.selection.FilteredPlan;
import dev.regionrouter.router.selection.RouteFilters;
import dev.regionrouter.router.selection.RoutingPolicy;
import dev.regionrouter.router.table.TableSnapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The order in which one request tries regions: its plan (read lazily: a plan builds its order only
 * as far as it is read), then, once the plan is spent, the regions passed over because the
 * request's model is cooling or ejected there, then the regions the plan left out as unavailable
 * (ejected, unhealthy, cooling; best first, inside the request's filters: an ejection can outlast
 * the outage that caused it while the only region left fails too, the case Envoy's panic mode
 * covers by a healthy-share threshold), and last the stalled region it skipped. A hedge leg (no
 * filters given) never reaches past its plan.
 */
final class AttemptOrder {

  private final TableSnapshot snapshot;
  private final HealthRegistry health;
  private final RoutingPolicy policy;
  private final RandomGenerator random;

  /** The request's hard filters; null for a hedge leg, which tries no region off its plan. */
  private final RouteFilters filters;

  private Iterator<AttemptPlan.Scored> order;
  private boolean unavailableTried;
  private boolean lastResort;
  private AttemptPlan.Scored deferred;
  private List<AttemptPlan.Scored> modelUnavailable;

  AttemptOrder(
      AttemptPlan plan,
      TableSnapshot snapshot,
      RouteFilters filters,
      HealthRegistry health,
      RoutingPolicy policy,
      RandomGenerator random) {
    this.order = plan.order().iterator();
    this.snapshot = snapshot;
    this.filters = filters;
    this.health = health;
    this.policy = policy;
    this.random = random;
  }

  /** The request's hard filters, or null for a hedge leg. */
  RouteFilters filters() {
    return filters;
  }

  /** The region's entry in the table the request was planned on, or null. */
  RegionEntry entry(String name) {
    for (RegionEntry region : snapshot.table().regions()) {
      if (region.name().equals(name)) {
        return region;
      }
    }
    return null;
  }

  /** Whether the plan is spent and the regions now read are its last resorts. */
  boolean lastResort() {
    return lastResort;
  }

  /** The best region skipped as stalled: tried when no other region could take the request. */
  void deferStalled(AttemptPlan.Scored region) {
    if (deferred == null) {
      deferred = region;
    }
  }

  /** A region passed over because the request's model is cooling or ejected there. */
  void modelUnavailable(AttemptPlan.Scored region) {
    if (modelUnavailable == null) {
      modelUnavailable = new ArrayList<>(2);
    }
    modelUnavailable.add(region);
  }

  /**
   * The next region to consider, or null when none is left.
   *
   * @param stopped the request may try no more regions (attempts, deadline or budget)
   * @param attempts the attempts made so far (the unavailable regions come only after one)
   * @param tried the regions this request tried
   */
  AttemptPlan.Scored next(boolean stopped, int attempts, List<String> tried) {
    if (!order.hasNext() && !stopped && modelUnavailable != null) {
      order = modelUnavailable.iterator();
      modelUnavailable = null;
      lastResort = true;
    }
    if (!order.hasNext()
        && !stopped
        && deferred == null
        && filters != null
        && !unavailableTried
        && attempts > 0) {
      order = unavailableRegions(tried);
      unavailableTried = true;
      lastResort = true;
    }
    if (!order.hasNext()) {
      if (deferred == null || stopped) {
        return null;
      }
      order = List.of(deferred).iterator();
      deferred = null;
      lastResort = true;
    }
    return order.next();
  }

  private Iterator<AttemptPlan.Scored> unavailableRegions(List<String> tried) {
    List<Candidate> rest = new ArrayList<>();
    for (Candidate candidate : Candidate.all(health, snapshot)) {
      if (!candidate.health().available() && !tried.contains(candidate.name())) {
        rest.add(candidate);
      }
    }
    return rest.isEmpty()
        ? Collections.emptyIterator()
        : FilteredPlan.plan(rest, policy, filters, 0, random).order().iterator();
  }
}
