package dev.regionrouter.operator.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.regionrouter.operator.PrivateCa;
import dev.regionrouter.operator.RegionHealthServer;
import dev.regionrouter.operator.config.Leadership;
import dev.regionrouter.operator.metrics.OperatorMetrics;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's probes of an https region whose certificate a private CA signed, over real
 * sockets: they fail on the JDK's CAs alone, pass with a bundle of that CA, fail with a bundle of
 * another CA, and still check the host name when the bundle is set.
 */
class RegionProberTlsTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private static final PrivateCa CA = PrivateCa.create("region-router test CA");

  /** An https region whose certificate the CA signed for localhost. */
  @RegisterExtension
  static final RegionHealthServer REGION = new RegionHealthServer(0, CA.serverContext("localhost"));

  @TempDir Path dir;
  private RegionProber<String> prober;

  @AfterEach
  void stop() {
    if (prober != null) {
      prober.close();
    }
  }

  @Test
  void onTheJdksCasAlonePrivatelySignedRegionFailsItsProbeOnTheCertificate() {
    prober = prober(null);
    prober.track("r", target("localhost"));
    awaitFailure("r", "unable to find valid certification path");
  }

  @Test
  void withTheBundleOfItsCaAPrivatelySignedRegionIsHealthy() throws Exception {
    prober = prober(TrustedCaBundle.load(CA.writeBundle(dir.resolve("ca.pem"))));
    prober.track("r", target("localhost"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(prober.observation("r"))
                    .hasValueSatisfying(
                        o -> {
                          assertThat(o.healthy()).isTrue();
                          assertThat(o.lastError()).isNull();
                        }));
  }

  @Test
  void withTheBundleOfAnotherCaThePrivatelySignedRegionStillFails() throws Exception {
    PrivateCa other = PrivateCa.create("an unrelated CA");
    prober = prober(TrustedCaBundle.load(other.writeBundle(dir.resolve("other.pem"))));
    prober.track("r", target("localhost"));
    awaitFailure("r", "unable to find valid certification path");
  }

  @Test
  void withTheBundleTheHostNameMustStillMatchTheCertificate() throws Exception {
    prober = prober(TrustedCaBundle.load(CA.writeBundle(dir.resolve("ca.pem"))));
    // the certificate names localhost only: the same server reached as 127.0.0.1 is refused
    prober.track("by-address", target("127.0.0.1"));
    awaitFailure("by-address", "127.0.0.1");
  }

  private RegionProber<String> prober(TrustedCaBundle trustedCas) {
    return new RegionProber<>(
        key -> {}, new OperatorMetrics(new Leadership(false)), Clock.systemUTC(), trustedCas);
  }

  private ProbeTarget target(String host) {
    return new ProbeTarget(
        URI.create("https://" + host + ":" + REGION.port() + "/health"),
        "GET",
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        false);
  }

  private void awaitFailure(String key, String error) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(prober.observation(key))
                    .hasValueSatisfying(
                        o -> {
                          assertThat(o.healthy()).isFalse();
                          assertThat(o.lastError())
                              .startsWith("TLS handshake failed: ")
                              .contains(error);
                        }));
  }
}
