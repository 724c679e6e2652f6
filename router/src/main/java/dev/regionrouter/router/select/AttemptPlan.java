package dev.regionrouter.router.select;

import java.util.List;
import java.util.function.Supplier;

/**
 * The regions to try for one request, best first, and why.
 *
 * @param order candidates in the order to try them
 * @param panic true when no region was available and the plan holds unhealthy or ejected ones
 *     (the panic guard: try the best of them before answering 503)
 * @param policy the policy that planned it
 * @param why why the first region is first (explain output)
 * @param explainer builds, on first use, every candidate of the table with its score parts and what
 *     the plan did with it (see {@link #explain()})
 * @param noMatch when non-empty, the request's hard filters left no region (the filters that
 *     rejected regions, in the order applied); the order is then empty
 */
public record AttemptPlan(List<Scored> order, boolean panic, String policy, String why,
    Supplier<List<CandidateExplain>> explainer, List<RouteFilters.Filter> noMatch) {

  public AttemptPlan {
    order = List.copyOf(order);
    Supplier<List<CandidateExplain>> source = explainer;
    explainer = source == null ? List::of : new Once<>(() -> List.copyOf(source.get()));
    noMatch = noMatch == null ? List.of() : List.copyOf(noMatch);
  }

  public AttemptPlan(List<Scored> order, boolean panic) {
    this(order, panic, PolicyKind.PRIORITY_LATENCY.id(), null, List::of, List.of());
  }

  /** Every candidate of the table with its score parts and what the plan did with it; built once, when first read. */
  public List<CandidateExplain> explain() {
    return explainer.get();
  }

  /** Computes a value on first use, once, and keeps it (thread-safe: a plan may be read by the status page). */
  private static final class Once<T> implements Supplier<T> {
    private Supplier<T> compute;
    private volatile T value;

    Once(Supplier<T> compute) {
      this.compute = compute;
    }

    @Override
    public T get() {
      T result = value;
      if (result == null) {
        synchronized (this) {
          result = value;
          if (result == null) {
            result = compute.get();
            value = result;
            compute = null; // let what it captured go
          }
        }
      }
      return result;
    }
  }

  public boolean isEmpty() {
    return order.isEmpty();
  }

  /** A candidate with its score (its ranking key) under the policy that planned it. */
  public record Scored(Candidate candidate, double score) {}
}
