package io.nitrosign.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.upokecenter.cbor.CBORObject;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Genuine AWS-signed documents through the full verifier. */
class RealDocumentsTest {
  private static final AttestationVerifier AWS = AttestationVerifier.awsNitro();
  private static final AttestationPolicy DEBUG_OK = AttestationPolicy.builder().allowDebug(true).build();
  private static final Set<Reason> TAMPER_REASONS = EnumSet.of(Reason.MALFORMED, Reason.BAD_SIGNATURE,
      Reason.UNSUPPORTED_ALGORITHM, Reason.TOO_LARGE);

  private static byte[] blocky() {
    return TestData.resource(TestData.BLOCKY_PROD);
  }

  private static byte[] evervault() {
    return TestData.resource(TestData.EVERVAULT_DEBUG);
  }

  private static Reason reason(byte[] doc, AttestationPolicy policy, Instant at) {
    return assertThrows(AttestationException.class, () -> AWS.verify(doc, policy, at)).reason();
  }

  @Test
  void pinnedRootMatchesItsPublishedFingerprint() throws Exception {
    assertEquals("641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b", AWS.rootSha256());
    assertEquals(AttestationVerifier.AWS_NITRO_ROOT_G1_SHA256, AWS.rootSha256());
    assertEquals("CN=aws.nitro-enclaves,OU=AWS,O=Amazon,C=US", AWS.root().getSubjectX500Principal().getName());
  }

  @Test
  void productionDocumentVerifiesAtItsTime() throws Exception {
    VerifiedAttestation v = AWS.verify(blocky(), AttestationPolicy.any(), TestData.BLOCKY_AT);
    AttestationDocument d = v.document();
    assertEquals("i-0a22e5c5f24d22174-enc0191cceb4289903f", d.moduleId());
    assertEquals(Instant.parse("2024-09-07T14:37:39.545Z"), d.timestamp());
    assertFalse(d.isDebug());
    assertEquals(1024, d.userData().orElseThrow().length);
    assertEquals(1024, d.nonce().orElseThrow().length);
    assertEquals(1024, d.publicKey().orElseThrow().length);
  }

  @Test
  void debugDocumentIsRefusedUnlessDebugAllowed() throws Exception {
    assertEquals(Reason.DEBUG_MODE, reason(evervault(), AttestationPolicy.any(), TestData.EVERVAULT_AT));
    AttestationDocument d = AWS.verify(evervault(), DEBUG_OK, TestData.EVERVAULT_AT).document();
    assertTrue(d.isDebug());
    assertEquals("i-0918f6c55e3b61d89-enc018aa8b8e2285d13", d.moduleId());
  }

  @Test
  void parseOnlyReadsEveryField() throws Exception {
    AttestationDocument d = AttestationDocument.parseUnverified(evervault());
    assertEquals("SHA384", d.digest());
    assertEquals(Instant.ofEpochMilli(1695049410860L), d.timestamp());
    assertEquals(16, d.pcrs().size());
    assertEquals(4, d.cabundle().size());
    assertArrayEquals(AWS.root().getEncoded(), d.cabundle().get(0));
    assertTrue(d.publicKey().isEmpty());
    assertEquals(256, d.nonce().orElseThrow().length);
    // user_data binds the TLS certificate's public key (SubjectPublicKeyInfo)
    X509Certificate tls = AttestationVerifier.readCertificate(
        TestData.resource("attestation/evervault_ga_2023-09-18_certificate.der"));
    assertArrayEquals(tls.getPublicKey().getEncoded(), d.userData().orElseThrow());
    AttestationDocument b = AttestationDocument.parseUnverified(blocky());
    assertEquals("e72a46ca80a260fb044a125442f0c7e331813bcbaf9724d9f3857758992766f2d65710a27aa94ae3949dd54e7c9fe86a",
        HexFormat.of().formatHex(b.pcrs().get(0)));
  }

  /** The chain's validity window: the latest notBefore and the earliest notAfter. */
  private static Instant[] window(byte[] doc) throws Exception {
    AttestationDocument d = AttestationDocument.parseUnverified(doc);
    List<byte[]> all = new ArrayList<>(d.cabundle());
    all.add(d.certificate());
    Instant from = Instant.MIN;
    Instant to = Instant.MAX;
    for (byte[] der : all) {
      X509Certificate c = AttestationVerifier.readCertificate(der);
      from = c.getNotBefore().toInstant().isAfter(from) ? c.getNotBefore().toInstant() : from;
      to = c.getNotAfter().toInstant().isBefore(to) ? c.getNotAfter().toInstant() : to;
    }
    return new Instant[] {from, to};
  }

