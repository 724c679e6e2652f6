package dev.regionrouter.router.bench;

import dev.regionrouter.router.health.RegionHealth;
import dev.regionrouter.router.selection.AttemptPlan;
import dev.regionrouter.router.selection.Candidate;
import dev.regionrouter.router.selection.RouteFilters;
import dev.regionrouter.router.selection.RoutePlanner;
import dev.regionrouter.router.selection.RoutingPolicy;
import dev.regionrouter.router.selection.Selector;
import dev.regionrouter.router.support.RouterSettings;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The router's per-request selection cost with 10, 100 and 1,000 regions in the table (issue 6,
 * target: under 10 µs per request at 1,000). Run by bench/router-scale:
 *
 * <ul>
 *   <li>{@code selector}: the pure {@link Selector#plan} over the candidates as the planner gathers
 *       them (filters none, as a request without hints).
 *   <li>{@code planner}: what the attempt loop calls per request, {@link RoutePlanner#plan}: the
 *       candidates (HealthRegistry.candidates, one health view per region, token usage and latency
 *       quantile per region), the plan, the decision log and the policy counter.
 *   <li>{@code candidates}: the gathering alone (does not depend on the policy; the planner no
 *       longer runs it for a request without filters: it keeps the table ranked).
 *   <li>{@code plannerAfterChange}: one region's latency moved (by more than the 2 % plans ignore),
 *       then the plan: the worst case of the planner's cached ranking, rebuilt (only that region
 *       viewed again, re-sorted from the previous order) for every request.
 *   <li>{@code plannerWalked}: the plan, then its whole order read ({@code order().size()}), as a
 *       failover through every region, the explain output or a reader of size() would.
 * </ul>
 *
 * Policies: the default (priority-latency, the reference's score) and cost-within-latency-budget
 * (500 ms budget on the p99 of recent traffic), each as the router's configured default policy.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SelectionBench {

  /** The table and its health and routing state. */
  @State(Scope.Benchmark)
  public static class Table {
    @Param({"10", "100", "1000"})
    public int regions;

    Fleet fleet;
    RoutePlanner gatherer;

    @Setup
    public void setUp() {
      fleet = Fleet.of(regions);
      gatherer = fleet.planner("priority-latency");
    }
  }

  /** The policy, and the planner and candidates under it. */
  @State(Scope.Benchmark)
  public static class Policy {
    @Param({"priority-latency", "cost-within-latency-budget"})
    public String policy;

    RoutingPolicy routingPolicy;
    RoutePlanner planner;
    List<Candidate> candidates;
    // the router's own generator (RouterConfiguration.routerRandom)
    final RandomGenerator random = RandomGenerator.of("L64X128MixRandom");

    @Setup
    public void setUp(Table table) {
      planner = table.fleet.planner(policy);
      routingPolicy = RouterSettings.routing(policy).policy();
      candidates = planner.candidates(table.fleet.snapshot);
      AttemptPlan plan = Selector.plan(candidates, routingPolicy, random);
      if (plan.isEmpty()) {
        throw new IllegalStateException(
            "the fleet plans nothing: the benchmark would time an empty path");
      }
    }
  }

  @Benchmark
  public AttemptPlan selector(Policy policy) {
    return Selector.plan(
        policy.candidates, policy.routingPolicy, RouteFilters.NONE, 0, policy.random);
  }

  @Benchmark
  public AttemptPlan planner(Table table, Policy policy) {
    return policy.planner.plan(table.fleet.snapshot, null, policy.random);
  }

  /**
   * Which region the next {@code plannerAfterChange} call changes, and the latencies it gives it in
   * turn.
   */
  @State(Scope.Thread)
  public static class Change {
    int next;
    List<String> healthy; // the fleet's unhealthy regions stay so
    List<java.time.Duration> latencies; // each region's own: the fleet keeps its shape
    boolean[] slower;

    /**
     * Calls after which the region's version had not moved: the benchmark would time no rebuild.
     */
    long unchanged;

    @Setup
    public void setUp(Table table) {
      healthy =
          table.fleet.snapshot.table().regions().stream()
              .map(r -> r.name())
              .filter(name -> table.fleet.health.get(name).view().activeHealthy())
              .toList();
      latencies =
          healthy.stream()
              .map(
                  name ->
                      java.time.Duration.ofNanos(
                          (long) (table.fleet.health.get(name).view().latencySeconds() * 1e9)))
              .toList();
      slower = new boolean[healthy.size()];
    }

    @org.openjdk.jmh.annotations.TearDown
    public void check() {
      if (unchanged > 0) {
        throw new IllegalStateException(
            unchanged
                + " changes did not move their region's version: "
                + "plannerAfterChange timed the steady ranking, not a rebuild");
      }
    }
  }

  @Benchmark
  public AttemptPlan plannerAfterChange(Table table, Policy policy, Change change) {
    int k = change.next++ % change.healthy.size();
    RegionHealth region = table.fleet.health.get(change.healthy.get(k));
    long version = region.version();
    // the region's latency moves by far more than plans ignore (2 %), back and forth around its
    // own:
    // its version moves on every call while the fleet keeps its shape
    change.slower[k] = !change.slower[k];
    java.time.Duration latency = change.latencies.get(k);
    region.recordStreamHead(change.slower[k] ? latency.multipliedBy(3).dividedBy(2) : latency);
    if (region.version() == version) {
      change.unchanged++;
    }
    return policy.planner.plan(table.fleet.snapshot, null, policy.random);
  }

  @Benchmark
  public int plannerWalked(Table table, Policy policy) {
    return policy.planner.plan(table.fleet.snapshot, null, policy.random).order().size();
  }

  @Benchmark
  public List<Candidate> candidates(Table table) {
    return table.gatherer.candidates(table.fleet.snapshot);
  }
}
