package dev.regionrouter.operator.config;

import dev.regionrouter.api.table.RoutingTableCodec;
import dev.regionrouter.api.v1alpha1.ProbeSpec;
import dev.regionrouter.operator.probe.TrustedCaBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Everything the operator can be told, in one immutable value. {@link #fromEnvironment} reads it
 * from the process environment (production); tests build it with {@link #defaults()} and the {@code
 * with...} methods so that the same {@code RegionRouterOperator} runs in both.
 *
 * @param watchNamespaces namespaces to watch; empty means all namespaces
 * @param httpPort port of /healthz, /readyz and /metrics; 0 picks a free port (tests)
 * @param leaderElection null when leader election is off
 * @param defaultProbeIntervalSeconds interval used when a region does not set
 *     spec.probe.intervalSeconds
 * @param defaultProbeTimeoutSeconds timeout used when a region does not set
 *     spec.probe.timeoutSeconds
 * @param probeTrustedCas the CAs https regions' certificates must chain to, instead of the JDK's;
 *     null: the JDK's
 * @param publishQuietPeriod a namespace's routing table is written once no change came for this
 *     long...
 * @param publishMaxDelay ...or at the latest this long after the first unwritten change
 * @param maxTableBytes largest regions.json the operator writes (a ConfigMap holds at most 1 MiB)
 * @param reconciliationThreads JOSDK worker threads
 * @param exitOnLostLeadership exit the process when leadership is lost unexpectedly (production:
 *     the pod restarts and stands by again); in-process runs stop the operator instead
 */
public record OperatorSettings(
    Set<String> watchNamespaces,
    int httpPort,
    LeaderElectionSettings leaderElection,
    int defaultProbeIntervalSeconds,
    int defaultProbeTimeoutSeconds,
    TrustedCaBundle probeTrustedCas,
    Duration publishQuietPeriod,
    Duration publishMaxDelay,
    int maxTableBytes,
    int reconciliationThreads,
    boolean exitOnLostLeadership) {

  public static final String LEASE_NAME = "region-router-operator";
  public static final Path SERVICE_ACCOUNT_NAMESPACE_FILE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  /**
   * Leader election through a coordination.k8s.io Lease.
   *
   * @param leaseName the Lease's name ({@value OperatorSettings#LEASE_NAME})
   * @param leaseNamespace where the Lease lives (the operator's own namespace)
   * @param identity this replica's name in the Lease (the pod name)
   */
  public record LeaderElectionSettings(
      String leaseName,
      String leaseNamespace,
      String identity,
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod) {

    /** Kubernetes' usual figures (kube-controller-manager's defaults). */
    public static LeaderElectionSettings of(String leaseNamespace, String identity) {
      return new LeaderElectionSettings(
          LEASE_NAME,
          leaseNamespace,
          identity,
          Duration.ofSeconds(15),
          Duration.ofSeconds(10),
          Duration.ofSeconds(2));
    }

    public LeaderElectionSettings withTimings(
        Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
      return new LeaderElectionSettings(
          leaseName, leaseNamespace, identity, leaseDuration, renewDeadline, retryPeriod);
    }
  }

  public OperatorSettings {
    watchNamespaces = Set.copyOf(watchNamespaces);
    if (defaultProbeIntervalSeconds < 1 || defaultProbeTimeoutSeconds < 1) {
      throw new IllegalArgumentException("probe interval and timeout must be at least 1 second");
    }
  }

  /** Defaults for an operator watching all namespaces, without leader election, on a free port. */
  public static OperatorSettings defaults() {
    return new OperatorSettings(
        Set.of(),
        0,
        null,
        ProbeSpec.DEFAULT_INTERVAL_SECONDS,
        ProbeSpec.DEFAULT_TIMEOUT_SECONDS,
        null,
        Duration.ofMillis(250),
        Duration.ofSeconds(1),
        RoutingTableCodec.CONFIG_MAP_MAX_BYTES,
        10,
        false);
  }

  /**
   * The settings from the documented environment variables ({@link OperatorEnvironment}, bound as
   * typed values with their defaults; README's configuration reference lists them). The operator's
   * namespace comes from OPERATOR_NAMESPACE, else the service account's namespace file; with
   * neither (a laptop run) leader election is off.
   *
   * @throws IllegalArgumentException naming the variable, for a value of the wrong type or out of
   *     range, or a CA bundle file that cannot be used
   */
  public static OperatorSettings fromEnvironment(Map<String, String> env, Path namespaceFile) {
    OperatorEnvironment bound = EnvironmentBinder.bind(env);
    OperatorEnvironment.Operator op = bound.operator();
    check(op.httpPort() >= 0 && op.httpPort() <= 65535, "OPERATOR_HTTP_PORT", "0 to 65535");
    check(op.probeIntervalSeconds() >= 1, "OPERATOR_PROBE_INTERVAL_SECONDS", "at least 1");
    int timeout =
        op.probeTimeoutSeconds() == null
            ? Math.min(ProbeSpec.DEFAULT_TIMEOUT_SECONDS, op.probeIntervalSeconds())
            : op.probeTimeoutSeconds();
    check(timeout >= 1, "OPERATOR_PROBE_TIMEOUT_SECONDS", "at least 1");
    check(!op.publishQuietMs().isNegative(), "OPERATOR_PUBLISH_QUIET_MS", "0 or more");
    check(
        op.publishMaxDelayMs().compareTo(op.publishQuietMs()) >= 0,
        "OPERATOR_PUBLISH_MAX_DELAY_MS",
        "at least OPERATOR_PUBLISH_QUIET_MS (" + op.publishQuietMs().toMillis() + " ms)");
    check(op.reconcileThreads() >= 1, "OPERATOR_RECONCILE_THREADS", "at least 1");
    TrustedCaBundle trustedCas = trustedCas(op.probeTrustedCaFile());
    Set<String> namespaces =
        bound.watchNamespaces().stream()
            .map(String::trim)
            .filter(n -> !n.isEmpty())
            .collect(Collectors.toSet());

    LeaderElectionSettings election = null;
    Optional<String> ownNamespace = ownNamespace(op.namespace(), namespaceFile);
    if (bound.leaderElection() && ownNamespace.isPresent()) {
      String identity =
          firstNonBlank(bound.podName(), bound.hostname())
              .orElse("region-router-operator-" + UUID.randomUUID());
      election = LeaderElectionSettings.of(ownNamespace.get(), identity);
    }
    return new OperatorSettings(
        namespaces,
        op.httpPort(),
        election,
        op.probeIntervalSeconds(),
        timeout,
        trustedCas,
        op.publishQuietMs(),
        op.publishMaxDelayMs(),
        RoutingTableCodec.CONFIG_MAP_MAX_BYTES,
        op.reconcileThreads(),
        true);
  }

  private static void check(boolean ok, String variable, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(variable + " must be " + expected);
    }
  }

  /** The bundle the variable names, read now so that a bad one stops the operator at start. */
  private static TrustedCaBundle trustedCas(String file) {
    if (file == null || file.isBlank()) {
      return null;
    }
    try {
      return TrustedCaBundle.load(Path.of(file.trim()));
    } catch (IllegalArgumentException e) { // InvalidPathException is one too
      throw new IllegalArgumentException(
          "OPERATOR_PROBE_TRUSTED_CA_FILE='"
              + file
              + "' is not a usable CA bundle: "
              + e.getMessage());
    }
  }

  static Optional<String> ownNamespace(String configured, Path namespaceFile) {
    Optional<String> fromEnv = firstNonBlank(configured);
    if (fromEnv.isPresent()) {
      return fromEnv;
    }
    try {
      if (namespaceFile != null && Files.isReadable(namespaceFile)) {
        return firstNonBlank(Files.readString(namespaceFile).trim());
      }
    } catch (IOException e) {
      // unreadable file: treated like a missing one (leader election off, logged by Main)
    }
    return Optional.empty();
  }

  private static Optional<String> firstNonBlank(String... values) {
    return Arrays.stream(values)
        .filter(v -> v != null && !v.isBlank())
        .map(String::trim)
        .findFirst();
  }

  public boolean leaderElectionEnabled() {
    return leaderElection != null;
  }

  public OperatorSettings withWatchNamespaces(Set<String> namespaces) {
    return new OperatorSettings(
        namespaces,
        httpPort,
        leaderElection,
        defaultProbeIntervalSeconds,
        defaultProbeTimeoutSeconds,
        probeTrustedCas,
        publishQuietPeriod,
        publishMaxDelay,
        maxTableBytes,
        reconciliationThreads,
        exitOnLostLeadership);
  }

  public OperatorSettings withHttpPort(int port) {
    return new OperatorSettings(
        watchNamespaces,
        port,
        leaderElection,
        defaultProbeIntervalSeconds,
        defaultProbeTimeoutSeconds,
        probeTrustedCas,
        publishQuietPeriod,
        publishMaxDelay,
        maxTableBytes,
        reconciliationThreads,
        exitOnLostLeadership);
  }

  public OperatorSettings withLeaderElection(LeaderElectionSettings election) {
    return new OperatorSettings(
        watchNamespaces,
        httpPort,
        election,
        defaultProbeIntervalSeconds,
        defaultProbeTimeoutSeconds,
        probeTrustedCas,
        publishQuietPeriod,
        publishMaxDelay,
        maxTableBytes,
        reconciliationThreads,
        exitOnLostLeadership);
  }

  public OperatorSettings withDefaultProbe(int intervalSeconds, int timeoutSeconds) {
    return new OperatorSettings(
        watchNamespaces,
        httpPort,
        leaderElection,
        intervalSeconds,
        timeoutSeconds,
        probeTrustedCas,
        publishQuietPeriod,
        publishMaxDelay,
        maxTableBytes,
        reconciliationThreads,
        exitOnLostLeadership);
  }

  /** Probes trust these CAs instead of the JDK's; null: the JDK's. */
  public OperatorSettings withProbeTrustedCas(TrustedCaBundle trustedCas) {
    return new OperatorSettings(
        watchNamespaces,
        httpPort,
        leaderElection,
        defaultProbeIntervalSeconds,
        defaultProbeTimeoutSeconds,
        trustedCas,
        publishQuietPeriod,
        publishMaxDelay,
        maxTableBytes,
        reconciliationThreads,
        exitOnLostLeadership);
  }

  public OperatorSettings withMaxTableBytes(int bytes) {
    return new OperatorSettings(
        watchNamespaces,
        httpPort,
        leaderElection,
        defaultProbeIntervalSeconds,
        defaultProbeTimeoutSeconds,
        probeTrustedCas,
        publishQuietPeriod,
        publishMaxDelay,
        bytes,
        reconciliationThreads,
        exitOnLostLeadership);
  }

  public OperatorSettings withPublishTiming(Duration quietPeriod, Duration maxDelay) {
    return new OperatorSettings(
        watchNamespaces,
        httpPort,
        leaderElection,
        defaultProbeIntervalSeconds,
        defaultProbeTimeoutSeconds,
        probeTrustedCas,
        quietPeriod,
        maxDelay,
        maxTableBytes,
        reconciliationThreads,
        exitOnLostLeadership);
  }
}
