package dev.regionrouter.router.selection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Plans a request over a list of candidates that its hard filters (allowed regions and providers,
 * label selector, max cost, model) narrow: the filters first, then a {@link Ranking} of what
 * passed. When nothing passes the plan is empty and names the filters ({@link
 * AttemptPlan#noMatch}): the panic guard never reaches outside them. The filtered-out regions
 * appear in the plan's explanation with the filter that dropped them.
 *
 * <p>The router's unfiltered requests plan from a kept ranking of the whole table instead ({@link
 * RoutePlanner}); this builds a ranking per plan, which is what filters, pinned hedge legs and the
 * last resorts of a failed plan need.
 */
public final class FilteredPlan {

  private FilteredPlan() {}

  public static AttemptPlan plan(
      List<Candidate> candidates,
      RoutingPolicy policy,
      RouteFilters filters,
      long estimatedTokens,
      RandomGenerator random) {
    PlanRules.Notes notes = new PlanRules.Notes();
    List<Candidate> passed = new ArrayList<>(candidates.size());
    List<RouteFilters.Filter> rejecting = new ArrayList<>();
    for (Candidate candidate : candidates) {
      RouteFilters.Filter filter = filters.rejects(candidate.entry());
      if (filter == null) {
        passed.add(candidate);
      } else {
        notes.put(candidate, "filtered", filters.describe(filter, candidate.entry()));
        if (!rejecting.contains(filter)) {
          rejecting.add(filter);
        }
      }
    }
    if (passed.isEmpty() && !rejecting.isEmpty()) {
      rejecting.sort(Comparator.naturalOrder());
      return new AttemptPlan(
          List.of(),
          false,
          policy.name(),
          "no region matches the request's filters",
          () -> PlanRules.explain(candidates, policy, notes, List.of()),
          rejecting);
    }
    Ranking.Live live =
        new Ranking.Live() {
          @Override
          public int inFlight(int candidate) {
            return passed.get(candidate).health().inFlight();
          }

          @Override
          public long tokensInWindow(int candidate) {
            return passed.get(candidate).tokensInWindow();
          }
        };
    Ranking.Excluded excluded =
        rejecting.isEmpty() ? null : new Ranking.Excluded(candidates, notes);
    return Ranking.of(passed, policy).plan(live, estimatedTokens, random, excluded);
  }
}
