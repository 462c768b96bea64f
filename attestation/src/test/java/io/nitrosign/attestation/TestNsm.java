package io.nitrosign.attestation;

import com.upokecenter.cbor.CBORObject;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jcajce.provider.BouncyCastleFipsProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test-only CA and document signer producing documents in exactly the AWS format. */
final class TestNsm {
  static final BouncyCastleFipsProvider BCFIPS = new BouncyCastleFipsProvider();
  private static final AtomicLong SERIAL = new AtomicLong(1000);

  static KeyPair keyPair(String curve) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BCFIPS);
    g.initialize(new ECGenParameterSpec(curve));
    return g.generateKeyPair();
  }

  /** A certificate for {@code subject} signed by {@code issuerKey}. pathLen < -1 means "leaf", -1 "CA, no limit". */
  static X509Certificate cert(String subject, PublicKey key, String issuer, PrivateKey issuerKey,
      Instant notBefore, Instant notAfter, Integer caPathLen, boolean ca) throws Exception {
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
        BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
        new X500Name(subject), key);
    if (ca) {
      b.addExtension(Extension.basicConstraints, true,
          caPathLen == null ? new BasicConstraints(true) : new BasicConstraints(caPathLen));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
    } else {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    }
    return new JcaX509CertificateConverter().setProvider(BCFIPS).getCertificate(
        b.build(new JcaContentSignerBuilder("SHA384withECDSA").setProvider(BCFIPS).build(issuerKey)));
  }

  /** A root, one intermediate and a leaf, valid for a day around {@code now}. */
  static final class Ca {
    final KeyPair rootKey;
    final X509Certificate root;
    final KeyPair interKey;
    final X509Certificate inter;
    final KeyPair leafKey;
    final X509Certificate leaf;
    final Instant notBefore;
    final Instant notAfter;

    Ca(Instant now) throws Exception {
      notBefore = now.minus(Duration.ofHours(1));
      notAfter = now.plus(Duration.ofHours(3));
      rootKey = keyPair("secp384r1");
      root = cert("CN=test nitro root", rootKey.getPublic(), "CN=test nitro root", rootKey.getPrivate(),
          now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)), null, true);
      interKey = keyPair("secp384r1");
      inter = cert("CN=test intermediate", interKey.getPublic(), "CN=test nitro root",
          rootKey.getPrivate(), now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(7)), 0, true);
      leafKey = keyPair("secp384r1");
      leaf = cert("CN=test enclave", leafKey.getPublic(), "CN=test intermediate",
          interKey.getPrivate(), notBefore, notAfter, null, false);
    }
  }

  /** The payload map of a production-looking document (PCR0..15, PCR0 non-zero). */
  static CBORObject payload(Ca ca, Instant timestamp) throws Exception {
    CBORObject p = CBORObject.NewOrderedMap();
    p.Add("module_id", "i-0123456789abcdef0-enc0123456789abcdef");
    p.Add("digest", "SHA384");
    p.Add("timestamp", CBORObject.FromObject(timestamp.toEpochMilli()));
    CBORObject pcrs = CBORObject.NewOrderedMap();
    for (int i = 0; i < 16; i++) {
      byte[] v = new byte[48];
      if (i <= 2 || i == 8) {
        java.util.Arrays.fill(v, (byte) (0x10 + i));
      }
      pcrs.Add(CBORObject.FromObject(i), CBORObject.FromObject(v));
    }
    p.Add("pcrs", pcrs);
    p.Add("certificate", CBORObject.FromObject(ca.leaf.getEncoded()));
    CBORObject bundle = CBORObject.NewArray();
    bundle.Add(CBORObject.FromObject(ca.root.getEncoded()));
    bundle.Add(CBORObject.FromObject(ca.inter.getEncoded()));
    p.Add("cabundle", bundle);
    p.Add("public_key", CBORObject.Null);
    p.Add("user_data", CBORObject.FromObject(new byte[] {1, 2, 3}));
    p.Add("nonce", CBORObject.FromObject(new byte[] {9, 9, 9, 9}));
    return p;
  }

  static byte[] protectedEs384() {
    CBORObject h = CBORObject.NewMap();
    h.Add(CBORObject.FromObject(1), CBORObject.FromObject(-35));
    return h.EncodeToBytes();
  }

  /** Signs {@code payloadBytes} as a COSE_Sign1 with {@code key} (ES384, raw r||s), untagged. */
  static byte[] sign(byte[] protectedHeader, byte[] payloadBytes, PrivateKey key) throws Exception {
    CBORObject sigStructure = CBORObject.NewArray();
    sigStructure.Add("Signature1");
    sigStructure.Add(CBORObject.FromObject(protectedHeader));
    sigStructure.Add(CBORObject.FromObject(new byte[0]));
    sigStructure.Add(CBORObject.FromObject(payloadBytes));
    Signature s = Signature.getInstance("SHA384withECDSAinP1363Format", "SunEC");
    s.initSign(key);
    s.update(sigStructure.EncodeToBytes());
    byte[] sig = s.sign();
    CBORObject cose = CBORObject.NewArray();
    cose.Add(CBORObject.FromObject(protectedHeader));
    cose.Add(CBORObject.NewMap());
    cose.Add(CBORObject.FromObject(payloadBytes));
    cose.Add(CBORObject.FromObject(sig));
    return cose.EncodeToBytes();
  }

  static byte[] document(Ca ca, CBORObject payload) throws Exception {
    return sign(protectedEs384(), payload.EncodeToBytes(), ca.leafKey.getPrivate());
  }


  private TestNsm() {}
}
