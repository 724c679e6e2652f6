package dev.regionrouter.operator.config;

import dev.regionrouter.api.table.RoutingTableCodec;
import dev.regionrouter.api.v1alpha1.ProbeSpec;
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
        Duration.ofMillis(250),
        Duration.ofSeconds(1),
        RoutingTableCodec.CONFIG_MAP_MAX_BYTES,
        10,
        false);
  }

  /**
   * Reads the documented environment variables; see the README's configuration reference. The
   * operator's namespace comes from OPERATOR_NAMESPACE, else the service account's namespace file;
   * with neither (a laptop run) leader election is off.
   */
  public static OperatorSettings fromEnvironment(Map<String, String> env, Path namespaceFile) {
    OperatorSettings s = defaults();
    Set<String> namespaces =
        Arrays.stream(env.getOrDefault("WATCH_NAMESPACES", "").split(","))
            .map(String::trim)
            .filter(n -> !n.isEmpty())
            .collect(Collectors.toSet());
    int port = intVar(env, "OPERATOR_HTTP_PORT", 8080);
    int interval = intVar(env, "OPERATOR_PROBE_INTERVAL_SECONDS", s.defaultProbeIntervalSeconds());
    int timeout =
        intVar(
            env,
            "OPERATOR_PROBE_TIMEOUT_SECONDS",
            Math.min(s.defaultProbeTimeoutSeconds(), interval));
    Duration quiet =
        Duration.ofMillis(
            intVar(env, "OPERATOR_PUBLISH_QUIET_MS", (int) s.publishQuietPeriod().toMillis()));
    Duration maxDelay =
        Duration.ofMillis(
            intVar(env, "OPERATOR_PUBLISH_MAX_DELAY_MS", (int) s.publishMaxDelay().toMillis()));
    int threads = intVar(env, "OPERATOR_RECONCILE_THREADS", s.reconciliationThreads());

    LeaderElectionSettings election = null;
    boolean wanted = !"false".equalsIgnoreCase(env.getOrDefault("LEADER_ELECTION", "true").trim());
    Optional<String> ownNamespace = ownNamespace(env, namespaceFile);
    if (wanted && ownNamespace.isPresent()) {
      String identity =
          firstNonBlank(env.get("POD_NAME"), env.get("HOSTNAME"))
              .orElse("region-router-operator-" + UUID.randomUUID());
      election = LeaderElectionSettings.of(ownNamespace.get(), identity);
    }
    return new OperatorSettings(
        namespaces,
        port,
        election,
        interval,
        timeout,
        quiet,
        maxDelay,
        s.maxTableBytes(),
        threads,
        true);
  }

  static Optional<String> ownNamespace(Map<String, String> env, Path namespaceFile) {
    Optional<String> fromEnv = firstNonBlank(env.get("OPERATOR_NAMESPACE"));
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

  private static int intVar(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'", e);
    }
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
        quietPeriod,
        maxDelay,
        maxTableBytes,
        reconciliationThreads,
        exitOnLostLeadership);
  }
}
