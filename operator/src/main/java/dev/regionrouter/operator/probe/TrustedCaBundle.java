package dev.regionrouter.operator.probe;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A PEM file of the CAs that https regions' certificates must chain to, used instead of the JDK's
 * CAs: the operator's counterpart of the router's {@code router.proxy.trusted-ca-file}, with the
 * same semantics (every {@code CERTIFICATE} block of the file is a trust anchor, nothing else is;
 * other PEM blocks and text between blocks are skipped). Hostname verification is not affected: the
 * JDK HttpClient verifies the region's name against its certificate with any SSLContext.
 *
 * @param file where the bundle was read from
 * @param certificates the trusted certificates, in file order; never empty
 */
public record TrustedCaBundle(Path file, List<X509Certificate> certificates) {

  private static final Pattern CERTIFICATE =
      Pattern.compile("-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", Pattern.DOTALL);

  public TrustedCaBundle {
    certificates = List.copyOf(certificates);
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("a trusted CA bundle needs at least one certificate");
    }
  }

  /**
   * Reads the bundle.
   *
   * @throws IllegalArgumentException when the file cannot be read, holds no certificate, or holds
   *     one that does not parse, with a message that completes "... is not a usable CA bundle: "
   */
  public static TrustedCaBundle load(Path file) {
    String pem;
    try {
      // Latin-1 decodes any byte: UTF-8 comments between blocks are skipped, a DER file holds no
      // PEM block
      pem = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such file");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException("cannot read it (permission denied)");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read it (" + e.getMessage() + ")");
    }
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      Matcher block = CERTIFICATE.matcher(pem);
      while (block.find()) {
        byte[] bytes = block.group().getBytes(StandardCharsets.US_ASCII);
        try {
          certificates.add(
              (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(bytes)));
        } catch (CertificateException e) {
          throw new IllegalArgumentException(
              "certificate "
                  + (certificates.size() + 1)
                  + " of the file is not a valid X.509 certificate ("
                  + e.getMessage()
                  + ")");
        }
      }
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(
          "no PEM certificate in it (expected -----BEGIN CERTIFICATE----- blocks)");
    }
    return new TrustedCaBundle(file, certificates);
  }

  /** A client TLS context that trusts exactly these certificates (the JDK's CAs are not added). */
  public SSLContext sslContext() {
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {trustManager()}, null);
      return tls;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS context from " + file, e);
    }
  }

  /** The JDK's PKIX trust manager with these certificates as its only trust anchors. */
  public X509TrustManager trustManager() {
    try {
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        anchors.setCertificateEntry("ca-" + i, certificates.get(i));
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(anchors);
      return Arrays.stream(trust.getTrustManagers())
          .filter(X509TrustManager.class::isInstance)
          .map(X509TrustManager.class::cast)
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("the JDK has no X.509 trust manager"));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust manager from " + file, e);
    }
  }
}
