package dev.regionrouter.api.v1alpha1;

/**
 * Condition types and reasons of an InferenceRegion, defined once for operator, tests and docs.
 *
 * <p>kstatus: {@link #READY} is always present; {@link #RECONCILING} and {@link #STALLED} appear
 * only while true.
 */
public final class Conditions {

  /**
   * The region is accepted and in effect in its routing table: listed, or kept out of it on purpose
   * (drained). Says nothing about the endpoint's health ({@link #HEALTHY} does), so GitOps tools
   * waiting on Ready succeed while a provider is down.
   */
  public static final String READY = "Ready";

  /** The spec is usable: it passed the operator's validation. */
  public static final String ACCEPTED = "Accepted";

  /** The region is listed in its namespace's routing-table ConfigMap. */
  public static final String PUBLISHED = "Published";

  /** The operator's probe of the region's health endpoint succeeds. */
  public static final String HEALTHY = "Healthy";

  /** kstatus: the operator is working towards the desired state (a routing-table write is due). */
  public static final String RECONCILING = "Reconciling";

  /** kstatus: the operator cannot make progress without a change of the spec. */
  public static final String STALLED = "Stalled";

  public static final class Reasons {
    public static final String VALID = "Valid";
    public static final String INVALID_SPEC = "InvalidSpec";
    public static final String PUBLISHED = "Published";
    public static final String DRAINED = "Drained";
    public static final String PENDING = "Pending";
    public static final String TABLE_TOO_LARGE = "RoutingTableTooLarge";
    public static final String PROBE_SUCCEEDED = "ProbeSucceeded";
    public static final String PROBE_FAILED = "ProbeFailed";
    public static final String NOT_PROBED_YET = "NotProbedYet";

    private Reasons() {}
  }

  private Conditions() {}
}