  @Test
  void expiredOneSecondOutsideTheChainsValidity() throws Exception {
    for (byte[] doc : List.of(blocky(), evervault())) {
      Instant[] w = window(doc);
      AWS.verify(doc, DEBUG_OK, w[0]);
      AWS.verify(doc, DEBUG_OK, w[1]);
      assertEquals(Reason.EXPIRED, reason(doc, DEBUG_OK, w[0].minusSeconds(1)));
      assertEquals(Reason.EXPIRED, reason(doc, DEBUG_OK, w[1].plusSeconds(1)));
    }
    AttestationException e = assertThrows(AttestationException.class,
        () -> AWS.verify(blocky(), AttestationPolicy.any(), Instant.parse("2030-01-01T00:00:00Z")));
    assertEquals(Reason.EXPIRED, e.reason());
    assertTrue(e.getMessage().contains("expired"), e.getMessage());
  }

  @Test
  void pcrPolicyMatchesAndNamesTheMismatchingPcr() throws Exception {
    AttestationDocument d = AttestationDocument.parseUnverified(blocky());
    Map<Integer, byte[]> good = Map.of(0, d.pcrs().get(0), 1, d.pcrs().get(1), 2, d.pcrs().get(2),
        8, d.pcrs().get(8));
    AWS.verify(blocky(), AttestationPolicy.builder().addAllowedPcrSet(good).build(), TestData.BLOCKY_AT);

    byte[] wrong2 = d.pcrs().get(2);
    wrong2[47] ^= 1;
    Map<Integer, byte[]> bad = Map.of(0, d.pcrs().get(0), 1, d.pcrs().get(1), 2, wrong2);
    AttestationException e = assertThrows(AttestationException.class, () -> AWS.verify(blocky(),
        AttestationPolicy.builder().addAllowedPcrSet(bad).build(), TestData.BLOCKY_AT));
    assertEquals(Reason.PCR_MISMATCH, e.reason());
    assertTrue(e.getMessage().contains("PCR2"), e.getMessage());

    // upgrades: any one allowed set may match
    AWS.verify(blocky(), AttestationPolicy.builder().allowedPcrSets(List.of(bad, good)).build(),
        TestData.BLOCKY_AT);
    // a PCR the document lacks
    e = assertThrows(AttestationException.class, () -> AWS.verify(blocky(),
        AttestationPolicy.builder().addAllowedPcrSet(Map.of(0, d.pcrs().get(0), 20, new byte[48])).build(), TestData.BLOCKY_AT));
    assertTrue(e.getMessage().contains("PCR20"), e.getMessage());
  }

  @Test
  void boundValuesAndFreshness() throws Exception {
    byte[] ones = new byte[1024];
    Arrays.fill(ones, (byte) 1);
    AWS.verify(blocky(), AttestationPolicy.builder().expectNonce(ones).expectUserData(ones)
        .expectPublicKey(ones).maxAge(Duration.ofMinutes(5)).build(), TestData.BLOCKY_AT);
    byte[] other = ones.clone();
    other[1023] = 2;
    assertEquals(Reason.NONCE_MISMATCH, reason(blocky(), AttestationPolicy.builder().expectNonce(other).build(), TestData.BLOCKY_AT));
    assertEquals(Reason.USER_DATA_MISMATCH, reason(blocky(), AttestationPolicy.builder().expectUserData(other).build(), TestData.BLOCKY_AT));
    assertEquals(Reason.PUBLIC_KEY_MISMATCH, reason(blocky(), AttestationPolicy.builder().expectPublicKey(other).build(), TestData.BLOCKY_AT));
    // evervault has no public_key: expecting one fails
    assertEquals(Reason.PUBLIC_KEY_MISMATCH, reason(evervault(),
        AttestationPolicy.builder().allowDebug(true).expectPublicKey(ones).build(), TestData.EVERVAULT_AT));
    // the evervault document is 754 s old at its listed time
    assertEquals(Reason.TOO_OLD, reason(evervault(),
        AttestationPolicy.builder().allowDebug(true).maxAge(Duration.ofMinutes(5)).build(), TestData.EVERVAULT_AT));
    AWS.verify(evervault(), AttestationPolicy.builder().allowDebug(true).maxAge(Duration.ofMinutes(15)).build(),
        TestData.EVERVAULT_AT);
  }

  @Test
  void taggedAndUntaggedBothAccepted() throws Exception {
    byte[] untagged = blocky();
    assertEquals(0x84, untagged[0] & 0xff);
    byte[] tagged = new byte[untagged.length + 1];
    tagged[0] = (byte) 0xd2; // tag 18
    System.arraycopy(untagged, 0, tagged, 1, untagged.length);
    AWS.verify(tagged, AttestationPolicy.any(), TestData.BLOCKY_AT);
    AttestationDocument.parseUnverified(tagged);
    byte[] twice = new byte[tagged.length + 1];
    twice[0] = (byte) 0xd2;
    System.arraycopy(tagged, 0, twice, 1, tagged.length);
    assertEquals(Reason.MALFORMED, reason(twice, AttestationPolicy.any(), TestData.BLOCKY_AT));
    byte[] mac0 = tagged.clone();
    mac0[0] = (byte) 0xd1; // tag 17, COSE_Mac0
    assertEquals(Reason.MALFORMED, reason(mac0, AttestationPolicy.any(), TestData.BLOCKY_AT));
  }

