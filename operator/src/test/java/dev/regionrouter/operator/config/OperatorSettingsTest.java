package dev.regionrouter.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorSettingsTest {

  private static final Path NO_FILE = Path.of("/nonexistent/namespace");

  @Test
  void defaultsWatchAllNamespacesOnPort8080WithoutLeaderElectionOutsideACluster() {
    OperatorSettings s = OperatorSettings.fromEnvironment(Map.of(), NO_FILE);
    assertThat(s.watchNamespaces()).isEmpty();
    assertThat(s.httpPort()).isEqualTo(8080);
    assertThat(s.leaderElectionEnabled()).isFalse();
    assertThat(s.defaultProbeIntervalSeconds()).isEqualTo(10);
    assertThat(s.defaultProbeTimeoutSeconds()).isEqualTo(2);
    assertThat(s.exitOnLostLeadership()).isTrue();
  }

  @Test
  void readsWatchNamespacesPortProbeIntervalAndLeaseNamespace() {
    OperatorSettings s =
        OperatorSettings.fromEnvironment(
            Map.of(
                "WATCH_NAMESPACES", " team-a, team-b ,,",
                "OPERATOR_HTTP_PORT", "9090",
                "OPERATOR_PROBE_INTERVAL_SECONDS", "1",
                "OPERATOR_NAMESPACE", "region-router",
                "POD_NAME", "operator-0"),
            NO_FILE);
    assertThat(s.watchNamespaces()).containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(s.httpPort()).isEqualTo(9090);
    assertThat(s.defaultProbeIntervalSeconds()).isEqualTo(1);
    assertThat(s.defaultProbeTimeoutSeconds()).isEqualTo(1); // never longer than the interval
    assertThat(s.leaderElection().leaseNamespace()).isEqualTo("region-router");
    assertThat(s.leaderElection().leaseName()).isEqualTo("region-router-operator");
    assertThat(s.leaderElection().identity()).isEqualTo("operator-0");
  }

  @Test
  void takesTheLeaseNamespaceFromTheServiceAccountFileInACluster(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("namespace");
    Files.writeString(file, "ops\n");
    assertThat(OperatorSettings.fromEnvironment(Map.of(), file).leaderElection().leaseNamespace())
        .isEqualTo("ops");
    assertThat(
            OperatorSettings.fromEnvironment(Map.of("LEADER_ELECTION", "false"), file)
                .leaderElectionEnabled())
        .isFalse();
  }

  @Test
  void refusesANonNumericPort() {
    assertThatThrownBy(
            () -> OperatorSettings.fromEnvironment(Map.of("OPERATOR_HTTP_PORT", "http"), NO_FILE))
        .hasMessageContaining("OPERATOR_HTTP_PORT");
  }
}
