package io.nitrosign.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.upokecenter.cbor.CBORObject;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Documents in the AWS format signed by a locally generated CA (as the simulated NSM does). */
class LocalTrustTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  private static TestNsm.Ca ca;
  private static AttestationVerifier local;

  @BeforeAll
  static void setUp() throws Exception {
    ca = new TestNsm.Ca(NOW);
    local = AttestationVerifier.withRoot(ca.root);
  }

  private static AttestationException fails(byte[] doc) {
    return assertThrows(AttestationException.class, () -> local.verify(doc, AttestationPolicy.any(), NOW));
  }

  private static AttestationException failsWith(Reason reason, byte[] doc, String inMessage) {
    AttestationException e = fails(doc);
    assertEquals(reason, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(inMessage), e.getMessage());
    return e;
  }

  @Test
  void localDocumentVerifiesWithItsRootOnly() throws Exception {
    byte[] doc = TestNsm.document(ca, TestNsm.payload(ca, NOW));
    AttestationDocument d = local.verify(doc, AttestationPolicy.any(), NOW).document();
    assertEquals("i-0123456789abcdef0-enc0123456789abcdef", d.moduleId());
    assertTrue(d.publicKey().isEmpty()); // null is "absent"
    AttestationException e = assertThrows(AttestationException.class,
        () -> AttestationVerifier.awsNitro().verify(doc, AttestationPolicy.any(), NOW));
    assertEquals(Reason.UNTRUSTED_CHAIN, e.reason());
    assertEquals(Reason.EXPIRED, assertThrows(AttestationException.class,
        () -> local.verify(doc, AttestationPolicy.any(), ca.notAfter.plusSeconds(1))).reason());
  }

  @Test
  void freshnessAgainstTheVerificationTime() throws Exception {
    byte[] doc = TestNsm.document(ca, TestNsm.payload(ca, NOW));
    AttestationPolicy fresh = AttestationPolicy.builder().maxAge(Duration.ofMinutes(5)).build();
    local.verify(doc, fresh, NOW.plus(Duration.ofMinutes(5)));
    assertEquals(Reason.TOO_OLD, assertThrows(AttestationException.class,
        () -> local.verify(doc, fresh, NOW.plus(Duration.ofMinutes(6)))).reason());
    assertEquals(Reason.TIMESTAMP_IN_FUTURE, assertThrows(AttestationException.class,
        () -> local.verify(doc, fresh, NOW.minus(Duration.ofMinutes(2)))).reason());
  }

  @Test
  void signatureByAnotherKeyIsBad() throws Exception {
    KeyPair other = TestNsm.keyPair("secp384r1");
    byte[] doc = TestNsm.sign(TestNsm.protectedEs384(), TestNsm.payload(ca, NOW).EncodeToBytes(), other.getPrivate());
    failsWith(Reason.BAD_SIGNATURE, doc, "signature");
  }

  @Test
  void otherAlgorithmsAreRefused() throws Exception {
    CBORObject h = CBORObject.NewMap();
    h.Add(CBORObject.FromObject(1), CBORObject.FromObject(-7)); // ES256
    byte[] doc = TestNsm.sign(h.EncodeToBytes(), TestNsm.payload(ca, NOW).EncodeToBytes(), ca.leafKey.getPrivate());
    failsWith(Reason.UNSUPPORTED_ALGORITHM, doc, "alg");
    byte[] noAlg = TestNsm.sign(CBORObject.NewMap().EncodeToBytes(), TestNsm.payload(ca, NOW).EncodeToBytes(), ca.leafKey.getPrivate());
    failsWith(Reason.MALFORMED, noAlg, "alg missing");
    CBORObject p = TestNsm.payload(ca, NOW);
    p.Set("digest", "SHA256");
    failsWith(Reason.UNSUPPORTED_ALGORITHM, TestNsm.document(ca, p), "digest");
  }

  @Test
  void signedTrailingBytesInsidePayloadAreRefused() throws Exception {
    byte[] payload = TestNsm.payload(ca, NOW).EncodeToBytes();
    byte[] longer = java.util.Arrays.copyOf(payload, payload.length + 1);
    failsWith(Reason.MALFORMED, TestNsm.sign(TestNsm.protectedEs384(), longer, ca.leafKey.getPrivate()), "payload");
  }

  @Test
  void fieldTypesAndPresence() throws Exception {
    String[][] cases = {
        {"module_id", "int"}, {"module_id", "empty"}, {"digest", "int"}, {"timestamp", "negative"},
        {"timestamp", "text"}, {"pcrs", "array"}, {"certificate", "text"}, {"cabundle", "bstr"},
        {"cabundle", "emptyArray"}, {"nonce", "int"}, {"user_data", "text"}, {"public_key", "true"},
        {"unknown_field", "int"}};
    for (String[] c : cases) {
      CBORObject p = TestNsm.payload(ca, NOW);
      CBORObject v = switch (c[1]) {
        case "int" -> CBORObject.FromObject(7);
        case "empty" -> CBORObject.FromObject("");
        case "negative" -> CBORObject.FromObject(-1);
        case "text" -> CBORObject.FromObject("x");
        case "array", "emptyArray" -> CBORObject.NewArray();
        case "bstr" -> CBORObject.FromObject(new byte[] {1});
        case "true" -> CBORObject.True;
        default -> throw new AssertionError();
      };
      p.Set(c[0], v);
      failsWith(Reason.MALFORMED, TestNsm.document(ca, p), c[0]);
    }
    for (String required : new String[] {"module_id", "digest", "timestamp", "pcrs", "certificate", "cabundle"}) {
      CBORObject p = TestNsm.payload(ca, NOW);
      p.Remove(CBORObject.FromObject(required));
      failsWith(Reason.MALFORMED, TestNsm.document(ca, p), required + ": missing");
    }
    for (String optional : new String[] {"public_key", "user_data", "nonce"}) {
      CBORObject p = TestNsm.payload(ca, NOW);
      p.Remove(CBORObject.FromObject(optional));
      local.verify(TestNsm.document(ca, p), AttestationPolicy.any(), NOW);
    }
  }

  @Test
  void pcrShapes() throws Exception {
    CBORObject p = TestNsm.payload(ca, NOW);
    p.get("pcrs").Set(CBORObject.FromObject(3), CBORObject.FromObject(new byte[47]));
    failsWith(Reason.MALFORMED, TestNsm.document(ca, p), "PCR3");
    p = TestNsm.payload(ca, NOW);
    p.get("pcrs").Set(CBORObject.FromObject(32), CBORObject.FromObject(new byte[48]));
    failsWith(Reason.MALFORMED, TestNsm.document(ca, p), "pcrs");
    p = TestNsm.payload(ca, NOW);
    p.get("pcrs").Remove(CBORObject.FromObject(0));
    failsWith(Reason.MALFORMED, TestNsm.document(ca, p), "PCR0");
    p = TestNsm.payload(ca, NOW);
    p.get("pcrs").Set(CBORObject.FromObject(0), CBORObject.FromObject(new byte[48]));
    failsWith(Reason.DEBUG_MODE, TestNsm.document(ca, p), "PCR0");
  }

  @Test
  void sizeLimits() throws Exception {
    for (String field : new String[] {"public_key", "user_data", "nonce"}) {
      CBORObject p = TestNsm.payload(ca, NOW);
      p.Set(field, CBORObject.FromObject(new byte[1024]));
      local.verify(TestNsm.document(ca, p), AttestationPolicy.any(), NOW);
      p.Set(field, CBORObject.FromObject(new byte[1025]));
      failsWith(Reason.TOO_LARGE, TestNsm.document(ca, p), field);
    }
    CBORObject p = TestNsm.payload(ca, NOW);
    CBORObject bundle = p.get("cabundle");
    for (int i = 0; i < 7; i++) {
      bundle.Add(CBORObject.FromObject(ca.inter.getEncoded()));
    }
    failsWith(Reason.TOO_LARGE, TestNsm.document(ca, p), "cabundle");
    p = TestNsm.payload(ca, NOW);
    p.Set("user_data", CBORObject.FromObject(new byte[17000]));
    failsWith(Reason.TOO_LARGE, TestNsm.document(ca, p), "document");
  }

  @Test
  void chainConstraints() throws Exception {
    // a leaf that is itself a CA
    X509Certificate caLeaf = TestNsm.cert("CN=test enclave", ca.leafKey.getPublic(), "CN=test intermediate",
        ca.interKey.getPrivate(), ca.notBefore, ca.notAfter, null, true);
    CBORObject p = TestNsm.payload(ca, NOW);
    p.Set("certificate", CBORObject.FromObject(caLeaf.getEncoded()));
    failsWith(Reason.UNTRUSTED_CHAIN, TestNsm.document(ca, p), "is a CA");

    // a leaf signed by a key other than the intermediate's
    KeyPair rogue = TestNsm.keyPair("secp384r1");
    X509Certificate forged = TestNsm.cert("CN=test enclave", ca.leafKey.getPublic(), "CN=test intermediate",
        rogue.getPrivate(), ca.notBefore, ca.notAfter, null, false);
    p = TestNsm.payload(ca, NOW);
    p.Set("certificate", CBORObject.FromObject(forged.getEncoded()));
    failsWith(Reason.UNTRUSTED_CHAIN, TestNsm.document(ca, p), "certificate: signature");

    // the intermediate missing: leaf issuer is not the root
    p = TestNsm.payload(ca, NOW);
    p.get("cabundle").RemoveAt(1);
    failsWith(Reason.UNTRUSTED_CHAIN, TestNsm.document(ca, p), "issuer");

    // path length: intermediate (pathLen 0) followed by another CA
    KeyPair k2 = TestNsm.keyPair("secp384r1");
    X509Certificate inter2 = TestNsm.cert("CN=test intermediate 2", k2.getPublic(), "CN=test intermediate",
        ca.interKey.getPrivate(), ca.notBefore, ca.notAfter, null, true);
    X509Certificate leaf2 = TestNsm.cert("CN=test enclave", ca.leafKey.getPublic(), "CN=test intermediate 2",
        k2.getPrivate(), ca.notBefore, ca.notAfter, null, false);
    p = TestNsm.payload(ca, NOW);
    p.get("cabundle").Add(CBORObject.FromObject(inter2.getEncoded()));
    p.Set("certificate", CBORObject.FromObject(leaf2.getEncoded()));
    failsWith(Reason.UNTRUSTED_CHAIN, TestNsm.document(ca, p), "path length");

    // a P-256 leaf cannot make ES384 signatures
    KeyPair p256 = TestNsm.keyPair("secp256r1");
    X509Certificate leaf256 = TestNsm.cert("CN=test enclave", p256.getPublic(), "CN=test intermediate",
        ca.interKey.getPrivate(), ca.notBefore, ca.notAfter, null, false);
    p = TestNsm.payload(ca, NOW);
    p.Set("certificate", CBORObject.FromObject(leaf256.getEncoded()));
    failsWith(Reason.UNSUPPORTED_ALGORITHM, TestNsm.document(ca, p), "P-384");

    // a certificate that is not DER
    p = TestNsm.payload(ca, NOW);
    p.Set("certificate", CBORObject.FromObject(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}));
    failsWith(Reason.MALFORMED, TestNsm.document(ca, p), "certificate");
  }
}
