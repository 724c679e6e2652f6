package dev.regionrouter.router.selection;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The regions to try for one request, best first, and why.
 *
 * <p>A plan from {@link Ranking} builds its order as it is read: the attempt loop reads the first
 * region or two, and only a failover past them, the hedge, the explain output or {@code size()}
 * walk further (see {@link Ranking}). Its why is built when first read too.
 *
 * <p>order: candidates in the order to try them. panic: true when no region was available and the
 * plan holds unhealthy or ejected ones (the panic guard: try the best of them before answering
 * 503). policy: the policy that planned it. why: why the first region is first (explain output).
 * explainer: builds, on first use, every candidate of the table with its score parts and what the
 * plan did with it (see {@link #explain()}). noMatch: when non-empty, the request's hard filters
 * left no region (the filters that rejected regions, in the order applied); the order is then
 * empty.
 */
public final class AttemptPlan {

  private final List<Scored> order;
  private final boolean panic;
  private final String policy;
  private final Supplier<String> why;
  private final Supplier<List<CandidateExplain>> explainer;
  private final List<RouteFilters.Filter> noMatch;

  public AttemptPlan(
      List<Scored> order,
      boolean panic,
      String policy,
      String why,
      Supplier<List<CandidateExplain>> explainer,
      List<RouteFilters.Filter> noMatch) {
    this(List.copyOf(order), panic, policy, () -> why, explainer, noMatch, true);
  }

  public AttemptPlan(List<Scored> order, boolean panic) {
    this(order, panic, PolicyKind.PRIORITY_LATENCY.id(), null, List::of, List.of());
  }

  /**
   * A plan whose order (already immutable, possibly built as read) and why are computed on demand.
   */
  AttemptPlan(
      List<Scored> order,
      boolean panic,
      String policy,
      Supplier<String> why,
      Supplier<List<CandidateExplain>> explainer,
      List<RouteFilters.Filter> noMatch,
      boolean ignored) {
    this.order = order;
    this.panic = panic;
    this.policy = policy;
    this.why = new Once<>(why);
    Supplier<List<CandidateExplain>> source = explainer;
    this.explainer = source == null ? List::of : new Once<>(() -> List.copyOf(source.get()));
    this.noMatch = noMatch == null ? List.of() : List.copyOf(noMatch);
  }

  public List<Scored> order() {
    return order;
  }

  public boolean panic() {
    return panic;
  }

  public String policy() {
    return policy;
  }

  /** Why the first region is first; null when not given. */
  public String why() {
    return why.get();
  }

  public Supplier<List<CandidateExplain>> explainer() {
    return explainer;
  }

  public List<RouteFilters.Filter> noMatch() {
    return noMatch;
  }

  /**
   * Every candidate of the table with its score parts and what the plan did with it; built once,
   * when first read.
   */
  public List<CandidateExplain> explain() {
    return explainer.get();
  }

  public boolean isEmpty() {
    return order.isEmpty();
  }

  @Override
  public String toString() {
    return "AttemptPlan[order="
        + order
        + ", panic="
        + panic
        + ", policy="
        + policy
        + ", why="
        + why()
        + "]";
  }

  /**
   * Computes a value on first use, once, and keeps it (thread-safe: a plan may be read by the
   * status page).
   */
  private static final class Once<T> implements Supplier<T> {
    private Supplier<T> compute;
    private volatile boolean done;
    private T value;

    Once(Supplier<T> compute) {
      this.compute = Objects.requireNonNull(compute);
    }

    @Override
    public T get() {
      if (!done) {
        synchronized (this) {
          if (!done) {
            value = compute.get();
            done = true;
            compute = null; // let what it captured go
          }
        }
      }
      return value;
    }
  }

  /** A candidate with its score (its ranking key) under the policy that planned it. */
  public record Scored(Candidate candidate, double score) {}
}
