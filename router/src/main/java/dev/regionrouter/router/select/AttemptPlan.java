package dev.regionrouter.router.select;

import java.util.List;

/**
 * The regions to try for one request, best first.
 *
 * @param order candidates in the order to try them
 * @param panic true when no region was available and the plan holds unhealthy or ejected ones
 *     (the panic guard: try the best of them before answering 503)
 */
public record AttemptPlan(List<Scored> order, boolean panic) {

  public AttemptPlan {
    order = List.copyOf(order);
  }

  public boolean isEmpty() {
    return order.isEmpty();
  }

  /** A candidate with its score under the policy that planned it. */
  public record Scored(Candidate candidate, double score) {}
}
