package io.nitrosign.enclave.nsm;

import io.nitrosign.chains.Pem;
import io.nitrosign.enclave.crypto.BcFipsSetup;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jcajce.provider.BouncyCastleFipsProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * LOCAL MODE ONLY: the simulated NSM's root CA, which stands in for the AWS Nitro Enclaves root.
 * The devkit creates it once under {@code .local/} ({@code root.pem}: the self-signed P-384
 * certificate; {@code root.key}: its PKCS#8 private key, mode 0600) and tells verifiers to trust
 * it explicitly. Nothing about it is trustworthy outside one developer's machine.
 *
 * <pre>
 * java -cp enclave-app.jar io.nitrosign.enclave.nsm.SimulatedNsmCa init DIR   # create if absent
 * java -cp enclave-app.jar io.nitrosign.enclave.nsm.SimulatedNsmCa pcr0       # expected PCR0, hex
 * </pre>
 */
public final class SimulatedNsmCa {

  public static final String ROOT_CERT = "root.pem";
  public static final String ROOT_KEY = "root.key";
  static final String PROVIDER = "BCFIPS";
  static final String SIGNATURE_ALGORITHM = "SHA384withECDSA";
  static final String ROOT_SUBJECT =
      "CN=nitrosign simulated NSM root (LOCAL MODE - NOT AWS),O=nitrosign devkit";
  private static final Duration ROOT_VALIDITY = Duration.ofDays(3650);

  private SimulatedNsmCa() {}

  /** A certificate and its private key. */
  record Authority(X509Certificate certificate, PrivateKey key) {}

  /** Registers the BC-FIPS JCA provider once. */
  static void installProvider() {
    synchronized (SimulatedNsmCa.class) {
      if (Security.getProvider(PROVIDER) == null) {
        Security.addProvider(new BouncyCastleFipsProvider());
      }
    }
  }

  /**
   * Creates the root CA in {@code dir} unless both files already exist there (then they are
   * reused and checked to belong together). The directory is created 0700, the key file 0600.
   */
  public static void initIfAbsent(Path dir) throws IOException, GeneralSecurityException {
    installProvider();
    Path cert = dir.resolve(ROOT_CERT);
    Path key = dir.resolve(ROOT_KEY);
    if (Files.exists(cert) && Files.exists(key)) {
      load(dir);
      return;
    }
    if (Files.exists(cert) || Files.exists(key)) {
      throw new IOException("half a simulated NSM root CA in " + dir + ": remove it or restore it");
    }
    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwx------")));
    SecureRandom random = Drbg.create(new OsSeedSource());
    KeyPair pair = newP384(random);
    Instant now = Instant.now();
    X509Certificate root = issue(new X500Name(ROOT_SUBJECT), pair.getPublic(),
        new X500Name(ROOT_SUBJECT), pair.getPrivate(), null, now.minus(Duration.ofHours(1)),
        now.plus(ROOT_VALIDITY), true, random);
    byte[] pkcs8 = pair.getPrivate().getEncoded();
    try {
      Pem.writeAtomically(key, Pem.encode("PRIVATE KEY", pkcs8), true);
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
    Pem.writeAtomically(cert, Pem.encode("CERTIFICATE", root.getEncoded()), false);
  }

  /** Loads the root CA from {@code dir}; fails if the key does not match the certificate. */
  static Authority load(Path dir) throws IOException, GeneralSecurityException {
    installProvider();
    byte[] certDer = Pem.decode(Files.readString(dir.resolve(ROOT_CERT), StandardCharsets.US_ASCII),
        "CERTIFICATE");
    X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509", PROVIDER)
        .generateCertificate(new ByteArrayInputStream(certDer));
    byte[] keyDer = Pem.decode(Files.readString(dir.resolve(ROOT_KEY), StandardCharsets.US_ASCII),
        "PRIVATE KEY");
    PrivateKey key;
    try {
      key = KeyFactory.getInstance("EC", PROVIDER).generatePrivate(new PKCS8EncodedKeySpec(keyDer));
    } finally {
      Arrays.fill(keyDer, (byte) 0);
    }
    // the pair must belong together: sign and verify a probe
    java.security.Signature s = java.security.Signature.getInstance(SIGNATURE_ALGORITHM, PROVIDER);
    s.initSign(key);
    byte[] probe = "nitrosign simulated root probe".getBytes(StandardCharsets.US_ASCII);
    s.update(probe);
    byte[] sig = s.sign();
    java.security.Signature v = java.security.Signature.getInstance(SIGNATURE_ALGORITHM, PROVIDER);
    v.initVerify(cert.getPublicKey());
    v.update(probe);
    if (!v.verify(sig)) {
      throw new GeneralSecurityException("root.key does not match root.pem");
    }
    cert.checkValidity();
    return new Authority(cert, key);
  }

  static KeyPair newP384(SecureRandom random) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", PROVIDER);
    g.initialize(new ECGenParameterSpec("secp384r1"), random);
    return g.generateKeyPair();
  }

  /**
   * Issues an X.509 v3 certificate signed with ECDSA/SHA-384, shaped like the AWS chain: CA
   * certificates have critical basicConstraints CA:TRUE (pathlen 0 below the root when
   * {@code issuerCert} is given) and critical keyCertSign|cRLSign; the leaf has critical
   * CA:FALSE and digitalSignature|nonRepudiation.
   */
  static X509Certificate issue(X500Name subject, PublicKey subjectKey, X500Name issuer,
      PrivateKey issuerKey, X509Certificate issuerCert, Instant notBefore, Instant notAfter,
      boolean ca, SecureRandom random) throws GeneralSecurityException {
    byte[] serial = new byte[16];
    random.nextBytes(serial);
    serial[0] &= 0x7F;
    serial[0] |= 0x01;
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
          new BigInteger(serial), Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
      if (ca) {
        b.addExtension(Extension.basicConstraints, true,
            issuerCert == null ? new BasicConstraints(true) : new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, false,
            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
      }
      b.addExtension(Extension.subjectKeyIdentifier, false,
          ext.createSubjectKeyIdentifier(subjectKey));
      if (issuerCert != null) {
        b.addExtension(Extension.authorityKeyIdentifier, false,
            ext.createAuthorityKeyIdentifier(issuerCert));
      }
      return new JcaX509CertificateConverter().setProvider(PROVIDER).getCertificate(
          b.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).setProvider(PROVIDER)
              .build(issuerKey)));
    } catch (CertIOException | OperatorCreationException e) {
      throw new GeneralSecurityException("cannot issue certificate", e);
    }
  }

  /** {@code init DIR}, {@code pcr0}, or {@code pcr N} (the simulated device's PCR N, hex). */
  public static void main(String[] args) throws Exception {
    BcFipsSetup.preferJavaImplementation();
    if (args.length == 2 && args[0].equals("init")) {
      initIfAbsent(Path.of(args[1]));
      System.out.println(Path.of(args[1]).resolve(ROOT_CERT));
    } else if (args.length == 1 && args[0].equals("pcr0")) {
      System.out.println(HexFormat.of().formatHex(SimulatedNsmDevice.measurePcr0()));
    } else if (args.length == 2 && args[0].equals("pcr") && args[1].matches("[0-9]|1[0-5]")) {
      System.out.println(HexFormat.of().formatHex(
          SimulatedNsmDevice.simulatedPcr(Integer.parseInt(args[1]))));
    } else {
      System.err.println("usage: SimulatedNsmCa init DIR | pcr0 | pcr N");
      System.exit(2);
    }
  }
}
