package io.nitrosign.attestation;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies Nitro attestation documents: COSE_Sign1 structure and ES384 signature, the certificate
 * chain from the pinned root to the signing certificate at a given time, then the policy.
 *
 * <p>Order of checks (the first failure decides the {@link Reason}): parse
 * ({@code MALFORMED}/{@code TOO_LARGE}/{@code UNSUPPORTED_ALGORITHM}), signing certificate and its
 * key, COSE signature ({@code BAD_SIGNATURE}), {@code cabundle[0]} equals the pinned root, each
 * certificate signed by the one before, CA and leaf constraints ({@code UNTRUSTED_CHAIN}),
 * validity at {@code at} ({@code EXPIRED}), a PKIX path validation of the same chain as a second
 * opinion, then the policy. Instances are immutable and thread-safe.
 */
public final class AttestationVerifier {

  /** SHA-256 of the DER AWS Nitro Enclaves Root-G1 certificate, as published by AWS. */
  public static final String AWS_NITRO_ROOT_G1_SHA256 =
      "641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b";
  static final String AWS_ROOT_RESOURCE = "AWS_NitroEnclaves_Root-G1.pem";

  private static final String OID_BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String OID_KEY_USAGE = "2.5.29.15";
  private static final Set<String> UNDERSTOOD_CRITICAL = Set.of(OID_BASIC_CONSTRAINTS, OID_KEY_USAGE);
  private static final String ECDSA_SIG_OID_PREFIX = "1.2.840.10045.4.3."; // ecdsa-with-SHA224/256/384/512
  private static final int KU_DIGITAL_SIGNATURE = 0;
  private static final int KU_KEY_CERT_SIGN = 5;

  private static final class AwsRoot {
    static final X509Certificate CERT = loadAwsRoot();
  }

  private final X509Certificate root;
  private final byte[] rootDer;
  private final TrustAnchor anchor;

  private AttestationVerifier(X509Certificate root) {
    this.root = root;
    try {
      this.rootDer = root.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalArgumentException("root certificate cannot be encoded", e);
    }
    this.anchor = new TrustAnchor(root, null);
  }

  /** A verifier trusting only the AWS Nitro Enclaves Root-G1, pinned by its SHA-256. */
  public static AttestationVerifier awsNitro() {
    return new AttestationVerifier(AwsRoot.CERT);
  }

  /** A verifier trusting only {@code root}, e.g. the devkit's simulated NSM root in local mode. */
  public static AttestationVerifier withRoot(X509Certificate root) {
    Objects.requireNonNull(root, "root");
    if (root.getBasicConstraints() < 0) {
      throw new IllegalArgumentException("root is not a CA certificate");
    }
    return new AttestationVerifier(root);
  }

  /** The trusted root. */
  public X509Certificate root() {
    return root;
  }

  /** SHA-256 (hex) of the trusted root's DER encoding. */
  public String rootSha256() {
    return HexFormat.of().formatHex(sha256(rootDer));
  }

