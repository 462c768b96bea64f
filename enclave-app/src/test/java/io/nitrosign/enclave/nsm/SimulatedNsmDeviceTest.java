package io.nitrosign.enclave.nsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.upokecenter.cbor.CBOREncodeOptions;
import com.upokecenter.cbor.CBORObject;
import com.upokecenter.cbor.CBORType;
import io.nitrosign.enclave.crypto.SeedSource;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatedNsmDeviceTest {

  /** A genuine AWS document (see /work/shared/testdata/README.md), copied into test resources. */
  private static final String REAL_DOCUMENT = "/attestation/evervault_ga_2023-09-18_debug.cbor";
  private static final CBOREncodeOptions KEEP_ORDER = new CBOREncodeOptions("keepkeyorder=true");

  @TempDir static Path caDir;
  private static SimulatedNsmDevice nsm;

  @BeforeAll
  static void boot() throws Exception {
    SimulatedNsmCa.initIfAbsent(caDir);
    nsm = new SimulatedNsmDevice(caDir, true);
  }

  @AfterAll
  static void shutdown() {
    nsm.close();
  }

  private static CBORObject decode(byte[] b) {
    return CBORObject.DecodeFromBytes(b, KEEP_ORDER);
  }

  private static List<String> keys(CBORObject map) {
    List<String> out = new ArrayList<>();
    for (CBORObject k : map.getKeys()) {
      out.add(k.getType() == CBORType.TextString ? k.AsString() : k.toString());
    }
    return out;
  }

  /** The shape of a document: COSE structure, payload keys in order, and the type of each. */
  private static List<String> shape(byte[] document) {
    List<String> s = new ArrayList<>();
    CBORObject cose = decode(document);
    s.add("tagged=" + cose.isTagged() + " " + cose.getType() + "[" + cose.size() + "]");
    for (int i = 0; i < cose.size(); i++) {
      s.add(i + ":" + cose.get(i).getType());
    }
    s.add("protected=" + decode(cose.get(0).GetByteString()));
    s.add("unprotected size=" + cose.get(1).size());
    s.add("signature bytes=" + cose.get(3).GetByteString().length);
    CBORObject payload = decode(cose.get(2).GetByteString());
    s.add("payload keys=" + keys(payload));
    s.add("digest=" + payload.get("digest").AsString());
    s.add("timestamp=" + payload.get("timestamp").getType());
    CBORObject pcrs = payload.get("pcrs");
    s.add("pcr keys=" + keys(pcrs));
    for (CBORObject v : pcrs.getValues()) {
      s.add("pcr " + v.getType() + " " + v.GetByteString().length);
    }
    s.add("certificate=" + payload.get("certificate").getType());
    s.add("cabundle=" + payload.get("cabundle").getType());
    // AWS's bundle is root + 3 intermediates (zonal, instance); ours is root + 1. Same types.
    java.util.Set<CBORType> entryTypes = new java.util.HashSet<>();
    for (CBORObject c : payload.get("cabundle").getValues()) {
      entryTypes.add(c.getType());
    }
    s.add("cabundle entries " + entryTypes + (payload.get("cabundle").size() >= 2 ? " >=2" : ""));
    return s;
  }

  @Test
  void documentHasExactlyTheAwsStructure() throws Exception {
    byte[] real;
    try (var in = SimulatedNsmDeviceTest.class.getResourceAsStream(REAL_DOCUMENT)) {
      real = in.readAllBytes();
    }
    byte[] ours = nsm.attestation(new byte[] {1}, null, null);
    // the real one has public_key null, user_data and nonce set; ours here: user_data only
    assertEquals(shape(real), shape(ours));
    CBORObject r = decode(decode(real).get(2).GetByteString());
    CBORObject o = decode(decode(ours).get(2).GetByteString());
    assertEquals(List.of("module_id", "digest", "timestamp", "pcrs", "certificate", "cabundle",
        "public_key", "user_data", "nonce"), keys(o));
    assertTrue(r.get("public_key").isNull());
    assertTrue(o.get("public_key").isNull());
    assertTrue(o.get("nonce").isNull());
    // the same header bytes as AWS: a1 01 38 22
    assertArrayEquals(decode(real).get(0).GetByteString(), decode(ours).get(0).GetByteString());
    assertTrue(o.get("module_id").AsString().startsWith("i-simulated-enc"));
  }

  @Test
  void signatureVerifiesWithTheLeafAndTheChainToTheRoot() throws Exception {
    byte[] doc = nsm.attestation(null, "nonce".getBytes(StandardCharsets.US_ASCII), null);
    CBORObject cose = decode(doc);
    byte[] protectedHeader = cose.get(0).GetByteString();
    byte[] payloadBytes = cose.get(2).GetByteString();
    byte[] sig = cose.get(3).GetByteString();
    assertEquals(96, sig.length);
    CBORObject payload = decode(payloadBytes);
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    X509Certificate leaf = (X509Certificate) cf.generateCertificate(
        new ByteArrayInputStream(payload.get("certificate").GetByteString()));
    List<X509Certificate> bundle = new ArrayList<>();
    for (CBORObject c : payload.get("cabundle").getValues()) {
      bundle.add((X509Certificate) cf.generateCertificate(
          new ByteArrayInputStream(c.GetByteString())));
    }
    // Sig_structure built independently here: ["Signature1", protected, h'', payload]
    byte[] sigStructure = CBORObject.NewArray().Add("Signature1").Add(protectedHeader)
        .Add(new byte[0]).Add(payloadBytes).EncodeToBytes();
    byte[] der = new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
        new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(sig, 0, 48))),
        new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(sig, 48, 96)))}).getEncoded();
    Signature v = Signature.getInstance("SHA384withECDSA");
    v.initVerify(leaf.getPublicKey());
    v.update(sigStructure);
    assertTrue(v.verify(der));
    // one flipped payload byte breaks it
    byte[] tampered = sigStructure.clone();
    tampered[tampered.length - 1] ^= 1;
    v.initVerify(leaf.getPublicKey());
    v.update(tampered);
    assertFalse(v.verify(der));

    // chain: cabundle = [root, intermediate]; PKIX from the devkit root at the document's time
    assertEquals(2, bundle.size());
    X509Certificate root = bundle.get(0);
    assertEquals(nsm.rootCertificate(), root);
    assertArrayEquals(Files.readAllBytes(caDir.resolve("root.pem")),
        io.nitrosign.chains.Pem.encode("CERTIFICATE", root.getEncoded()).getBytes(StandardCharsets.US_ASCII));
    List<X509Certificate> path = new ArrayList<>(List.of(leaf));
    for (int i = bundle.size() - 1; i >= 1; i--) {
      path.add(bundle.get(i));
    }
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    params.setRevocationEnabled(false);
    params.setDate(new Date(payload.get("timestamp").AsInt64Value()));
    CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(path), params);
    assertEquals(-1, leaf.getBasicConstraints());
    assertEquals(0, bundle.get(1).getBasicConstraints());
    long hours = (leaf.getNotAfter().getTime() - leaf.getNotBefore().getTime()) / 3_600_000L;
    assertTrue(hours >= 2 && hours <= 4, "leaf validity of a few hours");
    assertEquals("1.2.840.10045.4.3.3", leaf.getSigAlgOID()); // ecdsa-with-SHA384
  }

  @Test
  void pcrsAreTheMeasuredCodeAndFixedLabels() throws Exception {
    CBORObject pcrs = decode(decode(nsm.attestation(null, null, null)).get(2).GetByteString())
        .get("pcrs");
    byte[] pcr0 = SimulatedNsmDevice.measurePcr0();
    assertArrayEquals(pcr0, pcrs.get(0).GetByteString());
    assertArrayEquals(pcr0, SimulatedNsmDevice.measurePcr0(), "deterministic");
    MessageDigest sha384 = MessageDigest.getInstance("SHA-384");
    assertArrayEquals(sha384.digest("nitrosign-simulated-kernel".getBytes(StandardCharsets.US_ASCII)),
        pcrs.get(1).GetByteString());
    assertArrayEquals(sha384.digest(
        "nitrosign-simulated-application".getBytes(StandardCharsets.US_ASCII)),
        pcrs.get(2).GetByteString());
    for (int i : new int[] {3, 4, 8, 15}) {
      assertArrayEquals(new byte[48], pcrs.get(i).GetByteString());
    }
    assertArrayEquals(pcr0, nsm.describePcr(0).data());
    assertTrue(nsm.describePcr(0).locked());
    assertFalse(nsm.describePcr(20).locked());
    assertEquals(NsmException.Code.INVALID_INDEX,
        assertThrows(NsmException.class, () -> nsm.describePcr(32)).code());
  }

  @Test
  void fieldsRoundTrip() throws Exception {
    byte[] userData = new byte[1024];
    byte[] nonce = new byte[512];
    byte[] publicKey = new byte[91];
    Arrays.fill(userData, (byte) 0x55);
    Arrays.fill(nonce, (byte) 0x66);
    Arrays.fill(publicKey, (byte) 0x77);
    CBORObject p = decode(decode(nsm.attestation(userData, nonce, publicKey)).get(2)
        .GetByteString());
    assertArrayEquals(userData, p.get("user_data").GetByteString());
    assertArrayEquals(nonce, p.get("nonce").GetByteString());
    assertArrayEquals(publicKey, p.get("public_key").GetByteString());
    long now = System.currentTimeMillis();
    assertTrue(Math.abs(now - p.get("timestamp").AsInt64Value()) < 60_000);
  }

  @Test
  void oversizeFieldsAreInputTooLarge() throws Exception {
    byte[] big = new byte[NsmDevice.MAX_FIELD_BYTES + 1];
    for (int i = 0; i < 3; i++) {
      byte[][] args = new byte[3][];
      args[i] = big;
      NsmException e = assertThrows(NsmException.class,
          () -> nsm.attestation(args[0], args[1], args[2]));
      assertEquals(NsmException.Code.INPUT_TOO_LARGE, e.code());
    }
    // the module itself refuses too (bypassing the client-side check)
    byte[] response = nsm.exchange(NsmCodec.encodeAttestationRequest(big, null, null));
    assertArrayEquals(NsmCodec.encodeErrorResponse(NsmException.Code.INPUT_TOO_LARGE), response);
    // and garbage is InvalidArgument, as an NSM error response
    assertArrayEquals(NsmCodec.encodeErrorResponse(NsmException.Code.INVALID_ARGUMENT),
        nsm.exchange(new byte[] {0x01}));
  }

  @Test
  void refusesWithoutLocalMode() {
    assertThrows(IllegalStateException.class, () -> new SimulatedNsmDevice(caDir, false));
  }

  @Test
  void randomDescribeAndSeeding() throws Exception {
    byte[] a = nsm.getRandom();
    byte[] b = nsm.getRandom();
    assertEquals(256, a.length);
    assertNotEquals(Arrays.toString(a), Arrays.toString(b));
    NsmDevice.Description d = nsm.describeNsm();
    assertEquals("SHA384", d.digest());
    assertEquals(32, d.maxPcrs());
    assertTrue(d.moduleId().startsWith("i-simulated-enc"));
    assertEquals("simulated", nsm.kind());
    SeedSource seed = new NsmSeedSource(nsm);
    assertEquals(1000, seed.seed(1000).length);
    assertEquals("nsm-simulated", seed.name());
  }

  @Test
  void rootCaIsReusedAndItsKeyIsPrivate(@TempDir Path dir) throws Exception {
    Path ca = dir.resolve("ca");
    SimulatedNsmCa.initIfAbsent(ca);
    byte[] first = Files.readAllBytes(ca.resolve("root.pem"));
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(ca.resolve("root.key"))));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ca)));
    assertTrue(Files.readString(ca.resolve("root.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
    SimulatedNsmCa.initIfAbsent(ca);
    assertArrayEquals(first, Files.readAllBytes(ca.resolve("root.pem")));
    X509Certificate root = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(io.nitrosign.chains.Pem.decode(
            new String(first, StandardCharsets.US_ASCII), "CERTIFICATE")));
    root.verify(root.getPublicKey());
    assertTrue(root.getBasicConstraints() >= 0);
    // a key that does not match the certificate is refused
    Path other = dir.resolve("other");
    SimulatedNsmCa.initIfAbsent(other);
    Files.copy(other.resolve("root.key"), ca.resolve("root.key"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThrows(java.security.GeneralSecurityException.class,
        () -> SimulatedNsmCa.initIfAbsent(ca));
  }

  @Test
  void closedDeviceIsUnavailable() throws Exception {
    SimulatedNsmDevice d = new SimulatedNsmDevice(caDir, true);
    d.close();
    assertEquals(NsmException.Code.DEVICE_UNAVAILABLE,
        assertThrows(NsmException.class, d::getRandom).code());
  }
}
