package io.nitrosign.enclave.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.proto.v1.ErrorCode;
import java.net.ServerSocket;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real AWS SDK KmsClient, as the enclave configures it, against {@link KmsTestPeer}: what goes
 * over the wire, and how answers and refusals come back.
 */
class AttestedKmsClientTest {

  static final String AUTH_KEY =
      "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  static final Map<String, String> CONTEXT =
      Map.of("deployment", "prod-eu", "kind", "auth", "version", "1");

  private KmsTestPeer peer;
  private TestOnlyNsmDevice nsm;
  private CredentialsHolder credentials;
  private AttestedKmsClient client;

  @BeforeEach
  void setUp() throws Exception {
    peer = new KmsTestPeer();
    nsm = new TestOnlyNsmDevice();
    credentials = new CredentialsHolder(Clock.systemUTC());
    client = AttestedKmsClient.create(endpoint(peer.endpoint()), credentials, nsm,
        new SecureRandom());
  }

  @AfterEach
  void tearDown() {
    client.close();
    peer.close();
  }

  static KmsEndpointConfig endpoint(URI uri) {
    return new KmsEndpointConfig("eu-west-1", Optional.of(uri), Optional.empty());
  }

  void giveCredentials() throws EnclaveException {
    credentials.set(CredentialsHolderTest.creds(Instant.now().plus(Duration.ofHours(1))));
  }

  @Test
  void generateDataKeySendsRecipientWithAttestationAndOpensTheAnswer() throws Exception {
    giveCredentials();
    try (AttestedKmsClient.DataKey key = client.generateDataKey(AUTH_KEY, CONTEXT)) {
      assertEquals(1, peer.requests().size());
      KmsTestPeer.Captured r = peer.requests().get(0);
      assertEquals("TrentService.GenerateDataKey", r.target());
      assertEquals("application/x-amz-json-1.1", r.header("Content-Type"));
      String auth = r.header("Authorization");
      assertNotNull(auth);
      assertTrue(auth.startsWith("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/"), auth);
      assertTrue(auth.contains("/eu-west-1/kms/aws4_request"), auth);
      assertTrue(auth.contains("Signature="), auth);
      assertEquals("token-EXAMPLE", r.header("X-Amz-Security-Token"));
      JsonNode body = r.body();
      assertEquals(AUTH_KEY, body.get("KeyId").asText());
      assertEquals("AES_256", body.get("KeySpec").asText());
      assertEquals(CONTEXT, contextOf(body));
      assertEquals("RSAES_OAEP_SHA_256", body.get("Recipient").get("KeyEncryptionAlgorithm").asText());
      byte[] doc = Base64.getDecoder().decode(body.get("Recipient").get("AttestationDocument").asText());
      assertArrayEquals(client.recipientPublicKey(), TestOnlyNsmDevice.publicKeyOf(doc));
      assertEquals(1, nsm.documents());
      // the KMS recipient purpose, and nothing else, in user_data
      assertArrayEquals(io.nitrosign.chains.AttestationPurpose.KMS_RECIPIENT.tag(),
          nsm.lastUserData());

      assertEquals(32, key.plaintext().length());
      assertArrayEquals(peer.dataKey(key.ciphertextBlob()), key.plaintext().copy());
    }
  }

  @Test
  void decryptSendsBlobKeyIdAndRecipientWithAFreshDocument() throws Exception {
    giveCredentials();
    byte[] blob;
    byte[] expected;
    try (AttestedKmsClient.DataKey key = client.generateDataKey(AUTH_KEY, CONTEXT)) {
      blob = key.ciphertextBlob();
      expected = key.plaintext().copy();
    }
    try (SecretBytes plain = client.decrypt(AUTH_KEY, blob, CONTEXT)) {
      assertArrayEquals(expected, plain.copy());
    }
    KmsTestPeer.Captured r = peer.requests().get(1);
    assertEquals("TrentService.Decrypt", r.target());
    assertEquals(AUTH_KEY, r.body().get("KeyId").asText());
    assertArrayEquals(blob, Base64.getDecoder().decode(r.body().get("CiphertextBlob").asText()));
    assertEquals("RSAES_OAEP_SHA_256",
        r.body().get("Recipient").get("KeyEncryptionAlgorithm").asText());
    assertEquals(CONTEXT, contextOf(r.body()));
    assertEquals(2, nsm.documents());
  }