  /**
   * Verifies {@code doc} as of {@code at}.
   *
   * @throws AttestationException with the reason of the first check that failed
   */
  public VerifiedAttestation verify(byte[] doc, AttestationPolicy policy, Instant at)
      throws AttestationException {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(at, "at");
    AttestationDocument d = AttestationDocument.parseUnverified(doc);

    X509Certificate leaf = certificate(d.certificate(), "certificate");
    ECPublicKey leafKey;
    try {
      leafKey = Es384.requireP384(leaf.getPublicKey());
    } catch (InvalidKeyException e) {
      throw new AttestationException(Reason.UNSUPPORTED_ALGORITHM,
          "certificate: public key is not an EC P-384 key (" + e.getMessage() + ")");
    }
    boolean ok;
    try {
      ok = Es384.verifyRaw(leafKey, d.sigStructure(), d.signatureBytes());
    } catch (InvalidKeyException e) {
      throw new AttestationException(Reason.UNSUPPORTED_ALGORITHM, "certificate: " + e.getMessage());
    }
    if (!ok) {
      throw new AttestationException(Reason.BAD_SIGNATURE,
          "COSE_Sign1 signature: does not verify under the certificate's key");
    }

    List<byte[]> bundle = d.cabundle();
    if (!MessageDigest.isEqual(bundle.get(0), rootDer)) {
      throw new AttestationException(Reason.UNTRUSTED_CHAIN, "cabundle[0]: not the pinned root (sha256 "
          + HexFormat.of().formatHex(sha256(bundle.get(0))) + ", pinned " + rootSha256() + ")");
    }
    List<X509Certificate> chain = new ArrayList<>(bundle.size() + 1);
    chain.add(root);
    for (int i = 1; i < bundle.size(); i++) {
      chain.add(certificate(bundle.get(i), "cabundle[" + i + "]"));
    }
    chain.add(leaf);
    checkChain(chain, at);
    pkix(chain, at);

    policy.check(d, at);
    return new VerifiedAttestation(d);
  }

  private static String name(int i, int size) {
    return i == size - 1 ? "certificate" : "cabundle[" + i + "]";
  }

  private void checkChain(List<X509Certificate> chain, Instant at) throws AttestationException {
    int n = chain.size();
    // signatures and names first: an expired forged chain is reported as untrusted, not expired
    for (int i = 1; i < n; i++) {
      X509Certificate issuer = chain.get(i - 1);
      X509Certificate cert = chain.get(i);
      String what = name(i, n);
      if (!cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
        throw new AttestationException(Reason.UNTRUSTED_CHAIN, what + ": issuer " + cert.getIssuerX500Principal()
            + " is not the subject of " + name(i - 1, n) + " (" + issuer.getSubjectX500Principal() + ")");
      }
      if (!cert.getSigAlgOID().startsWith(ECDSA_SIG_OID_PREFIX)) {
        throw new AttestationException(Reason.UNTRUSTED_CHAIN,
            what + ": signature algorithm " + cert.getSigAlgName() + " is not ECDSA with SHA-2");
      }
      try {
        cert.verify(issuer.getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new AttestationException(Reason.UNTRUSTED_CHAIN,
            what + ": signature does not verify under " + name(i - 1, n) + "'s key");
      }
    }
    for (int i = 0; i < n; i++) {
      X509Certificate cert = chain.get(i);
      String what = name(i, n);
      for (String oid : nullToEmpty(cert.getCriticalExtensionOIDs())) {
        if (!UNDERSTOOD_CRITICAL.contains(oid)) {
          throw new AttestationException(Reason.UNTRUSTED_CHAIN, what + ": unknown critical extension " + oid);
        }
      }
      boolean[] ku = cert.getKeyUsage();
      if (i < n - 1) {
        int pathLen = cert.getBasicConstraints();
        if (cert.getVersion() != 3 || pathLen < 0) {
          throw new AttestationException(Reason.UNTRUSTED_CHAIN, what + ": not a CA certificate");
        }
        int below = n - 2 - i; // CA certificates between this one and the leaf
        if (below > pathLen) {
          throw new AttestationException(Reason.UNTRUSTED_CHAIN,
              what + ": path length constraint " + pathLen + " exceeded (" + below + " CAs below)");
        }
        if (ku != null && !ku[KU_KEY_CERT_SIGN]) {
          throw new AttestationException(Reason.UNTRUSTED_CHAIN, what + ": key usage lacks keyCertSign");
        }
      } else {
        if (cert.getBasicConstraints() >= 0) {
          throw new AttestationException(Reason.UNTRUSTED_CHAIN, what + ": the signing certificate is a CA");
        }
        if (ku != null && !ku[KU_DIGITAL_SIGNATURE]) {
          throw new AttestationException(Reason.UNTRUSTED_CHAIN, what + ": key usage lacks digitalSignature");
        }
      }
    }
    Date when = Date.from(at);
    for (int i = 0; i < n; i++) {
      X509Certificate cert = chain.get(i);
      try {
        cert.checkValidity(when);
      } catch (CertificateExpiredException e) {
        throw new AttestationException(Reason.EXPIRED, name(i, n) + " (" + cert.getSubjectX500Principal()
            + "): expired at " + cert.getNotAfter().toInstant() + ", verifying at " + at);
      } catch (CertificateNotYetValidException e) {
        throw new AttestationException(Reason.EXPIRED, name(i, n) + " (" + cert.getSubjectX500Principal()
            + "): not valid before " + cert.getNotBefore().toInstant() + ", verifying at " + at);
      }
    }
  }

  /** A second, independent opinion: the JDK's PKIX validator on the same chain and time. */
  private void pkix(List<X509Certificate> chain, Instant at) throws AttestationException {
    try {
      List<X509Certificate> path = new ArrayList<>(chain.subList(1, chain.size()));
      java.util.Collections.reverse(path); // leaf first, root excluded (it is the anchor)
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      PKIXParameters params = new PKIXParameters(Set.of(anchor));
      params.setRevocationEnabled(false);
      params.setDate(Date.from(at));
      CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(path), params);
    } catch (CertPathValidatorException e) {
      if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
          || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
        throw new AttestationException(Reason.EXPIRED, "PKIX: " + e.getMessage());
      }
      throw new AttestationException(Reason.UNTRUSTED_CHAIN, "PKIX: " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new AttestationException(Reason.UNTRUSTED_CHAIN, "PKIX: " + e.getMessage());
    }
  }

