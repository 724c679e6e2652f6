package dev.regionrouter.operator.config;

import dev.regionrouter.api.v1alpha1.ProbeSpec;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;

/**
 * The operator's environment variables as typed values with their defaults, bound the way the
 * router binds its properties (Spring Boot's {@code Binder}; {@code OPERATOR_HTTP_PORT} is {@code
 * operator.http-port}). {@link OperatorSettings#fromEnvironment} binds it and turns it into the
 * settings the operator runs with. README's "Running the operator" lists the same variables and
 * defaults (a test keeps the two in step).
 *
 * @param watchNamespaces {@code WATCH_NAMESPACES}: comma-separated namespaces to watch; empty: all
 * @param leaderElection {@code LEADER_ELECTION}: false turns leader election off
 * @param podName {@code POD_NAME}: this replica's identity in the Lease
 * @param hostname {@code HOSTNAME}: the identity when POD_NAME is not set (a pod's name)
 * @param operator the {@code OPERATOR_*} variables
 */
public record OperatorEnvironment(
    @DefaultValue List<String> watchNamespaces,
    @DefaultValue("true") boolean leaderElection,
    String podName,
    String hostname,
    @DefaultValue Operator operator) {

  /**
   * The {@code OPERATOR_*} variables. An {@code OPERATOR_} variable that is none of these is
   * refused (a misspelt name would otherwise be ignored in silence).
   *
   * @param namespace {@code OPERATOR_NAMESPACE}: where the Lease lives; default: the service
   *     account's namespace; with neither, leader election is off
   * @param httpPort {@code OPERATOR_HTTP_PORT}: /healthz, /readyz and /metrics (0: a free port)
   * @param probeIntervalSeconds {@code OPERATOR_PROBE_INTERVAL_SECONDS}: default probe interval (a
   *     region's spec.probe wins)
   * @param probeTimeoutSeconds {@code OPERATOR_PROBE_TIMEOUT_SECONDS}: default probe timeout;
   *     unset: 2, and never longer than the interval
   * @param probeTrustedCaFile {@code OPERATOR_PROBE_TRUSTED_CA_FILE}: a PEM file of the CAs that
   *     https regions' certificates must chain to, instead of the JDK's (the router's {@code
   *     router.proxy.trusted-ca-file}); unset or empty: the JDK's CAs
   * @param publishQuietMs {@code OPERATOR_PUBLISH_QUIET_MS}: a namespace's table is written once no
   *     change came for this long (a number is milliseconds; {@code 250ms}, {@code 1s} work too)
   * @param publishMaxDelayMs {@code OPERATOR_PUBLISH_MAX_DELAY_MS}: ...or at the latest this long
   *     after the first unwritten change
   * @param reconcileThreads {@code OPERATOR_RECONCILE_THREADS}: reconcile worker threads
   */
  public record Operator(
      String namespace,
      @DefaultValue("8080") int httpPort,
      @DefaultValue("" + ProbeSpec.DEFAULT_INTERVAL_SECONDS) int probeIntervalSeconds,
      Integer probeTimeoutSeconds,
      String probeTrustedCaFile,
      @DefaultValue("250") @DurationUnit(ChronoUnit.MILLIS) Duration publishQuietMs,
      @DefaultValue("1000") @DurationUnit(ChronoUnit.MILLIS) Duration publishMaxDelayMs,
      @DefaultValue("10") int reconcileThreads) {}
}