  @Test
  void decryptWithAnotherEncryptionContextIsRefusedByKms() throws Exception {
    giveCredentials();
    byte[] blob;
    try (AttestedKmsClient.DataKey key = client.generateDataKey(AUTH_KEY, CONTEXT)) {
      blob = key.ciphertextBlob();
    }
    Map<String, String> otherVersion = Map.of("deployment", "prod-eu", "kind", "auth",
        "version", "2");
    EnclaveException e = assertThrows(EnclaveException.class,
        () -> client.decrypt(AUTH_KEY, blob, otherVersion));
    assertEquals(ErrorCode.KMS_ERROR, e.code());
    assertEquals("kms refused the request", e.detail());
  }

  @Test
  void aCallWithoutAnEncryptionContextIsNotSent() throws Exception {
    giveCredentials();
    assertThrows(IllegalArgumentException.class, () -> client.generateDataKey(AUTH_KEY, Map.of()));
    assertThrows(IllegalArgumentException.class,
        () -> client.decrypt(AUTH_KEY, new byte[] {1}, Map.of()));
    assertEquals(0, peer.requests().size());
  }

  private static Map<String, String> contextOf(JsonNode body) {
    return KmsTestPeer.contextOf(body);
  }

  @Test
  void withoutCredentialsNothingIsSent() {
    EnclaveException e = assertThrows(EnclaveException.class, () -> client.generateDataKey(AUTH_KEY, CONTEXT));
    assertEquals(ErrorCode.CREDENTIALS_MISSING, e.code());
    assertEquals(0, peer.requests().size());
  }

  @Test
  void accessDeniedIsATypedKmsErrorWithAFixedDetail() throws Exception {
    giveCredentials();
    peer.deny(AUTH_KEY);
    EnclaveException e = assertThrows(EnclaveException.class, () -> client.generateDataKey(AUTH_KEY, CONTEXT));
    assertEquals(ErrorCode.KMS_ERROR, e.code());
    assertEquals("kms denied access", e.detail());
    EnclaveException d = assertThrows(EnclaveException.class,
        () -> client.decrypt(AUTH_KEY, new byte[] {1, 2, 3}, CONTEXT));
    assertEquals(ErrorCode.KMS_ERROR, d.code());
  }

  @Test
  void otherKmsErrorsMapToKmsErrorOrCredentialsMissing() throws Exception {
    giveCredentials();
    peer.failWith("KMSInvalidStateException");
    EnclaveException e = assertThrows(EnclaveException.class, () -> client.generateDataKey(AUTH_KEY, CONTEXT));
    assertEquals(ErrorCode.KMS_ERROR, e.code());
    assertEquals("kms refused the request", e.detail());
    peer.failWith("ExpiredTokenException");
    e = assertThrows(EnclaveException.class, () -> client.generateDataKey(AUTH_KEY, CONTEXT));
    assertEquals(ErrorCode.CREDENTIALS_MISSING, e.code());
  }

  @Test
  void unknownBlobAndMalformedRecipientCiphertextAreKmsErrors() throws Exception {
    giveCredentials();
    EnclaveException e = assertThrows(EnclaveException.class,
        () -> client.decrypt(AUTH_KEY, "forged".getBytes(), CONTEXT));
    assertEquals(ErrorCode.KMS_ERROR, e.code());
    peer.garbleRecipientCiphertext();
    e = assertThrows(EnclaveException.class, () -> client.generateDataKey(AUTH_KEY, CONTEXT));
    assertEquals(ErrorCode.KMS_ERROR, e.code());
    assertEquals("kms response is malformed", e.detail());
  }

  @Test
  void nsmFailureIsNsmError() throws Exception {
    giveCredentials();
    nsm.setFailing(true);
    EnclaveException e = assertThrows(EnclaveException.class, () -> client.generateDataKey(AUTH_KEY, CONTEXT));
    assertEquals(ErrorCode.NSM_ERROR, e.code());
    assertEquals(0, peer.requests().size());
  }

  @Test
  void unreachableKmsIsKmsError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (AttestedKmsClient dead = AttestedKmsClient.create(
        endpoint(URI.create("http://127.0.0.1:" + port)), credentials, nsm, new SecureRandom())) {
      giveCredentials();
      EnclaveException e = assertThrows(EnclaveException.class, () -> dead.generateDataKey(AUTH_KEY, CONTEXT));
      assertEquals(ErrorCode.KMS_ERROR, e.code());
      assertEquals("kms unreachable", e.detail());
    }
  }
}
