package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nitrosign.attestation.AttestationPolicy;
import io.nitrosign.attestation.AttestationVerifier;
import io.nitrosign.attestation.AttestedSignatureException;
import io.nitrosign.attestation.AttestedSignatureException.Failure;
import io.nitrosign.attestation.AttestedSignatureVerifier;
import io.nitrosign.attestation.SignedRequest;
import io.nitrosign.attestation.VerifiedResponseKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Attested signatures from the running system (PostgreSQL, the enclave JVM with the simulated
 * NSM, the parent host, all started by {@link LocalStack}), verified with the client library
 * against the devkit's root and the PCRs in {@code pcrs.json}; and refused when the signature,
 * the request or the nonce is altered.
 */
class AttestedSignatureEndToEndTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path home;
  private static LocalStack stack;
  private static Http http;
  private static String auth;
  private static String walletId;
  private static byte[] walletPublicKey;
  private static AttestedSignatureVerifier verifier;
  private static AttestationPolicy policy;

  @BeforeAll
  static void up() throws Exception {
    SharedStack shared = SharedStack.get();
    home = shared.home();
    stack = shared.stack();
    auth = shared.auth();
    http = shared.http();

    Http.Reply created = http.post("/v1/wallets", auth, "{\"chain_type\":\"ethereum\"}");
    assertEquals(200, created.status(), () -> created.raw().body());
    walletId = created.body().get("id").asText();
    // the binding commits to the uncompressed key (our extension beside Privy's compressed one)
    walletPublicKey = hex(created.body().get("public_key_uncompressed").asText());

    X509Certificate root = AttestationVerifier.readCertificate(Files.readAllBytes(stack.nsmRoot()));
    verifier = new AttestedSignatureVerifier(AttestationVerifier.withRoot(root));
    policy = AttestationPolicy.builder()
        .addAllowedPcrSet(AttestationPolicy.pcrsFromNitroCliJson(
            Files.readString(stack.nsmRoot().resolveSibling("pcrs.json"))))
        .maxAge(Duration.ofMinutes(5)).build();
  }

  @Test
  void freshAttestedSignatureVerifiesAndAlterationsFail() throws Exception {
    String message = "pay 1 ETH to bob, fresh proof";
    byte[] nonce = randomBytes(32);
    JsonNode data = attestedSign(message, "fresh", nonce);
    assertEquals("fresh", data.get("attestation").get("mode").asText());
    byte[] document = Base64.getDecoder().decode(data.get("attestation").get("document").asText());
    byte[] signature = hex(data.get("signature").asText());
    SignedRequest request = request(message, signature, nonce);
    assertArrayEquals(request.binding(), hex(data.get("binding").asText()));

    var verified = verifier.verifyFresh(document, policy, Instant.now(), request);
    assertEquals(stack.enclavePcr0(), HexFormat.of().formatHex(verified.document().pcrs().get(0)));

    // the signature altered
    fails(Failure.BAD_SIGNATURE, () -> verifier.verifyFresh(document, policy, Instant.now(),
        request(message, flipped(signature, 10), nonce)));
    // the request altered: another message than the one signed
    fails(Failure.BAD_SIGNATURE, () -> verifier.verifyFresh(document, policy, Instant.now(),
        request(message + "0", signature, nonce)));
    // the nonce altered: this proof was not made for the caller's nonce
    fails(Failure.NONCE_MISMATCH, () -> verifier.verifyFresh(document, policy, Instant.now(),
        request(message, signature, flipped(nonce, 0))));
    // the document altered
    fails(Failure.ATTESTATION, () -> verifier.verifyFresh(flipped(document, document.length - 50),
        policy, Instant.now(), request));
    // a genuine proof of another signature
    byte[] otherNonce = randomBytes(32);
    JsonNode other = attestedSign("another message", "fresh", otherNonce);
    fails(Failure.BINDING_MISMATCH, () -> verifier.verifyFresh(
        Base64.getDecoder().decode(other.get("attestation").get("document").asText()), policy,
        Instant.now(), request(message, signature, otherNonce)));
  }

  @Test
  void fastAttestedSignatureVerifiesWithTheCachedResponseKeyAndAlterationsFail() throws Exception {
    byte[] fetchNonce = randomBytes(32);
    Http.Reply att = http.get("/v1/enclave/attestation?nonce=" + HexFormat.of().formatHex(fetchNonce),
        auth);
    assertEquals(200, att.status(), () -> att.raw().body());
    byte[] keyDocument = Base64.getDecoder().decode(att.body().get("attestation_document").asText());
    VerifiedResponseKey key = verifier.trustResponseKey(keyDocument, fetchNonce, policy, Instant.now());

    String message = "pay 2 ETH to carol, fast proof";
    byte[] nonce = randomBytes(16);
    JsonNode data = attestedSign(message, "fast", nonce);
    assertEquals("fast", data.get("attestation").get("mode").asText());
    assertTrue(key.matches(hex(data.get("attestation").get("response_public_key").asText())));
    byte[] proof = Base64.getDecoder().decode(
        data.get("attestation").get("response_signature").asText());
    byte[] signature = hex(data.get("signature").asText());
    verifier.verifyFast(proof, key, request(message, signature, nonce));
    // a second signature, same cached key
    byte[] nonce2 = randomBytes(16);
    JsonNode second = attestedSign("and 3 ETH to dave", "fast", nonce2);
    verifier.verifyFast(Base64.getDecoder().decode(
        second.get("attestation").get("response_signature").asText()), key,
        request("and 3 ETH to dave", hex(second.get("signature").asText()), nonce2));

    fails(Failure.BAD_SIGNATURE, () -> verifier.verifyFast(proof, key,
        request(message, flipped(signature, 40), nonce)));
    fails(Failure.BAD_SIGNATURE, () -> verifier.verifyFast(proof, key,
        request("pay 2 ETH to mallory, fast proof", signature, nonce)));
    fails(Failure.BINDING_MISMATCH, () -> verifier.verifyFast(proof, key,
        request(message, signature, flipped(nonce, 3))));
    fails(Failure.BINDING_MISMATCH, () -> verifier.verifyFast(proof, key,
        request(message, signature, new byte[0])));
    fails(Failure.BINDING_MISMATCH, () -> verifier.verifyFast(flipped(proof, 5), key,
        request(message, signature, nonce)));
    // the key document only counts for the nonce it was fetched with
    fails(Failure.NONCE_MISMATCH, () -> verifier.trustResponseKey(keyDocument,
        flipped(fetchNonce, 0), policy, Instant.now()));
  }

  @Test
  void withoutAttestTheResponseIsUnchangedAndWithoutNonceProofStillBinds() throws Exception {
    Http.Reply plain = http.post("/v1/wallets/" + walletId + "/rpc", auth,
        "{\"method\":\"personal_sign\",\"params\":{\"message\":\"plain\"}}");
    assertEquals(200, plain.status(), () -> plain.raw().body());
    assertEquals(2, plain.body().get("data").size(), plain.body().toString());

    JsonNode data = attestedSign("no nonce", null, null);
    byte[] signature = hex(data.get("signature").asText());
    verifier.verifyFresh(Base64.getDecoder().decode(data.get("attestation").get("document").asText()),
        policy, Instant.now(), request("no nonce", signature, null));
  }

  // -------------------------------------------------------------------------------- helpers

  private static JsonNode attestedSign(String message, String mode, byte[] nonce) throws Exception {
    StringBuilder body = new StringBuilder("{\"method\":\"personal_sign\",\"params\":{\"message\":")
        .append(JSON.writeValueAsString(message)).append("},\"attest\":true");
    if (mode != null) {
      body.append(",\"attestation_mode\":\"").append(mode).append('"');
    }
    if (nonce != null) {
      body.append(",\"nonce\":\"0x").append(HexFormat.of().formatHex(nonce)).append('"');
    }
    Http.Reply r = http.post("/v1/wallets/" + walletId + "/rpc", auth, body.append('}').toString());
    assertEquals(200, r.status(), () -> r.raw().body());
    return r.body().get("data");
  }

  private static SignedRequest request(String message, byte[] signature, byte[] nonce) {
    return SignedRequest.personalSign(walletId, message.getBytes(StandardCharsets.UTF_8), signature,
        walletPublicKey, nonce);
  }

  private static void fails(Failure expected, Executable call) {
    AttestedSignatureException e = assertThrows(AttestedSignatureException.class, call);
    assertEquals(expected, e.failure(), e.getMessage());
  }

  private static byte[] flipped(byte[] b, int index) {
    byte[] c = b.clone();
    c[index] ^= 1;
    return c;
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.startsWith("0x") ? s.substring(2) : s);
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

}
