package io.nitrosign.enclave.kms;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * TEST ONLY: a throw-away certificate authority (EC P-256, made with bcpkix) and TLS server
 * contexts whose certificate it issues for 127.0.0.1 and localhost.
 */
public final class TlsTestCa {

  private static final char[] PASSWORD = "test".toCharArray();

  private final KeyPair key;
  private final X509Certificate certificate;
  private long serial = 1;

  public TlsTestCa(String name) throws Exception {
    key = ecKey();
    X500Name subject = new X500Name("CN=" + name);
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, BigInteger.ONE,
        Date.from(Instant.now().minus(Duration.ofHours(1))),
        Date.from(Instant.now().plus(Duration.ofDays(1))), subject, key.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true,
        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    certificate = new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** A TLS server context with a fresh key and a certificate for 127.0.0.1 from this CA. */
  public SSLContext serverContext() throws Exception {
    KeyPair leafKey = ecKey();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
        new X500Name(certificate.getSubjectX500Principal().getName()),
        BigInteger.valueOf(++serial), Date.from(Instant.now().minus(Duration.ofHours(1))),
        Date.from(Instant.now().plus(Duration.ofDays(1))), new X500Name("CN=127.0.0.1"),
        leafKey.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    b.addExtension(Extension.extendedKeyUsage, false,
        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
        new GeneralName(GeneralName.dNSName, "localhost")}));
    X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", leafKey.getPrivate(), PASSWORD, new Certificate[] {leaf, certificate});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  private static KeyPair ecKey() throws Exception {
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
    kpg.initialize(256);
    return kpg.generateKeyPair();
  }
}
