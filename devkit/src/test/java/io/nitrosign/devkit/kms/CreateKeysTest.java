package io.nitrosign.devkit.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code LocalKmsMain create-keys}: the launcher's way to make the enclave's two keys. */
class CreateKeysTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PCR_V1 = FakeAttestation.pcr0(0x11);
  private static final String PCR_V2 = FakeAttestation.pcr0(0x22);

  @TempDir Path state;

  private JsonNode createKeys(String pcr0, boolean update) throws Exception {
    Map<String, String> opts = update
        ? Map.of("--state-dir", state.toString(), "--pcr0", pcr0, "--update-policy", "true")
        : Map.of("--state-dir", state.toString(), "--pcr0", pcr0);
    return JSON.readTree(LocalKmsMain.createKeys(opts));
  }

  private static JsonNode call(LocalKms kms, String op, String body) throws Exception {
    return kms.handle(op, JSON.readTree(body), new LocalKms.CallRecord());
  }

  @Test
  void createsAuthAndExecKeysBoundToTheImageAndIsIdempotent() throws Exception {
    JsonNode first = createKeys(PCR_V1, false);
    String auth = first.at("/auth/KeyId").asText();
    String exec = first.at("/exec/KeyId").asText();
    UUID.fromString(auth);
    assertNotEquals(auth, exec);
    assertEquals("arn:aws:kms:us-east-1:111122223333:key/" + auth, first.at("/auth/Arn").asText());
    assertEquals(first, createKeys(PCR_V2, false), "a second run keeps the keys and policies");

    FakeAttestation att = new FakeAttestation();
    LocalKms kms = new LocalKms(LocalKeyStore.open(state, "us-east-1"), att, Clock.systemUTC());
    String v1 = Base64.getEncoder().encodeToString(FakeAttestation.document(PCR_V1, Instant.now()));
    String v2 = Base64.getEncoder().encodeToString(FakeAttestation.document(PCR_V2, Instant.now()));
    JsonNode dk = call(kms, "GenerateDataKey", "{\"KeyId\":\"" + auth + "\",\"KeySpec\":"
        + "\"AES_256\",\"Recipient\":{\"KeyEncryptionAlgorithm\":\"RSAES_OAEP_SHA_256\","
        + "\"AttestationDocument\":\"" + v1 + "\"}}");
    String blob = dk.get("CiphertextBlob").asText();
    String decryptV2 = "{\"CiphertextBlob\":\"" + blob + "\",\"Recipient\":{"
        + "\"KeyEncryptionAlgorithm\":\"RSAES_OAEP_SHA_256\",\"AttestationDocument\":\"" + v2
        + "\"}}";
    KmsError e = assertThrows(KmsError.class, () -> call(kms, "Decrypt", decryptV2));
    assertEquals("AccessDeniedException", e.type());

    // an upgrade: allow the old and the new image, then the new one decrypts the old blob
    createKeys(PCR_V1 + "," + PCR_V2, true);
    LocalKms upgraded = new LocalKms(LocalKeyStore.open(state, "us-east-1"), att,
        Clock.systemUTC());
    JsonNode dec = call(upgraded, "Decrypt", decryptV2);
    assertArrayEquals(
        LocalKmsSdkTest.openForRecipient(Base64.getDecoder().decode(
            dk.get("CiphertextForRecipient").asText()), att.recipient.getPrivate()),
        LocalKmsSdkTest.openForRecipient(Base64.getDecoder().decode(
            dec.get("CiphertextForRecipient").asText()), att.recipient.getPrivate()));
  }

  @Test
  void refusesAMalformedPcr0() {
    assertThrows(IllegalArgumentException.class, () -> createKeys("abcd", false));
  }
}
