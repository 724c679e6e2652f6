package dev.regionrouter.operator.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regionrouter.operator.PrivateCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustedCaBundleTest {

  @TempDir Path dir;

  @Test
  void readsEveryCertificateOfTheBundleInOrderSkippingTextAndOtherBlocks() throws Exception {
    PrivateCa first = PrivateCa.create("first");
    PrivateCa second = PrivateCa.create("second");
    String bundle =
        "# the CAs of our private regions (Zürich, São Paulo)\n"
            + Files.readString(first.writeBundle(dir.resolve("1.pem")))
            + "-----BEGIN PRIVATE KEY-----\nnot a certificate\n-----END PRIVATE KEY-----\n"
            + "Subject: CN=second\n"
            + Files.readString(second.writeBundle(dir.resolve("2.pem")));
    Path file = Files.writeString(dir.resolve("bundle.pem"), bundle, StandardCharsets.UTF_8);

    TrustedCaBundle loaded = TrustedCaBundle.load(file);

    assertThat(loaded.file()).isEqualTo(file);
    assertThat(loaded.certificates()).containsExactly(first.certificate(), second.certificate());
  }

  @Test
  void trustsExactlyTheBundlesCertificatesAndNoneOfTheJdksCas() throws Exception {
    PrivateCa ca = PrivateCa.create("only");
    TrustedCaBundle bundle = TrustedCaBundle.load(ca.writeBundle(dir.resolve("ca.pem")));
    assertThat(bundle.trustManager().getAcceptedIssuers()).containsExactly(ca.certificate());
    assertThat(bundle.sslContext().getProtocol()).isEqualTo("TLS");
  }

  @Test
  void aMissingFileIsRefused() {
    assertThatThrownBy(() -> TrustedCaBundle.load(dir.resolve("absent.pem")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no such file");
  }

  @Test
  void aFileWithoutAPemCertificateIsRefusedDerIncluded() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    Path key =
        Files.writeString(
            dir.resolve("key.pem"),
            "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n");
    Path der =
        Files.write(dir.resolve("ca.der"), PrivateCa.create("der").certificate().getEncoded());
    for (Path file : new Path[] {empty, key, der}) {
      assertThatThrownBy(() -> TrustedCaBundle.load(file))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("no PEM certificate in it (expected -----BEGIN CERTIFICATE----- blocks)");
    }
  }

  @Test
  void aCertificateThatDoesNotParseIsRefusedByItsPlaceInTheFile() throws Exception {
    PrivateCa ca = PrivateCa.create("good");
    String good = Files.readString(ca.writeBundle(dir.resolve("good.pem")));
    Path file =
        Files.writeString(
            dir.resolve("broken.pem"),
            good + "-----BEGIN CERTIFICATE-----\nbm90IGRlcg==\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> TrustedCaBundle.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("certificate 2 of the file is not a valid X.509 certificate (");
  }
}
