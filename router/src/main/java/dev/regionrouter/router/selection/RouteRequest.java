package dev.regionrouter.router.selection;

import java.util.function.Consumer;

/**
 * One request's routing: its effective hints (request headers over its caller's defaults over the
 * router's), its token estimate, and what planning decided (filled in by {@link RoutePlanner}, read
 * by the endpoints for the debug output and by hedging).
 */
public final class RouteRequest {

  private final RouteHints hints;
  private final String caller;
  private final long estimatedTokens;
  private final String pinnedRegion;

  /** The model the request names (null: none, or a body the router does not read). */
  private final String model;

  /**
   * The filters of the plan (the hints', and the model's when the table declares models); set when
   * planned.
   */
  private volatile RouteFilters filters;

  private volatile Consumer<AttemptPlan> onPlan;
  private volatile String hedge;
  private volatile AttemptPlan plan;

  public RouteRequest(RouteHints hints, String caller, long estimatedTokens) {
    this(hints, caller, estimatedTokens, null, null);
  }

  public RouteRequest(RouteHints hints, String caller, long estimatedTokens, String model) {
    this(hints, caller, estimatedTokens, null, model);
  }

  private RouteRequest(
      RouteHints hints, String caller, long estimatedTokens, String pinnedRegion, String model) {
    this.model = model;
    this.hints = hints;
    this.caller = caller;
    this.estimatedTokens = estimatedTokens;
    this.pinnedRegion = pinnedRegion;
  }

  /** The same request sent to one region only (a hedge). */
  public RouteRequest pinnedTo(String region) {
    return new RouteRequest(hints, caller, estimatedTokens, region, model);
  }

  /** Called with the plan as soon as it is made (before any attempt): the debug header. */
  public void onPlan(Consumer<AttemptPlan> hook) {
    this.onPlan = hook;
  }

  /**
   * What hedging did: null (not hedged), skipped_budget, skipped_no_target, won, lost, not_needed.
   */
  public String hedge() {
    return hedge;
  }

  public void hedge(String outcome) {
    this.hedge = outcome;
  }

  public RouteHints hints() {
    return hints;
  }

  public String caller() {
    return caller;
  }

  public long estimatedTokens() {
    return estimatedTokens;
  }

  /** The model the request names, or null. */
  public String model() {
    return model;
  }

  /** The hard filters its plan was made under (the hints' until it is planned). */
  public RouteFilters filters() {
    RouteFilters planned = filters;
    return planned != null ? planned : hints.filters();
  }

  void filters(RouteFilters filters) {
    this.filters = filters;
  }

  /** Non-null for a hedge: the only region it may use. */
  public String pinnedRegion() {
    return pinnedRegion;
  }

  public AttemptPlan plan() {
    return plan;
  }

  void planned(AttemptPlan plan) {
    this.plan = plan;
    Consumer<AttemptPlan> hook = onPlan;
    if (hook != null) {
      hook.accept(plan);
    }
  }
}
