package io.nitrosign.enclave.kms;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS trust anchors of every endpoint the enclave reaches (today: KMS only), instead of the
 * JDK's whole trust store. In production these are the Amazon Trust Services roots that AWS
 * service endpoints chain to: Amazon Root CA 1 to 4 and Starfield Services Root CA G2. Their PEMs
 * are resources next to this class ({@code trust/}), with their SHA-256 fingerprints and origin
 * in {@code trust/SHA256SUMS.txt}; each is checked against the fingerprint compiled in here when
 * it is loaded, so a swapped resource fails the boot rather than widening the trust.
 */
public final class PinnedTrust {

  /** Resource name to the SHA-256 fingerprint (hex) of the certificate it must contain. */
  static final Map<String, String> AMAZON_ROOTS = Map.of(
      "amazon-root-ca-1.pem", "8ecde6884f3d87b1125ba31ac3fcb13d7016de7f57cc904fe1cb97c6ae98196e",
      "amazon-root-ca-2.pem", "1ba5b2aa8c65401a82960118f80bec4f62304d83cec4713a19c39c011ea46db4",
      "amazon-root-ca-3.pem", "18ce6cfe7bf14e60b2e347b8dfe868cb31d02ebb3ada271569f50343b46db3a4",
      "amazon-root-ca-4.pem", "e35d28419ed02025cfa69038cd623962458da5c695fbdea3c22b0bfb25897092",
      "starfield-services-root-ca-g2.pem",
      "568d6905a2c88708a4b3025190edcfedb1974a606a13c6e5290fcb2ae63edab5");

  private final List<X509Certificate> anchors;

  private PinnedTrust(List<X509Certificate> anchors) {
    if (anchors.isEmpty()) {
      throw new IllegalArgumentException("at least one trust anchor is required");
    }
    this.anchors = List.copyOf(anchors);
  }

  /** The Amazon Trust Services roots, from the enclave's own resources. */
  public static PinnedTrust amazonRoots() {
    List<X509Certificate> roots = new ArrayList<>();
    for (Map.Entry<String, String> e : AMAZON_ROOTS.entrySet()) {
      X509Certificate c = load("trust/" + e.getKey());
      if (!fingerprint(c).equals(e.getValue())) {
        throw new IllegalStateException("pinned root " + e.getKey() + " has the wrong fingerprint");
      }
      roots.add(c);
    }
    return new PinnedTrust(roots);
  }

  /** Exactly these anchors (tests; a deployment that reaches a non-AWS endpoint). */
  public static PinnedTrust of(List<X509Certificate> anchors) {
    return new PinnedTrust(anchors);
  }

  public List<X509Certificate> anchors() {
    return anchors;
  }

  /** PKIX trust managers that accept chains to these anchors and nothing else. */
  public TrustManager[] trustManagers() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < anchors.size(); i++) {
        store.setCertificateEntry("pinned-" + i, anchors.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(store);
      return tmf.getTrustManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the pinned trust managers", e);
    }
  }

  /** A TLS context that trusts only these anchors. */
  public SSLContext sslContext(SecureRandom random) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, trustManagers(), random);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up pinned TLS", e);
    }
  }

  static String fingerprint(X509Certificate c) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate load(String resource) {
    try (InputStream in = PinnedTrust.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing pinned root " + resource);
      }
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read pinned root " + resource, e);
    }
  }
}
