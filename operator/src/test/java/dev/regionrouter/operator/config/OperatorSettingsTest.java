package dev.regionrouter.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.regionrouter.operator.PrivateCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    assertThat(s.publishQuietPeriod()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.publishMaxDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.reconciliationThreads()).isEqualTo(10);
    assertThat(s.exitOnLostLeadership()).isTrue();
    assertThat(s.probeTrustedCas()).as("the JDK's CAs").isNull();
  }

  @Test
  void bindsEveryDocumentedVariable(@TempDir Path dir) throws IOException {
    PrivateCa ca = PrivateCa.create("probe CA");
    Path bundle = ca.writeBundle(dir.resolve("ca.pem"));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("WATCH_NAMESPACES", " team-a, team-b ,,");
    env.put("LEADER_ELECTION", "true");
    env.put("POD_NAME", "operator-0");
    env.put("HOSTNAME", "ignored-when-pod-name-is-set");
    env.put("OPERATOR_NAMESPACE", "region-router");
    env.put("OPERATOR_HTTP_PORT", "9090");
    env.put("OPERATOR_PROBE_INTERVAL_SECONDS", "5");
    env.put("OPERATOR_PROBE_TIMEOUT_SECONDS", "3");
    env.put("OPERATOR_PROBE_TRUSTED_CA_FILE", bundle.toString());
    env.put("OPERATOR_PUBLISH_QUIET_MS", "100");
    env.put("OPERATOR_PUBLISH_MAX_DELAY_MS", "2s");
    env.put("OPERATOR_RECONCILE_THREADS", "4");
    OperatorSettings s = OperatorSettings.fromEnvironment(env, NO_FILE);
    assertThat(s.watchNamespaces()).containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(s.httpPort()).isEqualTo(9090);
    assertThat(s.defaultProbeIntervalSeconds()).isEqualTo(5);
    assertThat(s.defaultProbeTimeoutSeconds()).isEqualTo(3);
    assertThat(s.probeTrustedCas().file()).isEqualTo(bundle);
    assertThat(s.probeTrustedCas().certificates()).containsExactly(ca.certificate());
    assertThat(s.publishQuietPeriod()).isEqualTo(Duration.ofMillis(100));
    assertThat(s.publishMaxDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.reconciliationThreads()).isEqualTo(4);
    assertThat(s.leaderElection().leaseNamespace()).isEqualTo("region-router");
    assertThat(s.leaderElection().leaseName()).isEqualTo("region-router-operator");
    assertThat(s.leaderElection().identity()).isEqualTo("operator-0");
    // every variable of the test is one the operator binds: none is left out of this test
    Set<String> bound = new TreeSet<>(EnvironmentBinder.operatorVariables());
    bound.addAll(Set.of("WATCH_NAMESPACES", "LEADER_ELECTION", "POD_NAME", "HOSTNAME"));
    assertThat(env.keySet()).containsExactlyInAnyOrderElementsOf(bound);
  }

  @Test
  void theProbeTimeoutDefaultsToTwoSecondsButNeverLongerThanTheInterval() {
    OperatorSettings s =
        OperatorSettings.fromEnvironment(Map.of("OPERATOR_PROBE_INTERVAL_SECONDS", "1"), NO_FILE);
    assertThat(s.defaultProbeTimeoutSeconds()).isEqualTo(1);
  }

  @Test
  void takesTheLeaseNamespaceFromTheServiceAccountFileAndTheIdentityFromHostname(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("namespace");
    Files.writeString(file, "ops\n");
    OperatorSettings s = OperatorSettings.fromEnvironment(Map.of("HOSTNAME", "pod-7"), file);
    assertThat(s.leaderElection().leaseNamespace()).isEqualTo("ops");
    assertThat(s.leaderElection().identity()).isEqualTo("pod-7");
    assertThat(
            OperatorSettings.fromEnvironment(Map.of("LEADER_ELECTION", "false"), file)
                .leaderElectionEnabled())
        .isFalse();
  }

  @Test
  void aValueOfTheWrongTypeNamesTheVariableAndTheValue() {
    assertThatThrownBy(
            () -> OperatorSettings.fromEnvironment(Map.of("OPERATOR_HTTP_PORT", "http"), NO_FILE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("OPERATOR_HTTP_PORT='http' is not a valid int");
    assertThatThrownBy(
            () ->
                OperatorSettings.fromEnvironment(
                    Map.of("OPERATOR_PUBLISH_QUIET_MS", "soon"), NO_FILE))
        .hasMessageStartingWith("OPERATOR_PUBLISH_QUIET_MS='soon' is not a valid Duration");
    assertThatThrownBy(
            () -> OperatorSettings.fromEnvironment(Map.of("LEADER_ELECTION", "maybe"), NO_FILE))
        .hasMessageStartingWith("LEADER_ELECTION='maybe' is not a valid boolean");
  }

  @Test
  void aValueOutOfRangeNamesTheVariableAndTheRange() {
    assertThatThrownBy(
            () -> OperatorSettings.fromEnvironment(Map.of("OPERATOR_HTTP_PORT", "70000"), NO_FILE))
        .hasMessage("OPERATOR_HTTP_PORT must be 0 to 65535");
    assertThatThrownBy(
            () ->
                OperatorSettings.fromEnvironment(
                    Map.of("OPERATOR_PROBE_INTERVAL_SECONDS", "0"), NO_FILE))
        .hasMessage("OPERATOR_PROBE_INTERVAL_SECONDS must be at least 1");
    assertThatThrownBy(
            () ->
                OperatorSettings.fromEnvironment(
                    Map.of("OPERATOR_PUBLISH_QUIET_MS", "2000"), NO_FILE))
        .hasMessage(
            "OPERATOR_PUBLISH_MAX_DELAY_MS must be at least OPERATOR_PUBLISH_QUIET_MS (2000 ms)");
  }

  @Test
  void aCaBundleThatCannotBeUsedStopsTheStartWithOneLineNamingTheVariableAndTheFile(
      @TempDir Path dir) throws IOException {
    Path missing = dir.resolve("missing.pem");
    Path empty = Files.writeString(dir.resolve("empty.pem"), "no certificate here\n");
    Path broken =
        Files.writeString(
            dir.resolve("broken.pem"),
            "-----BEGIN CERTIFICATE-----\nbm90IGRlcg==\n-----END CERTIFICATE-----\n");
    assertThat(caBundleError(missing))
        .isEqualTo(
            "OPERATOR_PROBE_TRUSTED_CA_FILE='"
                + missing
                + "' is not a usable CA bundle: no such file");
    assertThat(caBundleError(empty))
        .isEqualTo(
            "OPERATOR_PROBE_TRUSTED_CA_FILE='"
                + empty
                + "' is not a usable CA bundle: no PEM certificate in it (expected -----BEGIN"
                + " CERTIFICATE----- blocks)");
    assertThat(caBundleError(broken))
        .startsWith(
            "OPERATOR_PROBE_TRUSTED_CA_FILE='"
                + broken
                + "' is not a usable CA bundle: certificate 1 of the file is not a valid X.509"
                + " certificate (")
        .doesNotContain("\n");
    // empty is unset: the JDK's CAs
    assertThat(
            OperatorSettings.fromEnvironment(Map.of("OPERATOR_PROBE_TRUSTED_CA_FILE", ""), NO_FILE)
                .probeTrustedCas())
        .isNull();
  }

  private static String caBundleError(Path file) {
    Throwable thrown =
        catchThrowable(
            () ->
                OperatorSettings.fromEnvironment(
                    Map.of("OPERATOR_PROBE_TRUSTED_CA_FILE", file.toString()), NO_FILE));
    assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
    return thrown.getMessage();
  }

  @Test
  void aMisspeltOperatorVariableIsReportedButAServiceLinkIsNot() {
    assertThat(
            EnvironmentBinder.unknownOperatorVariables(
                Map.of(
                    "OPERATOR_PROBE_INTERVAL", "5",
                    "OPERATOR_HTTP_PORT", "8080",
                    "OPERATOR_SERVICE_HOST", "10.0.0.1",
                    "OPERATOR_SERVICE_PORT_METRICS", "8080",
                    "OPERATOR_PORT", "tcp://10.0.0.1:8080",
                    "OPERATOR_PORT_8080_TCP_ADDR", "10.0.0.1")))
        .containsExactly("OPERATOR_PROBE_INTERVAL");
    // reported, not fatal: the settings still come out
    assertThat(
            OperatorSettings.fromEnvironment(Map.of("OPERATOR_PROBE_INTERVAL", "5"), NO_FILE)
                .defaultProbeIntervalSeconds())
        .isEqualTo(10);
  }

  @Test
  void readmeDocumentsEveryVariableWithItsDefault() throws IOException {
    Path readme = Path.of("").toAbsolutePath();
    readme = Files.exists(readme.resolve("README.md")) ? readme : readme.getParent();
    String text = Files.readString(readme.resolve("README.md"));
    String section = text.substring(text.indexOf("## Running the operator"));
    section = section.substring(0, section.indexOf("\n## ", 5));
    Map<String, String> documented = new LinkedHashMap<>();
    Matcher row =
        Pattern.compile("(?m)^\\| `([A-Z_]+)`(?: / `([A-Z_]+)`)? \\|([^|]*)\\|").matcher(section);
    while (row.find()) {
      documented.put(row.group(1), row.group(3).trim());
      if (row.group(2) != null) {
        documented.put(row.group(2), row.group(3).trim());
      }
    }
    Set<String> bound = new TreeSet<>(EnvironmentBinder.operatorVariables());
    bound.addAll(Set.of("WATCH_NAMESPACES", "LEADER_ELECTION", "POD_NAME", "HOSTNAME"));
    Set<String> expected = new TreeSet<>(bound);
    expected.add("LOG_LEVEL"); // read by logback.xml, not bound
    expected.add("LOGGING_STRUCTURED_FORMAT_CONSOLE"); // read by logback.xml too
    assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    OperatorSettings defaults = OperatorSettings.fromEnvironment(Map.of(), NO_FILE);
    assertThat(documented.get("OPERATOR_HTTP_PORT")).contains("`" + defaults.httpPort() + "`");
    assertThat(documented.get("OPERATOR_PROBE_INTERVAL_SECONDS"))
        .contains("`" + defaults.defaultProbeIntervalSeconds() + "`");
    assertThat(documented.get("OPERATOR_PROBE_TIMEOUT_SECONDS"))
        .contains("`" + defaults.defaultProbeTimeoutSeconds() + "`");
    assertThat(documented.get("OPERATOR_PUBLISH_QUIET_MS"))
        .contains("`" + defaults.publishQuietPeriod().toMillis() + "`");
    assertThat(documented.get("OPERATOR_PUBLISH_MAX_DELAY_MS"))
        .contains("`" + defaults.publishMaxDelay().toMillis() + "`");
    assertThat(documented.get("OPERATOR_RECONCILE_THREADS"))
        .contains("`" + defaults.reconciliationThreads() + "`");
    assertThat(documented.get("OPERATOR_PROBE_TRUSTED_CA_FILE")).contains("the JDK's CAs");
  }
}