  private static Set<String> nullToEmpty(Set<String> s) {
    return s == null ? Set.of() : s;
  }

  static X509Certificate certificate(byte[] der, String field) throws AttestationException {
    if (der.length == 0 || der[0] != 0x30) {
      throw new AttestationException(Reason.MALFORMED, field + ": not a DER X.509 certificate");
    }
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      X509Certificate c = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der));
      if (!MessageDigest.isEqual(c.getEncoded(), der)) {
        throw new AttestationException(Reason.MALFORMED, field + ": trailing or non-DER bytes");
      }
      return c;
    } catch (CertificateException | RuntimeException e) {
      throw new AttestationException(Reason.MALFORMED, field + ": not a DER X.509 certificate ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  /** Reads one PEM (or DER) X.509 certificate. */
  public static X509Certificate readCertificate(byte[] pemOrDer) throws CertificateException {
    X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pemOrDer));
    if (c == null) {
      throw new CertificateException("no certificate");
    }
    return c;
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate loadAwsRoot() {
    byte[] pem;
    String recorded;
    try (InputStream in = AttestationVerifier.class.getResourceAsStream(AWS_ROOT_RESOURCE);
        InputStream sum = AttestationVerifier.class.getResourceAsStream(AWS_ROOT_RESOURCE + ".sha256")) {
      if (in == null || sum == null) {
        throw new IllegalStateException("pinned AWS Nitro root resource missing: " + AWS_ROOT_RESOURCE);
      }
      pem = in.readAllBytes();
      recorded = new String(sum.readAllBytes(), StandardCharsets.US_ASCII).trim().split("\\s+")[0];
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the pinned AWS Nitro root", e);
    }
    X509Certificate cert;
    try {
      cert = readCertificate(pem);
      String actual = HexFormat.of().formatHex(sha256(cert.getEncoded()));
      if (!actual.equals(AWS_NITRO_ROOT_G1_SHA256) || !recorded.equals(AWS_NITRO_ROOT_G1_SHA256)) {
        throw new IllegalStateException("pinned AWS Nitro root does not match its SHA-256: resource "
            + actual + ", .sha256 file " + recorded + ", code " + AWS_NITRO_ROOT_G1_SHA256);
      }
    } catch (CertificateException e) {
      throw new IllegalStateException("pinned AWS Nitro root is not a certificate", e);
    }
    return cert;
  }
}
