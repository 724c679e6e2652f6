package dev.regionrouter.router.selection;

/**
 * One candidate in an explained decision: the parts its rank was made of and what happened to it.
 *
 * @param region region name
 * @param priority its priority (lower preferred)
 * @param latencySeconds the latency the policy used (see {@link Candidate#latencySeconds})
 * @param latencySource where that latency came from: probe_ewma, traffic_ewma, traffic_quantile,
 *     unknown
 * @param costPer1k price in USD per 1k tokens
 * @param health healthy, half_open, unhealthy, ejected or cooling
 * @param capacity "ok", or which limit is reached ("in_flight 8/8", "tokens_per_minute
 *     9800+300/10000")
 * @param score its ranking key under the policy (priority-latency: the score; lowest-latency:
 *     seconds; lowest-cost and cost-within-latency-budget: cost, or latency when over the budget),
 *     NaN when it was not ranked
 * @param withinBudget cost-within-latency-budget only: whether its latency meets the budget, else
 *     null
 * @param outcome chosen, ranked (a failover candidate), skipped (capacity) or filtered (a hard
 *     filter)
 * @param rank its place in the attempt order (1 = chosen), 0 when not in the plan
 * @param reason why: the winner's reason, or the filter or limit that excluded it
 */
public record CandidateExplain(
    String region,
    int priority,
    double latencySeconds,
    String latencySource,
    double costPer1k,
    String health,
    String capacity,
    double score,
    Boolean withinBudget,
    String outcome,
    int rank,
    String reason) {}
