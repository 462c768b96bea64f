package io.nitrosign.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.upokecenter.cbor.CBORObject;
import io.nitrosign.attestation.AttestedSignatureException.Failure;
import io.nitrosign.chains.AttestationPurpose;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Both forms of attested signatures, and every alteration a client must catch. */
class AttestedSignatureVerifierTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String WALLET = "n23m5p4wdmo50odzz9grg5b2";
  private static final byte[] NONCE = "client nonce 0001".getBytes(StandardCharsets.US_ASCII);
  private static TestNsm.Ca ca;
  private static AttestedSignatureVerifier verifier;
  private static AttestationPolicy policy;
  private static BigInteger walletKey;
  private static byte[] walletPublicKey;
  private static KeyPair responseKey;
  private static byte[] responsePublicKey;

  @BeforeAll
  static void setUp() throws Exception {
    ca = new TestNsm.Ca(NOW);
    verifier = new AttestedSignatureVerifier(AttestationVerifier.withRoot(ca.root));
    byte[] pcr = new byte[48];
    java.util.Arrays.fill(pcr, (byte) 0x10);
    policy = AttestationPolicy.builder().addAllowedPcrSet(Map.of(0, pcr)).build();
    walletKey = new BigInteger(1, randomBytes(32)).mod(EcdsaPoints.SECP256K1.getN().subtract(BigInteger.ONE)).add(BigInteger.ONE);
    walletPublicKey = new FixedPointCombMultiplier()
        .multiply(EcdsaPoints.SECP256K1.getG(), walletKey).normalize().getEncoded(false);
    responseKey = TestNsm.keyPair("secp256r1");
    ECPublicKey pub = (ECPublicKey) responseKey.getPublic();
    responsePublicKey = new byte[65];
    responsePublicKey[0] = 4;
    System.arraycopy(BigIntegers.asUnsignedByteArray(32, pub.getW().getAffineX()), 0, responsePublicKey, 1, 32);
    System.arraycopy(BigIntegers.asUnsignedByteArray(32, pub.getW().getAffineY()), 0, responsePublicKey, 33, 32);
  }

  // ------------------------------------------------------------------------------ the signature

  /** web3.js documentation (web3.eth.accounts.sign): this key signing "Some data". */
  @Test
  void acceptsAKnownEthereumSignatureAndChecksV() throws Exception {
    BigInteger d = new BigInteger("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318", 16);
    byte[] pub = new FixedPointCombMultiplier().multiply(EcdsaPoints.SECP256K1.getG(), d).normalize()
        .getEncoded(false);
    byte[] sig = HexFormat.of().parseHex("b91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5"
        + "fd6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c");
    byte[] message = "Some data".getBytes(StandardCharsets.UTF_8);
    AttestedSignatureVerifier.checkSignature(SignedRequest.personalSign("w", message, sig, pub, null));
    byte[] otherV = sig.clone();
    otherV[64] = 27;
    assertFailure(Failure.BAD_SIGNATURE, () -> AttestedSignatureVerifier.checkSignature(
        SignedRequest.personalSign("w", message, otherV, pub, null)));
    byte[] zeroV = sig.clone();
    zeroV[64] = 1;
    assertFailure(Failure.BAD_SIGNATURE, () -> AttestedSignatureVerifier.checkSignature(
        SignedRequest.personalSign("w", message, zeroV, pub, null)));
  }

  @Test
  void refusesHighSAndMalformedFields() throws Exception {
    SignedRequest ok = signed(randomBytes(32), NONCE);
    byte[] sig = ok.signature();
    BigInteger n = EcdsaPoints.SECP256K1.getN();
    BigInteger highS = n.subtract(new BigInteger(1, java.util.Arrays.copyOfRange(sig, 32, 64)));
    byte[] flipped = sig.clone();
    System.arraycopy(BigIntegers.asUnsignedByteArray(32, highS), 0, flipped, 32, 32);
    flipped[64] = (byte) (sig[64] == 27 ? 28 : 27); // still a valid ECDSA signature, but high-S
    assertFailure(Failure.BAD_SIGNATURE, () -> AttestedSignatureVerifier.checkSignature(
        new SignedRequest(WALLET, ok.digest(), flipped, walletPublicKey, NONCE)));
    assertFailure(Failure.MALFORMED, () -> AttestedSignatureVerifier.checkSignature(
        new SignedRequest(WALLET, ok.digest(), new byte[64], walletPublicKey, NONCE)));
    byte[] offCurve = walletPublicKey.clone();
    offCurve[64] ^= 1;
    assertFailure(Failure.MALFORMED, () -> AttestedSignatureVerifier.checkSignature(
        new SignedRequest(WALLET, ok.digest(), sig, offCurve, NONCE)));
    assertFailure(Failure.MALFORMED, () -> AttestedSignatureVerifier.checkSignature(
        new SignedRequest(WALLET, ok.digest(), sig, walletPublicKey, new byte[513])));
  }

  // ---------------------------------------------------------------------------------- fresh

  @Test
  void freshVerifiesAndEveryAlterationFails() throws Exception {
    SignedRequest req = signed(randomBytes(32), NONCE);
    byte[] doc = freshDocument(req.binding(), NONCE);
    VerifiedAttestation ok = verifier.verifyFresh(doc, policy, NOW, req);
    assertArrayEquals(AttestationPurpose.FRESH_SIGNATURE.wrap(req.binding()),
        ok.document().userData().orElseThrow());

    for (SignedRequest altered : alterations(req)) {
      AttestedSignatureException e = assertThrows(AttestedSignatureException.class,
          () -> verifier.verifyFresh(doc, policy, NOW, altered));
      assertTrue(e.failure() == Failure.BAD_SIGNATURE || e.failure() == Failure.BINDING_MISMATCH
          || e.failure() == Failure.NONCE_MISMATCH, e.getMessage());
    }
    // the specific checks
    assertFailure(Failure.BAD_SIGNATURE, () -> verifier.verifyFresh(doc, policy, NOW,
        withSignatureByte(req, 5)));
    assertFailure(Failure.BAD_SIGNATURE, () -> verifier.verifyFresh(doc, policy, NOW,
        new SignedRequest(WALLET, flip(req.digest()), req.signature(), walletPublicKey, NONCE)));
    assertFailure(Failure.NONCE_MISMATCH, () -> verifier.verifyFresh(doc, policy, NOW,
        new SignedRequest(WALLET, req.digest(), req.signature(), walletPublicKey, flip(NONCE))));
    assertFailure(Failure.BINDING_MISMATCH, () -> verifier.verifyFresh(doc, policy, NOW,
        new SignedRequest("another-wallet", req.digest(), req.signature(), walletPublicKey, NONCE)));

    // a document byte changed: the COSE signature no longer verifies
    byte[] tampered = doc.clone();
    tampered[tampered.length - 100] ^= 1;
    AttestedSignatureException e = assertFailure(Failure.ATTESTATION,
        () -> verifier.verifyFresh(tampered, policy, NOW, req));
    assertTrue(e.attestationReason().isPresent());
    // a proof made for another signature, with the same nonce
    SignedRequest other = signed(randomBytes(32), NONCE);
    assertFailure(Failure.BINDING_MISMATCH, () -> verifier.verifyFresh(
        freshDocument(other.binding(), NONCE), policy, NOW, req));
    // the wrong image
    AttestationPolicy otherImage = AttestationPolicy.builder()
        .addAllowedPcrSet(Map.of(0, new byte[48])).build();
    assertEquals(Reason.PCR_MISMATCH, assertFailure(Failure.ATTESTATION,
        () -> verifier.verifyFresh(doc, otherImage, NOW, req)).attestationReason().orElseThrow());
    // a document from another root
    AttestedSignatureVerifier aws = new AttestedSignatureVerifier(AttestationVerifier.awsNitro());
    assertEquals(Reason.UNTRUSTED_CHAIN, assertFailure(Failure.ATTESTATION,
        () -> aws.verifyFresh(doc, policy, NOW, req)).attestationReason().orElseThrow());
  }

  @Test
  void freshWithoutNonce() throws Exception {
    SignedRequest req = signed(randomBytes(32), null);
    byte[] doc = freshDocument(req.binding(), null);
    verifier.verifyFresh(doc, policy, NOW, req);
    // a nonce the enclave did not see is a different binding and a missing document nonce
    assertFailure(Failure.NONCE_MISMATCH, () -> verifier.verifyFresh(doc, policy, NOW,
        new SignedRequest(WALLET, req.digest(), req.signature(), walletPublicKey, NONCE)));
  }

  // ----------------------------------------------------------------------------------- fast

  @Test
  void fastVerifiesAndEveryAlterationFails() throws Exception {
    byte[] fetchNonce = randomBytes(16);
    VerifiedResponseKey key = verifier.trustResponseKey(keyDocument(fetchNonce), fetchNonce, policy, NOW);
    assertArrayEquals(responsePublicKey, key.publicKey());
    assertTrue(key.matches(responsePublicKey));

    SignedRequest req = signed(randomBytes(32), NONCE);
    byte[] proof = responseSign(req.binding());
    verifier.verifyFast(proof, key, req);

    for (SignedRequest altered : alterations(req)) {
      AttestedSignatureException e = assertThrows(AttestedSignatureException.class,
          () -> verifier.verifyFast(proof, key, altered));
      assertTrue(e.failure() == Failure.BAD_SIGNATURE || e.failure() == Failure.BINDING_MISMATCH,
          e.getMessage());
    }
    assertFailure(Failure.BINDING_MISMATCH, () -> verifier.verifyFast(proof, key,
        new SignedRequest(WALLET, req.digest(), req.signature(), walletPublicKey, flip(NONCE))));
    assertFailure(Failure.BINDING_MISMATCH, () -> verifier.verifyFast(flip(proof), key, req));
    assertFailure(Failure.MALFORMED, () -> verifier.verifyFast(new byte[63], key, req));
  }

  @Test
  void responseKeyDocumentsAreCheckedLikeAnyOther() throws Exception {
    byte[] fetchNonce = randomBytes(16);
    byte[] doc = keyDocument(fetchNonce);
    assertFailure(Failure.NONCE_MISMATCH,
        () -> verifier.trustResponseKey(doc, flip(fetchNonce), policy, NOW));
    byte[] tampered = doc.clone();
    tampered[tampered.length - 100] ^= 1;
    assertFailure(Failure.ATTESTATION, () -> verifier.trustResponseKey(tampered, fetchNonce, policy, NOW));
    assertFailure(Failure.MALFORMED, () -> verifier.trustResponseKey(
        document(AttestationPurpose.RESPONSE_KEY.tag(), fetchNonce, null),
        fetchNonce, policy, NOW)); // public_key absent
    assertThrows(IllegalArgumentException.class,
        () -> verifier.trustResponseKey(doc, new byte[0], policy, NOW));
  }

  // ------------------------------------------------------------------------------- purposes

  /** The attack: a client's GetAttestation document whose caller-chosen data is the binding. */
  @Test
  void aClientRequestDocumentIsNeverAFreshProof() throws Exception {
    SignedRequest forged = signed(randomBytes(32), NONCE);
    byte[] clientDoc = document(AttestationPurpose.CLIENT_REQUEST.wrap(forged.binding()), NONCE,
        null);
    assertEquals(Reason.PURPOSE_MISMATCH, assertFailure(Failure.ATTESTATION,
        () -> verifier.verifyFresh(clientDoc, policy, NOW, forged)).attestationReason()
        .orElseThrow());
    // and a document whose user_data is the bare binding (what the enclave signed before
    // purposes existed) is refused too
    byte[] untagged = document(forged.binding(), NONCE, responsePublicKey);
    assertEquals(Reason.PURPOSE_MISMATCH, assertFailure(Failure.ATTESTATION,
        () -> verifier.verifyFresh(untagged, policy, NOW, forged)).attestationReason()
        .orElseThrow());
  }

  @Test
  void verifyFreshRefusesADocumentOfEveryOtherPurpose() throws Exception {
    SignedRequest req = signed(randomBytes(32), NONCE);
    for (AttestationPurpose other : AttestationPurpose.values()) {
      if (other == AttestationPurpose.FRESH_SIGNATURE) {
        continue;
      }
      byte[] doc = document(other.wrap(req.binding()), NONCE, responsePublicKey);
      assertEquals(Reason.PURPOSE_MISMATCH, assertFailure(Failure.ATTESTATION,
          () -> verifier.verifyFresh(doc, policy, NOW, req)).attestationReason().orElseThrow(),
          other.label());
    }
  }

  @Test
  void trustResponseKeyRefusesADocumentOfEveryOtherPurpose() throws Exception {
    byte[] fetchNonce = randomBytes(16);
    for (AttestationPurpose other : AttestationPurpose.values()) {
      if (other == AttestationPurpose.RESPONSE_KEY) {
        continue;
      }
      byte[] doc = document(other.tag(), fetchNonce, responsePublicKey);
      assertEquals(Reason.PURPOSE_MISMATCH, assertFailure(Failure.ATTESTATION,
          () -> verifier.trustResponseKey(doc, fetchNonce, policy, NOW)).attestationReason()
          .orElseThrow(), other.label());
    }
    // untagged (the old GetAttestation document), and the tag followed by anything
    assertFailure(Failure.ATTESTATION, () -> verifier.trustResponseKey(
        document(null, fetchNonce, responsePublicKey), fetchNonce, policy, NOW));
    assertFailure(Failure.BINDING_MISMATCH, () -> verifier.trustResponseKey(
        document(AttestationPurpose.RESPONSE_KEY.wrap(new byte[] {1}), fetchNonce,
            responsePublicKey), fetchNonce, policy, NOW));
  }

  // -------------------------------------------------------------------------------- helpers

  /** Each field of the request changed in turn (signature, digest, key, wallet id, nonce). */
  private static SignedRequest[] alterations(SignedRequest r) {
    byte[] otherKey = new FixedPointCombMultiplier().multiply(EcdsaPoints.SECP256K1.getG(),
        BigInteger.valueOf(7)).normalize().getEncoded(false);
    return new SignedRequest[] {
        withSignatureByte(r, 0), withSignatureByte(r, 40), withSignatureByte(r, 64),
        new SignedRequest(r.walletId(), flip(r.digest()), r.signature(), r.publicKey(), r.nonce()),
        new SignedRequest(r.walletId(), r.digest(), r.signature(), otherKey, r.nonce()),
        new SignedRequest(r.walletId() + "x", r.digest(), r.signature(), r.publicKey(), r.nonce()),
        new SignedRequest(r.walletId(), r.digest(), r.signature(), r.publicKey(), flip(r.nonce())),
        new SignedRequest(r.walletId(), r.digest(), r.signature(), r.publicKey(), new byte[0]),
    };
  }

  private static SignedRequest withSignatureByte(SignedRequest r, int index) {
    byte[] sig = r.signature();
    sig[index] ^= 1;
    return new SignedRequest(r.walletId(), r.digest(), sig, r.publicKey(), r.nonce());
  }

  private static byte[] freshDocument(byte[] binding, byte[] nonce) throws Exception {
    CBORObject p = TestNsm.payload(ca, NOW);
    p.set("user_data", CBORObject.FromObject(AttestationPurpose.FRESH_SIGNATURE.wrap(binding)));
    p.set("nonce", nonce == null ? CBORObject.Null : CBORObject.FromObject(nonce));
    p.set("public_key", CBORObject.FromObject(responsePublicKey));
    return TestNsm.document(ca, p);
  }

  private static byte[] keyDocument(byte[] nonce) throws Exception {
    return document(AttestationPurpose.RESPONSE_KEY.tag(), nonce, responsePublicKey);
  }

  /** A document as the enclave's NSM would sign it, with these fields (null: absent). */
  private static byte[] document(byte[] userData, byte[] nonce, byte[] publicKey)
      throws Exception {
    CBORObject p = TestNsm.payload(ca, NOW);
    p.set("user_data", userData == null ? CBORObject.Null : CBORObject.FromObject(userData));
    p.set("nonce", nonce == null ? CBORObject.Null : CBORObject.FromObject(nonce));
    p.set("public_key", publicKey == null ? CBORObject.Null : CBORObject.FromObject(publicKey));
    return TestNsm.document(ca, p);
  }

  private static byte[] responseSign(byte[] binding) throws Exception {
    Signature s = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
    s.initSign(responseKey.getPrivate());
    s.update(binding);
    return s.sign();
  }

  /** Test-side secp256k1 ECDSA (random k, low-S, v = 27 + y parity of R). */
  private static SignedRequest signed(byte[] digest, byte[] nonce) {
    BigInteger n = EcdsaPoints.SECP256K1.getN();
    while (true) {
      BigInteger k = new BigInteger(1, randomBytes(32)).mod(n);
      if (k.signum() == 0) {
        continue;
      }
      ECPoint big = new FixedPointCombMultiplier().multiply(EcdsaPoints.SECP256K1.getG(), k).normalize();
      BigInteger rx = big.getAffineXCoord().toBigInteger();
      if (rx.compareTo(n) >= 0) {
        continue;
      }
      BigInteger s = k.modInverse(n).multiply(new BigInteger(1, digest).add(rx.multiply(walletKey))).mod(n);
      if (s.signum() == 0) {
        continue;
      }
      boolean odd = big.getAffineYCoord().toBigInteger().testBit(0);
      if (s.compareTo(n.shiftRight(1)) > 0) {
        s = n.subtract(s);
        odd = !odd;
      }
      byte[] sig = new byte[65];
      System.arraycopy(BigIntegers.asUnsignedByteArray(32, rx), 0, sig, 0, 32);
      System.arraycopy(BigIntegers.asUnsignedByteArray(32, s), 0, sig, 32, 32);
      sig[64] = (byte) (odd ? 28 : 27);
      return new SignedRequest(WALLET, digest, sig, walletPublicKey, nonce);
    }
  }

  private static AttestedSignatureException assertFailure(Failure expected,
      org.junit.jupiter.api.function.Executable call) {
    AttestedSignatureException e = assertThrows(AttestedSignatureException.class, call);
    assertEquals(expected, e.failure(), e.getMessage());
    return e;
  }

  private static byte[] flip(byte[] b) {
    byte[] c = b.clone();
    c[c.length - 1] ^= 1;
    return c;
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
