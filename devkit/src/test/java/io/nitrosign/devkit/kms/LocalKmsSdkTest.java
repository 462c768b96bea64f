package io.nitrosign.devkit.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.EnvelopedData;
import org.bouncycastle.asn1.cms.KeyTransRecipientInfo;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyEncryptionMechanism;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.RecipientInfo.Builder;

/** The local KMS driven over loopback HTTP by the real AWS SDK v2 KmsClient. */
class LocalKmsSdkTest {

  private static final String ACCESS_KEY = "AKIALOCALKMSTEST0001";
  private static final String SECRET = "local-kms-test-secret-not-for-production";
  private static final String PCR_GOOD = FakeAttestation.pcr0(0x5a);
  private static final String PCR_OTHER = FakeAttestation.pcr0(0x3c);
  private static final String PERMISSIVE = "{\"Version\":\"2012-10-17\",\"Statement\":"
      + "[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:*\","
      + "\"Resource\":\"*\"}]}";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path state;
  private final FakeAttestation attestation = new FakeAttestation();
  private LocalKmsServer server;
  private KmsClient kms;

  @BeforeEach
  void start() throws Exception {
    startServer();
  }

  @AfterEach
  void stop() {
    if (kms != null) {
      kms.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void startServer() throws Exception {
    LocalKeyStore keys = LocalKeyStore.open(state, "us-east-1");
    server = LocalKmsServer.start(new LocalKms(keys, attestation, Clock.systemUTC()), ACCESS_KEY,
        SECRET, 0, Clock.systemUTC());
    kms = client(ACCESS_KEY, SECRET);
  }

  private KmsClient client(String accessKey, String secret) {
    return KmsClient.builder()
        .endpointOverride(URI.create(server.endpoint()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(accessKey, secret)))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  private KeyMetadata createKey(String policy) {
    CreateKeyResponse r = kms.createKey(b -> b.policy(policy).description("test key"));
    return r.keyMetadata();
  }

  private Consumer<Builder> recipient(String pcr0, Instant at) {
    return r -> r.keyEncryptionAlgorithm(KeyEncryptionMechanism.RSAES_OAEP_SHA_256)
        .attestationDocument(SdkBytes.fromByteArray(FakeAttestation.document(pcr0, at)));
  }

  private static String errorCode(Runnable call) {
    KmsException e = assertThrows(KmsException.class, call::run);
    assertEquals(400, e.statusCode());
    return e.awsErrorDetails().errorCode();
  }

  /** Opens a CiphertextForRecipient with the recipient's private key, as the enclave will. */
  static byte[] openForRecipient(byte[] cms, PrivateKey key) throws Exception {
    CMSEnvelopedData env = new CMSEnvelopedData(cms);
    Collection<RecipientInformation> recipients = env.getRecipientInfos().getRecipients();
    assertEquals(1, recipients.size());
    return recipients.iterator().next()
        .getContent(new JceKeyTransEnvelopedRecipient(key).setProvider(Fips.provider()));
  }

  @Test
  void createKeyDescribesASymmetricKeyWithAnArn() {
    KeyMetadata m = createKey(PERMISSIVE);
    assertTrue(m.keyId().matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
    assertEquals("arn:aws:kms:us-east-1:111122223333:key/" + m.keyId(), m.arn());
    assertEquals("111122223333", m.awsAccountId());
    assertEquals("test key", m.description());
    assertEquals("ENCRYPT_DECRYPT", m.keyUsageAsString());
    assertEquals("Enabled", m.keyStateAsString());
    assertEquals("SYMMETRIC_DEFAULT", m.keySpecAsString());
    assertTrue(m.enabled());
    assertTrue(Duration.between(m.creationDate(), Instant.now()).abs().toMinutes() < 2);
    KeyMetadata described = kms.describeKey(b -> b.keyId(m.arn())).keyMetadata();
    assertEquals(m, described);
    assertEquals(PERMISSIVE, kms.getKeyPolicy(b -> b.keyId(m.keyId())).policy());
  }

  @Test
  void encryptDecryptRoundTripWithoutRecipient() {
    KeyMetadata key = createKey(PERMISSIVE);
    byte[] secret = "attack at dawn".getBytes(StandardCharsets.UTF_8);
    Map<String, String> ec = Map.of("wallet", "w-1", "purpose", "test");
    EncryptResponse enc = kms.encrypt(b -> b.keyId(key.keyId()).plaintext(
        SdkBytes.fromByteArray(secret)).encryptionContext(ec));
    assertEquals(key.arn(), enc.keyId());
    assertEquals("SYMMETRIC_DEFAULT", enc.encryptionAlgorithmAsString());
    DecryptResponse dec = kms.decrypt(b -> b.ciphertextBlob(enc.ciphertextBlob())
        .encryptionContext(ec));
    assertArrayEquals(secret, dec.plaintext().asByteArray());
    assertEquals(key.arn(), dec.keyId());
    assertNull(dec.ciphertextForRecipient());
    // the encryption context is bound: a different one does not decrypt
    assertEquals("InvalidCiphertextException", errorCode(() -> kms.decrypt(b -> b
        .ciphertextBlob(enc.ciphertextBlob()).encryptionContext(Map.of("wallet", "w-2")))));
    // GenerateDataKey without a recipient under a permissive policy: plaintext in clear
    GenerateDataKeyResponse dk = kms.generateDataKey(b -> b.keyId(key.keyId())
        .numberOfBytes(48));
    assertEquals(48, dk.plaintext().asByteArray().length);
    assertFalse(java.util.Arrays.equals(new byte[48], dk.plaintext().asByteArray()));
    assertArrayEquals(dk.plaintext().asByteArray(), kms.decrypt(b -> b
        .ciphertextBlob(dk.ciphertextBlob()).keyId(key.arn())).plaintext().asByteArray());
  }

  @Test
  void generateDataKeyWithRecipientReturnsOnlyCiphertextForRecipient() throws Exception {
    KeyMetadata key = createKey(LocalKmsMain.enclavePolicy(List.of(PCR_GOOD)));
    GenerateDataKeyResponse dk = kms.generateDataKey(b -> b.keyId(key.keyId())
        .keySpec(DataKeySpec.AES_256).recipient(recipient(PCR_GOOD, Instant.now())));
    assertNull(dk.plaintext(), "no Plaintext when a Recipient is given");
    assertEquals(key.arn(), dk.keyId());
    byte[] cms = dk.ciphertextForRecipient().asByteArray();
    byte[] dataKey = openForRecipient(cms, attestation.recipient.getPrivate());
    assertEquals(32, dataKey.length);

    // a later boot: Decrypt with a fresh attestation returns the same bytes, again enveloped
    DecryptResponse dec = kms.decrypt(b -> b.ciphertextBlob(dk.ciphertextBlob())
        .keyId(key.keyId()).recipient(recipient(PCR_GOOD, Instant.now())));
    assertNull(dec.plaintext());
    assertArrayEquals(dataKey, openForRecipient(dec.ciphertextForRecipient().asByteArray(),
        attestation.recipient.getPrivate()));
  }

  @Test
  void aRecipientDecryptWithAnotherOrNoEncryptionContextFailsWithInvalidCiphertextLikeAws()
      throws Exception {
    KeyMetadata key = createKey(LocalKmsMain.enclavePolicy(List.of(PCR_GOOD)));
    Map<String, String> ec = Map.of("deployment", "local", "kind", "auth", "version", "1");
    GenerateDataKeyResponse dk = kms.generateDataKey(b -> b.keyId(key.arn())
        .keySpec(DataKeySpec.AES_256).encryptionContext(ec)
        .recipient(recipient(PCR_GOOD, Instant.now())));
    byte[] dataKey = openForRecipient(dk.ciphertextForRecipient().asByteArray(),
        attestation.recipient.getPrivate());
    // the same context opens it
    DecryptResponse dec = kms.decrypt(b -> b.ciphertextBlob(dk.ciphertextBlob())
        .keyId(key.arn()).encryptionContext(ec).recipient(recipient(PCR_GOOD, Instant.now())));
    assertArrayEquals(dataKey, openForRecipient(dec.ciphertextForRecipient().asByteArray(),
        attestation.recipient.getPrivate()));
    // a different version, kind or deployment, a missing context, or an extra pair does not
    for (Map<String, String> wrong : List.of(
        Map.of("deployment", "local", "kind", "auth", "version", "2"),
        Map.of("deployment", "local", "kind", "exec", "version", "1"),
        Map.of("deployment", "other", "kind", "auth", "version", "1"),
        Map.of("deployment", "local", "kind", "auth"),
        Map.of("deployment", "local", "kind", "auth", "version", "1", "extra", "x"),
        Map.<String, String>of())) {
      assertEquals("InvalidCiphertextException", errorCode(() -> kms.decrypt(b -> b
          .ciphertextBlob(dk.ciphertextBlob()).keyId(key.arn()).encryptionContext(wrong)
          .recipient(recipient(PCR_GOOD, Instant.now())))), wrong.toString());
    }
    assertEquals("InvalidCiphertextException", errorCode(() -> kms.decrypt(b -> b
        .ciphertextBlob(dk.ciphertextBlob()).keyId(key.arn())
        .recipient(recipient(PCR_GOOD, Instant.now())))), "no EncryptionContext at all");
  }

  @Test
  void keyArnsAreFullArnsWithTheAccountAndRegionTheEnclaveChecks() {
    KeyMetadata key = createKey(PERMISSIVE);
    assertTrue(key.arn().matches("arn:aws:kms:us-east-1:" + LocalKeyStore.ACCOUNT + ":key/"
        + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), key.arn());
    assertTrue(LocalKeyStore.ACCOUNT.matches("\\d{12}"));
    assertEquals(LocalKeyStore.ACCOUNT, key.awsAccountId());
  }

  @Test
  void ciphertextForRecipientHasTheStructureAwsKmsUses() throws Exception {
    KeyMetadata key = createKey(LocalKmsMain.enclavePolicy(List.of(PCR_GOOD)));
    byte[] cms = kms.generateDataKey(b -> b.keyId(key.keyId()).numberOfBytes(32)
        .recipient(recipient(PCR_GOOD, Instant.now()))).ciphertextForRecipient().asByteArray();
    ContentInfo ci = ContentInfo.getInstance(cms);
    assertEquals(CMSObjectIdentifiers.envelopedData, ci.getContentType());
    EnvelopedData ed = EnvelopedData.getInstance(ci.getContent());
    assertEquals(2, ed.getVersion().intValueExact());
    assertEquals(1, ed.getRecipientInfos().size());
    KeyTransRecipientInfo ktri = KeyTransRecipientInfo.getInstance(
        RecipientInfo.getInstance(ed.getRecipientInfos().getObjectAt(0)).getInfo());
    assertEquals(2, ktri.getVersion().intValueExact());
    assertEquals(32, org.bouncycastle.asn1.ASN1OctetString.getInstance(
        ktri.getRecipientIdentifier().getId()).getOctets().length, "subject key identifier");
    assertEquals(PKCSObjectIdentifiers.id_RSAES_OAEP,
        ktri.getKeyEncryptionAlgorithm().getAlgorithm());
    RSAESOAEPparams oaep = RSAESOAEPparams.getInstance(
        ktri.getKeyEncryptionAlgorithm().getParameters());
    assertEquals(NISTObjectIdentifiers.id_sha256, oaep.getHashAlgorithm().getAlgorithm());
    assertEquals(PKCSObjectIdentifiers.id_mgf1, oaep.getMaskGenAlgorithm().getAlgorithm());
    assertEquals(NISTObjectIdentifiers.id_sha256, org.bouncycastle.asn1.x509.AlgorithmIdentifier
        .getInstance(oaep.getMaskGenAlgorithm().getParameters()).getAlgorithm());
    assertEquals(256, ktri.getEncryptedKey().getOctets().length);
    assertEquals(CMSObjectIdentifiers.data,
        ed.getEncryptedContentInfo().getContentType());
    assertEquals(NISTObjectIdentifiers.id_aes256_CBC,
        ed.getEncryptedContentInfo().getContentEncryptionAlgorithm().getAlgorithm());

    // the real KMS samples parse to the same shape
    for (String sample : List.of("kms_recipient_context_specific_content.ber",
        "kms_recipient_octetstring_chunks.ber")) {
      Path p = Path.of("../../shared/testdata/kms", sample);
      if (!Files.exists(p)) {
        p = Path.of("/work/shared/testdata/kms", sample);
      }
      if (!Files.exists(p)) {
        continue;
      }
      EnvelopedData real = EnvelopedData.getInstance(ContentInfo.getInstance(
          Files.readAllBytes(p)).getContent());
      KeyTransRecipientInfo realKtri = KeyTransRecipientInfo.getInstance(
          RecipientInfo.getInstance(real.getRecipientInfos().getObjectAt(0)).getInfo());
      assertEquals(ktri.getKeyEncryptionAlgorithm(), realKtri.getKeyEncryptionAlgorithm(), sample);
      assertEquals(ASN1ObjectIdentifier.getInstance(NISTObjectIdentifiers.id_aes256_CBC),
          real.getEncryptedContentInfo().getContentEncryptionAlgorithm().getAlgorithm(), sample);
      assertEquals(ed.getVersion(), real.getVersion(), sample);
    }
  }

  @Test
  void wrongPcr0IsAccessDenied() {
    KeyMetadata key = createKey(LocalKmsMain.enclavePolicy(List.of(PCR_GOOD)));
    assertEquals("AccessDeniedException", errorCode(() -> kms.generateDataKey(b -> b
        .keyId(key.keyId()).keySpec(DataKeySpec.AES_256)
        .recipient(recipient(PCR_OTHER, Instant.now())))));
  }

  @Test
  void policyWithTwoImagesAllowsBoth() throws Exception {
    KeyMetadata key = createKey(LocalKmsMain.enclavePolicy(List.of(PCR_GOOD, PCR_OTHER)));
    for (String pcr : List.of(PCR_GOOD, PCR_OTHER)) {
      GenerateDataKeyResponse r = kms.generateDataKey(b -> b.keyId(key.keyId())
          .keySpec(DataKeySpec.AES_128).recipient(recipient(pcr, Instant.now())));
      assertEquals(16, openForRecipient(r.ciphertextForRecipient().asByteArray(),
          attestation.recipient.getPrivate()).length);
    }
  }

  @Test
  void noRecipientUnderAnAttestationPolicyIsAccessDenied() {
    KeyMetadata key = createKey(LocalKmsMain.enclavePolicy(List.of(PCR_GOOD)));
    KmsException e = assertThrows(KmsException.class, () -> kms.generateDataKey(b -> b
        .keyId(key.keyId()).keySpec(DataKeySpec.AES_256)));
    assertEquals("AccessDeniedException", e.awsErrorDetails().errorCode());
    assertTrue(e.awsErrorDetails().errorMessage().contains("no Recipient"),
        e.awsErrorDetails().errorMessage());
    GenerateDataKeyResponse dk = kms.generateDataKey(b -> b.keyId(key.keyId())
        .keySpec(DataKeySpec.AES_256).recipient(recipient(PCR_GOOD, Instant.now())));
    assertEquals("AccessDeniedException", errorCode(() -> kms.decrypt(b -> b
        .ciphertextBlob(dk.ciphertextBlob()))));
    assertEquals("AccessDeniedException", errorCode(() -> kms.encrypt(b -> b.keyId(key.keyId())
        .plaintext(SdkBytes.fromUtf8String("x")))));
  }

  @Test
  void staleOrInvalidAttestationIsAccessDenied() {
    KeyMetadata key = createKey(LocalKmsMain.enclavePolicy(List.of(PCR_GOOD)));
    assertEquals("AccessDeniedException", errorCode(() -> kms.generateDataKey(b -> b
        .keyId(key.keyId()).numberOfBytes(32)
        .recipient(recipient(PCR_GOOD, Instant.now().minus(Duration.ofMinutes(6)))))));
    assertEquals("AccessDeniedException", errorCode(() -> kms.generateDataKey(b -> b
        .keyId(key.keyId()).numberOfBytes(32)
        .recipient(recipient(PCR_GOOD, Instant.now().plus(Duration.ofMinutes(6)))))));
    assertEquals("AccessDeniedException", errorCode(() -> kms.generateDataKey(b -> b
        .keyId(key.keyId()).numberOfBytes(32).recipient(r -> r
            .keyEncryptionAlgorithm(KeyEncryptionMechanism.RSAES_OAEP_SHA_256)
            .attestationDocument(SdkBytes.fromUtf8String("forged"))))));
  }

  @Test
  void explicitDenyWins() {
    String policy = "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\"},"
        + "{\"Sid\":\"NoDecrypt\",\"Effect\":\"Deny\",\"Action\":\"kms:Decrypt\"}]}";
    KeyMetadata key = createKey(policy);
    EncryptResponse enc = kms.encrypt(b -> b.keyId(key.keyId())
        .plaintext(SdkBytes.fromUtf8String("x")));
    assertEquals("AccessDeniedException", errorCode(() -> kms.decrypt(b -> b
        .ciphertextBlob(enc.ciphertextBlob()))));
  }

  @Test
  void unknownKeysAndBadInputs() {
    KeyMetadata key = createKey(PERMISSIVE);
    KeyMetadata other = createKey(PERMISSIVE);
    assertEquals("NotFoundException", errorCode(() -> kms.generateDataKey(b -> b
        .keyId("3f1d0a6e-0000-4000-8000-000000000000").keySpec(DataKeySpec.AES_256))));
    assertEquals("NotFoundException", errorCode(() -> kms.describeKey(b -> b
        .keyId("arn:aws:kms:us-east-1:111122223333:key/3f1d0a6e-0000-4000-8000-000000000000"))));
    assertEquals("ValidationException", errorCode(() -> kms.generateDataKey(b -> b
        .keyId(key.keyId()))));
    assertEquals("ValidationException", errorCode(() -> kms.generateDataKey(b -> b
        .keyId(key.keyId()).numberOfBytes(2000))));
    assertEquals("MalformedPolicyDocumentException", errorCode(() -> kms.createKey(b -> b
        .policy("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Condition\":"
            + "{\"NumericLessThan\":{\"x\":\"1\"}}}}"))));

    EncryptResponse enc = kms.encrypt(b -> b.keyId(key.keyId())
        .plaintext(SdkBytes.fromUtf8String("secret")));
    byte[] tampered = enc.ciphertextBlob().asByteArray();
    tampered[tampered.length - 1] ^= 1;
    assertEquals("InvalidCiphertextException", errorCode(() -> kms.decrypt(b -> b
        .ciphertextBlob(SdkBytes.fromByteArray(tampered)))));
    assertEquals("InvalidCiphertextException", errorCode(() -> kms.decrypt(b -> b
        .ciphertextBlob(SdkBytes.fromUtf8String("not a blob at all, just some bytes")))));
    assertEquals("IncorrectKeyException", errorCode(() -> kms.decrypt(b -> b
        .ciphertextBlob(enc.ciphertextBlob()).keyId(other.keyId()))));
  }

  @Test
  void requestsMustBeSignedWithTheLocalCredentials() throws Exception {
    createKey(PERMISSIVE);
    try (KmsClient wrongSecret = client(ACCESS_KEY, "some-other-secret");
        KmsClient wrongKey = client("AKIAUNKNOWN000000000", SECRET)) {
      assertEquals("InvalidSignatureException", errorCode(() -> wrongSecret.describeKey(b -> b
          .keyId(server.stats() == null ? "" : "00000000-0000-4000-8000-000000000000"))));
      assertEquals("UnrecognizedClientException", errorCode(() -> wrongKey.describeKey(b -> b
          .keyId("00000000-0000-4000-8000-000000000000"))));
    }
    // an unsigned request, on the wire: the AWS error shape
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(server.endpoint() + "/"))
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("X-Amz-Target", "TrentService.DescribeKey")
        .POST(HttpRequest.BodyPublishers.ofString("{\"KeyId\":\"x\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, r.statusCode());
    assertEquals("MissingAuthenticationTokenException",
        r.headers().firstValue("x-amzn-ErrorType").orElseThrow());
    JsonNode body = JSON.readTree(r.body());
    assertEquals("MissingAuthenticationTokenException", body.get("__type").asText());
    assertNotNull(body.get("message"));
  }

  @Test
  void stateSurvivesARestart() throws Exception {
    KeyMetadata key = createKey(LocalKmsMain.enclavePolicy(List.of(PCR_GOOD)));
    GenerateDataKeyResponse dk = kms.generateDataKey(b -> b.keyId(key.keyId())
        .keySpec(DataKeySpec.AES_256).recipient(recipient(PCR_GOOD, Instant.now())));
    byte[] dataKey = openForRecipient(dk.ciphertextForRecipient().asByteArray(),
        attestation.recipient.getPrivate());
    Path file = state.resolve("keys.json");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertFalse(Files.readString(file).contains(Base64Of.bytes(dataKey)));

    stop();
    startServer();
    DecryptResponse dec = kms.decrypt(b -> b.ciphertextBlob(dk.ciphertextBlob())
        .recipient(recipient(PCR_GOOD, Instant.now())));
    assertArrayEquals(dataKey, openForRecipient(dec.ciphertextForRecipient().asByteArray(),
        attestation.recipient.getPrivate()));
    // the policy survived too
    assertEquals("AccessDeniedException", errorCode(() -> kms.decrypt(b -> b
        .ciphertextBlob(dk.ciphertextBlob()).recipient(recipient(PCR_OTHER, Instant.now())))));
  }

  @Test
  void statusCountsCallsPerOperationAndOutcome() throws Exception {
    KeyMetadata key = createKey(LocalKmsMain.enclavePolicy(List.of(PCR_GOOD)));
    kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256)
        .recipient(recipient(PCR_GOOD, Instant.now())));
    kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256)
        .recipient(recipient(PCR_GOOD, Instant.now())));
    errorCode(() -> kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256)));
    errorCode(() -> kms.describeKey(b -> b.keyId("00000000-0000-4000-8000-000000000000")));

    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(server.endpoint() + "/status")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    JsonNode s = JSON.readTree(r.body());
    assertEquals(2, s.at("/calls/GenerateDataKey/allowed").asInt());
    assertEquals(1, s.at("/calls/GenerateDataKey/denied").asInt());
    assertEquals(1, s.at("/calls/CreateKey/allowed").asInt());
    assertEquals(1, s.at("/calls/DescribeKey/error").asInt());
    assertEquals(1, s.get("keys").size());
    assertEquals(key.keyId(), s.at("/keys/0/KeyId").asText());
    assertFalse(r.body().contains("Material"), "no key material in /status");
    assertEquals(2, server.stats().count("GenerateDataKey", CallStats.ALLOWED));
  }

  /** Base64 without importing java.util.Base64 twice. */
  private static final class Base64Of {
    static String bytes(byte[] b) {
      return java.util.Base64.getEncoder().encodeToString(b);
    }
  }
}
