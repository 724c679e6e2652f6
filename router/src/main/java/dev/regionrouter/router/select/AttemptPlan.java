package dev.regionrouter.router.select;

import java.util.List;

/**
 * The regions to try for one request, best first, and why.
 *
 * @param order candidates in the order to try them
 * @param panic true when no region was available and the plan holds unhealthy or ejected ones
 *     (the panic guard: try the best of them before answering 503)
 * @param policy the policy that planned it
 * @param why why the first region is first (explain output)
 * @param explain every candidate of the table: its score parts and what the plan did with it
 * @param noMatch when non-empty, the request's hard filters left no region (the filters that
 *     rejected regions, in the order applied); the order is then empty
 */
public record AttemptPlan(List<Scored> order, boolean panic, String policy, String why,
    List<CandidateExplain> explain, List<RouteFilters.Filter> noMatch) {

  public AttemptPlan {
    order = List.copyOf(order);
    explain = explain == null ? List.of() : List.copyOf(explain);
    noMatch = noMatch == null ? List.of() : List.copyOf(noMatch);
  }

  public AttemptPlan(List<Scored> order, boolean panic) {
    this(order, panic, PolicyKind.PRIORITY_LATENCY.id(), null, List.of(), List.of());
  }

  public boolean isEmpty() {
    return order.isEmpty();
  }

  /** A candidate with its score (its ranking key) under the policy that planned it. */
  public record Scored(Candidate candidate, double score) {}
}
