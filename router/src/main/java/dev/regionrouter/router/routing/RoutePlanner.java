package dev.regionrouter.router.routing;

import dev.regionrouter.api.table.RegionEntry;
import dev.regionrouter.router.config.RoutingProperties;
import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.proxy.RouterException;
import dev.regionrouter.router.select.AttemptPlan;
import dev.regionrouter.router.select.Candidate;
import dev.regionrouter.router.select.RouteFilters;
import dev.regionrouter.router.select.RoutingPolicy;
import dev.regionrouter.router.select.Selector;
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
 * The impure shell around the pure {@link Selector}: gathers the candidates (health views, token
 * usage, latency quantiles), resolves the request's effective policy and filters, plans, records
 * the decision, reserves the token estimate, and turns "no region matches the filters" into the
 * 503 that names them. The attempt loop calls {@link #plan}; the controllers build the {@link
 * RouteRequest} and {@link #settle} it.
 */
public class RoutePlanner {

  private final HealthRegistry health;
  private final RoutingProperties routing;
  private final RouteContext context;
  private final TokenMeter tokens;
  private final LatencyWindow latencies;
  private final DecisionLog decisions;
  private final RoutingMetrics metrics;
  private final Clock clock;
  private final Duration retryAfter;
  private final Map<String, RouteHints> callerDefaults = new HashMap<>();

  public RoutePlanner(HealthRegistry health, RoutingProperties routing, RouteContext context, TokenMeter tokens,
      LatencyWindow latencies, DecisionLog decisions, RoutingMetrics metrics, Clock clock, Duration retryAfter) {
    this.health = health;
    this.routing = routing;
    this.context = context;
    this.tokens = tokens;
    this.latencies = latencies;
    this.decisions = decisions;
    this.metrics = metrics;
    this.clock = clock;
    this.retryAfter = retryAfter;
    routing.callers().forEach((caller, defaults) -> callerDefaults.put(caller, RouteHints.of(defaults)));
  }

  /** A request's routing from its headers: hint headers over its caller's defaults. Malformed hint: 400. */
  public RouteRequest request(Function<String, String> headers, long estimatedTokens) {
    RouteHints hints = HintHeaders.parse(headers);
    String caller = headers.apply(routing.callerHeader());
    RouteHints defaults = caller == null ? null : callerDefaults.get(caller.trim());
    return new RouteRequest(defaults == null ? hints : hints.over(defaults), caller, estimatedTokens);
  }

  /** The policy a request runs under: its hints over the router's default. */
  public RoutingPolicy policy(RouteHints hints) {
    RoutingPolicy policy = routing.policy();
    if (hints.policy() != null) {
      policy = policy.withKind(hints.policy());
    }
    if (hints.latencyBudget() != null) {
      policy = policy.withLatencyBudgetSeconds(hints.latencyBudget().toNanos() / 1e9);
    }
    return policy;
  }

  /** Each region of the table with its health and routing state. */
  public List<Candidate> candidates(TableSnapshot snapshot) {
    List<Candidate> base = health.candidates(snapshot);
    List<Candidate> out = new ArrayList<>(base.size());
    for (Candidate c : base) {
      out.add(new Candidate(c.entry(), c.health(), tokens.usage(c.name()),
          latencies.quantile(c.name(), routing.budgetQuantile())));
    }
    return out;
  }

  /** Plans the current request (from the {@link RouteContext}, or the router's defaults). */
  public AttemptPlan plan(TableSnapshot snapshot, RandomGenerator random) {
    RouteRequest request = context.current();
    RouteHints hints = request == null ? RouteHints.NONE : request.hints();
    RoutingPolicy policy = policy(hints);
    List<Candidate> candidates = candidates(snapshot);
    RouteFilters filters = hints.filters();
    if (request != null && request.pinnedRegion() != null) {
      String pinned = request.pinnedRegion();
      candidates = candidates.stream().filter(c -> c.name().equals(pinned)).toList();
    }
    long estimate = request == null ? 0 : request.estimatedTokens();
    AttemptPlan plan = Selector.plan(candidates, policy, filters, estimate, random);
    boolean hedge = request != null && request.pinnedRegion() != null;
    if (!hedge) {
      decisions.record(plan, clock.instant(), request == null ? null : request.caller());
      metrics.planned(policy.name());
    }
    // a hedge leg reserves on its region too, so the region's window counts it while it is in
    // flight; HedgingAttempt releases that reservation when the leg ends (won, lost or cancelled)
    if (!plan.isEmpty() && estimate > 0) {
      String first = plan.order().get(0).candidate().name();
      tokens.add(first, estimate);
      if (request != null) {
        request.reserved(first, estimate);
      }
    }
    if (request != null) {
      request.planned(plan);
    }
    if (!plan.noMatch().isEmpty()) {
      plan.noMatch().forEach(f -> metrics.noMatch(policy.name(), f.id()));
      String named = plan.noMatch().stream().map(f -> f.id() + "=" + filters.value(f))
          .collect(Collectors.joining(", "));
      throw new RouterException(503, "no_region_matches", "no region of the routing table matches the request's "
          + "filters (" + named + "); the router never routes outside them", retryAfter, 0);
    }
    return plan;
  }

  /**
   * A request ended: the reservation becomes the tokens the serving region reported (or stays the
   * estimate when it reported none); its latency joins the region's window; the spend is counted.
   *
   * @param served the region that answered, null when none did
   * @param tokensUsed the tokens it reported, null when unknown
   * @param latency the answering attempt's latency, null when none
   */
  public void settle(RouteRequest request, RegionEntry served, Long tokensUsed, Duration latency) {
    String reservedOn = request.reservedOn();
    long reserved = request.reservedTokens();
    if (served == null) {
      tokens.settle(reservedOn, reserved, null, 0);
      return;
    }
    long actual = tokensUsed != null ? tokensUsed : reserved > 0 ? reserved : request.estimatedTokens();
    tokens.settle(reservedOn, reserved, served.name(), actual);
    if (latency != null) {
      latencies.record(served.name(), latency.toNanos() / 1e9);
    }
    if (tokensUsed != null && served.costPer1kTokens() != null) {
      String policy = request.plan() == null ? routing.policy().name() : request.plan().policy();
      metrics.cost(served.name(), policy, tokensUsed * served.costPer1kTokens() / 1000.0);
    }
  }

  /**
   * Whether this thread runs the second leg of a hedged request: the request was already counted
   * (once) in the retry budget by its first leg.
   */
  public boolean hedgeLeg() {
    RouteRequest request = context.current();
    return request != null && request.pinnedRegion() != null;
  }

  public RouteContext context() {
    return context;
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
}
