package dev.regionrouter.router.selection;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.error.RouterException;
import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.health.HealthView;
import dev.regionrouter.router.health.RegionHealth;
import dev.regionrouter.router.health.SelectionEpoch;
import dev.regionrouter.router.table.TableSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * The impure shell around the planner: gathers the candidates (health views, token usage, latency
 * quantiles), resolves the request's effective policy and filters, plans (from a kept {@link
 * Ranking} of the table, or a {@link FilteredPlan} when filters or a hedge pin narrow it), records
 * the decision, and turns "no region matches the filters" into the 503 that names them. The attempt
 * loop calls {@link #plan}; the endpoints build the {@link RouteRequest}.
 */
public class RoutePlanner {

  private final HealthRegistry health;
  private final RoutingProperties routing;

  /** The router's default policy, built once (a request without policy hints plans under it). */
  private final RoutingPolicy defaultPolicy;

  private final TokenMeter tokens;
  private final LatencyWindow latencies;
  private final DecisionLog decisions;
  private final RoutingMetrics metrics;
  private final Clock clock;
  private final Duration retryAfter;
  private final Map<String, RouteHints> callerDefaults = new HashMap<>();
  private final Rankings rankings;

  public RoutePlanner(
      HealthRegistry health,
      RoutingProperties routing,
      TokenMeter tokens,
      LatencyWindow latencies,
      DecisionLog decisions,
      RoutingMetrics metrics,
      Clock clock,
      Duration retryAfter) {
    this.health = health;
    this.routing = routing;
    this.tokens = tokens;
    this.latencies = latencies;
    this.decisions = decisions;
    this.metrics = metrics;
    this.clock = clock;
    this.retryAfter = retryAfter;
    routing
        .callers()
        .forEach((caller, defaults) -> callerDefaults.put(caller, RouteHints.of(defaults)));
    this.defaultPolicy = routing.policy();
    this.rankings = new Rankings(health, tokens, latencies, routing.budgetQuantile(), clock);
  }

  /**
   * A request's routing from its headers: hint headers over its caller's defaults. Malformed hint:
   * 400.
   */
  public RouteRequest request(Function<String, String> headers, long estimatedTokens) {
    return request(headers, estimatedTokens, null);
  }

  /** As {@link #request(Function, long)}, for a request that names a model (null: none). */
  public RouteRequest request(
      Function<String, String> headers, long estimatedTokens, String model) {
    RouteHints hints = HintHeaders.parse(headers);
    String caller = headers.apply(routing.callerHeader());
    RouteHints defaults = caller == null ? null : callerDefaults.get(caller.trim());
    return new RouteRequest(
        defaults == null ? hints : hints.over(defaults), caller, estimatedTokens, model);
  }

  /** The policy a request runs under: its hints over the router's default. */
  public RoutingPolicy policy(RouteHints hints) {
    RoutingPolicy policy = defaultPolicy;
    if (hints.policy() != null) {
      policy = policy.withKind(hints.policy());
    }
    if (hints.latencyBudget() != null) {
      policy = policy.withLatencyBudgetSeconds(hints.latencyBudget().toNanos() / 1e9);
    }
    return policy;
  }

  /** The hedge leg's one region (as {@link #candidates} has it), or none when it left the table. */
  private List<Candidate> pinned(TableSnapshot snapshot, String region) {
    for (RegionEntry entry : snapshot.table().regions()) {
      RegionHealth h = entry.name().equals(region) ? health.get(region) : null;
      if (h != null) {
        return List.of(
            new Candidate(
                entry,
                h.view(),
                tokens.usage(region),
                latencies.quantile(region, routing.budgetQuantile())));
      }
    }
    return List.of();
  }

  /** Each region of the table with its health and routing state. */
  public List<Candidate> candidates(TableSnapshot snapshot) {
    List<Candidate> base = Candidate.all(health, snapshot);
    List<Candidate> out = new ArrayList<>(base.size());
    for (Candidate c : base) {
      out.add(
          new Candidate(
              c.entry(),
              c.health(),
              tokens.usage(c.name()),
              latencies.quantile(c.name(), routing.budgetQuantile())));
    }
    return out;
  }

  /** Plans the request (null: with the router's defaults only, as benchmarks and tests plan). */
  public AttemptPlan plan(TableSnapshot snapshot, RouteRequest request, RandomGenerator random) {
    RouteHints hints = request == null ? RouteHints.NONE : request.hints();
    RoutingPolicy policy = policy(hints);
    RouteFilters filters =
        request != null && request.model() != null && declaresModels(snapshot)
            ? hints.filters().withModel(request.model())
            : hints.filters();
    if (request != null) {
      request.filters(filters);
    }
    long estimate = request == null ? 0 : request.estimatedTokens();
    AttemptPlan plan;
    if (request != null && request.pinnedRegion() != null) {
      plan =
          FilteredPlan.plan(
              pinned(snapshot, request.pinnedRegion()), policy, filters, estimate, random);
    } else if (filters.any()) {
      // the request's filters (hints or its caller's defaults) pick among all regions: the whole
      // table, scored
      plan = FilteredPlan.plan(candidates(snapshot), policy, filters, estimate, random);
    } else {
      plan = rankings.current(snapshot, policy).plan(estimate, random);
    }
    boolean hedge = request != null && request.pinnedRegion() != null;
    if (!hedge) {
      decisions.record(plan, clock.instant(), request == null ? null : request.caller());
      metrics.planned(policy.name());
    }
    if (request != null) {
      request.planned(plan);
    }
    if (!plan.noMatch().isEmpty()) {
      plan.noMatch().forEach(f -> metrics.noMatch(policy.name(), f.id()));
      String named =
          plan.noMatch().stream()
              .map(f -> f.id() + "=" + filters.value(f))
              .collect(Collectors.joining(", "));
      throw new RouterException(
          503,
          "no_region_matches",
          "no region of the routing table matches the request's "
              + "filters ("
              + named
              + "); the router never routes outside them",
          retryAfter,
          0);
    }
    return plan;
  }

  /** The last table looked at, and whether a region of it declares its models. */
  private record ModelsCheck(TableSnapshot snapshot, boolean declared) {}

  private volatile ModelsCheck modelsCheck = new ModelsCheck(null, false);

  /** Whether a region of the table declares its models (then requests are filtered by model). */
  private boolean declaresModels(TableSnapshot snapshot) {
    ModelsCheck check = modelsCheck;
    if (check.snapshot() != snapshot) {
      check =
          new ModelsCheck(
              snapshot,
              snapshot.table().regions().stream()
                  .anyMatch(r -> r.models() != null && !r.models().isEmpty()));
      modelsCheck = check;
    }
    return check.declared();
  }

  public LatencyWindow latencies() {
    return latencies;
  }

  public DecisionLog decisions() {
    return decisions;
  }

  public RoutingProperties settings() {
    return routing;
  }

  /**
   * The table ranked under each policy requests use, kept current so that a request reads the best
   * regions instead of viewing, scoring and sorting them all. A ranking holds while the table, the
   * regions' health ({@link SelectionEpoch}), the ejections and cool-downs it saw (they end by
   * time), and, for the policies that rank by them, the traffic latencies and quantiles are those
   * it was built from; otherwise the next request builds it again, viewing again only the regions
   * whose health moved and re-sorting from the previous order. Requests in flight and tokens are
   * read live by each plan, for the regions it reaches.
   */
  static final class Rankings {

    private static final int MAX_POLICIES = 16;

    private final HealthRegistry health;
    private final TokenMeter tokens;
    private final LatencyWindow latencies;
    private final double quantile;
    private final Clock clock;
    private final Map<RoutingPolicy, Ranked> byPolicy =
        new java.util.concurrent.ConcurrentHashMap<>();

    Rankings(
        HealthRegistry health,
        TokenMeter tokens,
        LatencyWindow latencies,
        double quantile,
        Clock clock) {
      this.health = health;
      this.tokens = tokens;
      this.latencies = latencies;
      this.quantile = quantile;
      this.clock = clock;
    }

    Ranked current(TableSnapshot snapshot, RoutingPolicy policy) {
      SelectionEpoch epoch = health.epoch();
      long state = epoch.state();
      boolean traffic =
          policy.kind() == dev.regionrouter.router.selection.PolicyKind.LOWEST_LATENCY
              || policy.kind() == dev.regionrouter.router.selection.PolicyKind.LOWEST_COST;
      boolean quantiles =
          policy.kind() == dev.regionrouter.router.selection.PolicyKind.COST_WITHIN_LATENCY_BUDGET;
      long trafficEpoch = traffic ? epoch.traffic() : 0;
      long latencyVersion = quantiles ? latencies.version() : 0;
      long now = clock.millis();
      Ranked ranked = byPolicy.get(policy);
      if (ranked != null
          && ranked.snapshot == snapshot
          && ranked.state == state
          && ranked.traffic == trafficEpoch
          && ranked.latencyVersion == latencyVersion
          && now < ranked.validUntilMillis) {
        return ranked;
      }
      Ranked next =
          build(
              snapshot,
              policy,
              ranked != null && ranked.snapshot == snapshot ? ranked : null,
              state,
              trafficEpoch,
              latencyVersion,
              quantiles,
              traffic,
              now);
      if (byPolicy.size() >= MAX_POLICIES && !byPolicy.containsKey(policy)) {
        byPolicy.clear(); // latency budgets from hints are many: keep the few in use
      }
      byPolicy.put(policy, next);
      return next;
    }

    /**
     * Views the regions (again only those whose health version moved, whose ejection or cool-down
     * ended, or all when traffic latencies matter and moved), reads the quantiles when they may
     * have changed, and ranks. The epochs were read before: a change during the build makes the
     * next request build again.
     */
    private Ranked build(
        TableSnapshot snapshot,
        RoutingPolicy policy,
        Ranked previous,
        long state,
        long trafficEpoch,
        long latencyVersion,
        boolean quantiles,
        boolean traffic,
        long now) {
      List<RegionEntry> entries = snapshot.table().regions();
      long tables =
          health.tables(); // before reading the regions: a table applied meanwhile makes the next
      // build start over
      boolean reuse = previous != null && previous.tables == tables;
      RegionHealth[] refs;
      String[] names;
      RegionEntry[] regions;
      if (reuse) {
        refs = previous.refs;
        names = previous.names;
        regions = previous.regions;
      } else {
        List<RegionHealth> found = new ArrayList<>(entries.size());
        List<RegionEntry> foundEntries = new ArrayList<>(entries.size());
        for (RegionEntry entry : entries) {
          RegionHealth h = health.get(entry.name());
          if (h != null) {
            found.add(h);
            foundEntries.add(entry);
          }
        }
        refs = found.toArray(new RegionHealth[0]);
        regions = foundEntries.toArray(new RegionEntry[0]);
        names = new String[regions.length];
        for (int i = 0; i < names.length; i++) {
          names[i] = regions[i].name();
        }
      }
      int n = refs.length;
      long[] versions = new long[n];
      List<Candidate> candidates = new ArrayList<>(n);
      boolean rereadQuantiles =
          quantiles
              && (!reuse
                  || previous.latencyVersion != latencyVersion
                  || now >= previous.quantilesStableUntil);
      long validUntil = Long.MAX_VALUE;
      long quantilesStableUntil = Long.MAX_VALUE;
      for (int i = 0; i < n; i++) {
        RegionHealth h = refs[i];
        long version = h.version();
        Candidate before = reuse ? previous.candidates.get(i) : null;
        HealthView view;
        if (before != null
            && version == previous.versions[i]
            && !traffic
            && !ended(before.health(), now)) {
          view = before.health();
        } else {
          version =
              h.version(); // read before the view: a change after it makes the next build view
          // again
          view = h.view();
        }
        versions[i] = version;
        double budget = Double.NaN;
        if (quantiles) {
          budget =
              !rereadQuantiles && before != null
                  ? before.budgetLatencySeconds()
                  : latencies.quantile(names[i], quantile);
          if (rereadQuantiles) {
            quantilesStableUntil =
                Math.min(quantilesStableUntil, latencies.stableUntilMillis(names[i]));
          }
        }
        validUntil = Math.min(validUntil, ends(view));
        candidates.add(new Candidate(regions[i], view, 0, budget));
      }
      if (quantiles && !rereadQuantiles) {
        quantilesStableUntil = previous.quantilesStableUntil;
      }
      Ranking ranking = Ranking.of(candidates, policy, reuse ? previous.ranking : null);
      return new Ranked(
          snapshot,
          tables,
          refs,
          names,
          regions,
          versions,
          candidates,
          ranking,
          state,
          trafficEpoch,
          latencyVersion,
          Math.min(validUntil, quantilesStableUntil),
          quantilesStableUntil,
          tokens);
    }

    private static boolean ended(HealthView view, long now) {
      return ends(view) <= now;
    }

    /** When the view stops being true by time alone: its ejection or cool-down ends. */
    private static long ends(HealthView view) {
      long until = Long.MAX_VALUE;
      if (view.ejectedUntil() != null) {
        until = view.ejectedUntil().toEpochMilli();
      }
      if (view.coolingUntil() != null) {
        until = Math.min(until, view.coolingUntil().toEpochMilli());
      }
      return until;
    }
  }

  /** One ranking and what it was built from; plans read in flight and tokens live through it. */
  static final class Ranked implements Ranking.Live {
    final TableSnapshot snapshot;
    final long tables;
    final RegionHealth[] refs;
    final String[] names;
    final RegionEntry[] regions;
    final long[] versions;
    final List<Candidate> candidates;
    final Ranking ranking;
    final long state;
    final long traffic;
    final long latencyVersion;
    final long validUntilMillis;
    final long quantilesStableUntil;
    private final TokenMeter tokens;

    Ranked(
        TableSnapshot snapshot,
        long tables,
        RegionHealth[] refs,
        String[] names,
        RegionEntry[] regions,
        long[] versions,
        List<Candidate> candidates,
        Ranking ranking,
        long state,
        long traffic,
        long latencyVersion,
        long validUntilMillis,
        long quantilesStableUntil,
        TokenMeter tokens) {
      this.snapshot = snapshot;
      this.tables = tables;
      this.refs = refs;
      this.names = names;
      this.regions = regions;
      this.versions = versions;
      this.candidates = candidates;
      this.ranking = ranking;
      this.state = state;
      this.traffic = traffic;
      this.latencyVersion = latencyVersion;
      this.validUntilMillis = validUntilMillis;
      this.quantilesStableUntil = quantilesStableUntil;
      this.tokens = tokens;
    }

    AttemptPlan plan(long estimatedTokens, RandomGenerator random) {
      return ranking.plan(this, estimatedTokens, random);
    }

    @Override
    public int inFlight(int candidate) {
      return refs[candidate].inFlight();
    }

    @Override
    public long tokensInWindow(int candidate) {
      return tokens.usage(names[candidate]);
    }
  }
}