  @Test
  void trailingBytesRejected() throws Exception {
    byte[] doc = blocky();
    for (byte extra : new byte[] {0x00, (byte) 0xf6, (byte) 0x84}) {
      byte[] longer = Arrays.copyOf(doc, doc.length + 1);
      longer[doc.length] = extra;
      assertEquals(Reason.MALFORMED, reason(longer, AttestationPolicy.any(), TestData.BLOCKY_AT));
      assertEquals(Reason.MALFORMED, assertThrows(AttestationException.class,
          () -> AttestationDocument.parseUnverified(longer)).reason());
    }
    // trailing bytes inside the payload byte string
    CBORObject cose = CBORObject.DecodeFromBytes(doc);
    byte[] payload = cose.get(2).GetByteString();
    CBORObject changed = CBORObject.NewArray();
    changed.Add(cose.get(0));
    changed.Add(cose.get(1));
    changed.Add(CBORObject.FromObject(Arrays.copyOf(payload, payload.length + 1)));
    changed.Add(cose.get(3));
    AttestationException e = assertThrows(AttestationException.class,
        () -> AttestationDocument.parseUnverified(changed.EncodeToBytes()));
    assertEquals(Reason.MALFORMED, e.reason());
    assertTrue(e.getMessage().contains("payload"), e.getMessage());
    // and a truncated document
    assertEquals(Reason.MALFORMED, reason(Arrays.copyOf(doc, doc.length - 1), AttestationPolicy.any(), TestData.BLOCKY_AT));
  }

  /** Offsets of the protected header, payload and signature contents inside the document. */
  private static int[] layout(byte[] doc) throws Exception {
    CBORObject cose = CBORObject.DecodeFromBytes(doc);
    byte[] prot = cose.get(0).GetByteString();
    byte[] payload = cose.get(2).GetByteString();
    byte[] sig = cose.get(3).GetByteString();
    int protOff = indexOf(doc, prot, 0);
    int payloadOff = indexOf(doc, payload, protOff + prot.length);
    int sigOff = doc.length - sig.length;
    assertArrayEquals(sig, Arrays.copyOfRange(doc, sigOff, doc.length));
    return new int[] {protOff, prot.length, payloadOff, payload.length, sigOff, sig.length};
  }

  private static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = from; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  private static void flipRange(byte[] doc, Instant at, int from, int len, int step, String what,
      Set<Reason> allowed, List<String> failures) {
    for (int i = from; i < from + len; i += step) {
      for (int bit : new int[] {(i & 1) == 0 ? 0x01 : 0x80}) {
        byte[] t = doc.clone();
        t[i] ^= (byte) bit;
        try {
          AWS.verify(t, DEBUG_OK, at);
          failures.add(what + " byte " + (i - from) + " bit " + bit + ": accepted");
        } catch (AttestationException e) {
          if (!allowed.contains(e.reason())) {
            failures.add(what + " byte " + (i - from) + ": " + e.getMessage());
          }
        }
      }
    }
  }

  @Test
  void flippingAnyBitOfSignatureProtectedHeaderOrPayloadFails() throws Exception {
    List<String> failures = new ArrayList<>();
    for (byte[] doc : List.of(blocky(), evervault())) {
      Instant at = doc.length > 6000 ? TestData.BLOCKY_AT : TestData.EVERVAULT_AT;
      int[] l = layout(doc);
      flipRange(doc, at, l[4], l[5], 1, "signature", EnumSet.of(Reason.BAD_SIGNATURE), failures);
      flipRange(doc, at, l[0], l[1], 1, "protected", TAMPER_REASONS, failures);
      // every byte of the payload's first 512 bytes (map header, module_id, digest, timestamp,
      // pcrs), then every 7th byte (certificates, cabundle, optional fields)
      flipRange(doc, at, l[2], 512, 1, "payload", TAMPER_REASONS, failures);
      flipRange(doc, at, l[2] + 512, l[3] - 512, 7, "payload", TAMPER_REASONS, failures);
      // and the COSE framing bytes themselves
      flipRange(doc, at, 0, l[0], 1, "header", TAMPER_REASONS, failures);
    }
    assertTrue(failures.isEmpty(), failures.size() + " failures: " + failures.subList(0, Math.min(20, failures.size())));
  }

  @Test
  void otherRootDoesNotTrustAwsDocuments() throws Exception {
    TestNsm.Ca ca = new TestNsm.Ca(TestData.BLOCKY_AT);
    AttestationException e = assertThrows(AttestationException.class, () ->
        AttestationVerifier.withRoot(ca.root).verify(blocky(), AttestationPolicy.any(), TestData.BLOCKY_AT));
    assertEquals(Reason.UNTRUSTED_CHAIN, e.reason());
    assertTrue(e.getMessage().contains("cabundle[0]"), e.getMessage());
  }
}
