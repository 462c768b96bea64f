package io.nitrosign.enclave.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.proto.v1.ErrorCode;
import java.io.InputStream;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cms.CMSAlgorithm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RecipientCmsTest {

  private static KeyPair rsa;

  @BeforeAll
  static void rsaKey() throws Exception {
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA", TestCms.BCFIPS);
    kpg.initialize(2048, new SecureRandom());
    rsa = kpg.generateKeyPair();
  }

  private static byte[] vector(String name) throws Exception {
    try (InputStream in = RecipientCmsTest.class.getResourceAsStream("/kms/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void parsesRealKmsVectorWithChunkedOctetStrings() throws Exception {
    RecipientCms.Parsed p = RecipientCms.parse(vector("kms_recipient_octetstring_chunks.ber"));
    assertEquals(1, p.recipientCount());
    assertEquals(32, p.recipientKeyId().length);
    assertEquals(PKCSObjectIdentifiers.id_RSAES_OAEP, p.keyEncryption().getAlgorithm());
    assertEquals(NISTObjectIdentifiers.id_aes256_CBC, p.contentEncryption());
    assertArrayEquals(HexFormat.of().parseHex("688C6D5F7F31B0FECEDF09F2E7C99AC9"), p.iv());
    assertEquals(48, p.encryptedContentBytes());
  }

  @Test
  void parsesRealKmsVectorWithContextSpecificContent() throws Exception {
    RecipientCms.Parsed p = RecipientCms.parse(vector("kms_recipient_context_specific_content.ber"));
    assertEquals(1, p.recipientCount());
    assertEquals(32, p.recipientKeyId().length);
    assertEquals(NISTObjectIdentifiers.id_aes256_CBC, p.contentEncryption());
    assertArrayEquals(HexFormat.of().parseHex("E66C1172AEE0F2F7BE34E3AFC6B0E4FE"), p.iv());
    assertEquals(16, p.encryptedContentBytes());
  }

  @Test
  void realVectorsDoNotDecryptWithAnotherKeyAndFailTyped() throws Exception {
    for (String name : new String[] {"kms_recipient_octetstring_chunks.ber",
        "kms_recipient_context_specific_content.ber"}) {
      EnclaveException e = assertThrows(EnclaveException.class,
          () -> RecipientCms.decrypt(vector(name), rsa.getPrivate(), TestCms.BCFIPS));
      assertEquals(ErrorCode.KMS_ERROR, e.code());
      assertEquals("kms response did not decrypt", e.detail());
    }
  }

  @Test
  void roundTripsBerStreamedAndDefiniteEnvelopedData() throws Exception {
    byte[] dataKey = new byte[32];
    new SecureRandom().nextBytes(dataKey);
    for (boolean streamed : new boolean[] {true, false}) {
      byte[] cms = TestCms.envelop(dataKey, rsa.getPublic(), streamed);
      RecipientCms.Parsed p = RecipientCms.parse(cms);
      assertEquals(48, p.encryptedContentBytes());
      try (SecretBytes plain = RecipientCms.decrypt(cms, rsa.getPrivate(), TestCms.BCFIPS)) {
        assertArrayEquals(dataKey, plain.copy());
      }
    }
  }

  @Test
  void refusesOtherAlgorithmsBeforeDecrypting() throws Exception {
    byte[] dataKey = new byte[32];
    byte[][] wrong = {
        TestCms.envelop(dataKey, rsa.getPublic(), false, TestCms.pkcs1v15(), CMSAlgorithm.AES256_CBC),
        TestCms.envelop(dataKey, rsa.getPublic(), false, TestCms.oaepSha1(), CMSAlgorithm.AES256_CBC),
        TestCms.envelop(dataKey, rsa.getPublic(), false, TestCms.oaepSha256(), CMSAlgorithm.AES128_CBC),
    };
    for (byte[] cms : wrong) {
      EnclaveException e = assertThrows(EnclaveException.class,
          () -> RecipientCms.decrypt(cms, rsa.getPrivate(), TestCms.BCFIPS));
      assertEquals(ErrorCode.KMS_ERROR, e.code());
      assertEquals("kms response is malformed", e.detail());
    }
  }

  @Test
  void refusesGarbageAndTruncation() throws Exception {
    byte[] good = TestCms.envelop(new byte[32], rsa.getPublic(), true);
    byte[][] bad = {new byte[0], "not cms".getBytes(), java.util.Arrays.copyOf(good, good.length / 2)};
    for (byte[] b : bad) {
      EnclaveException e = assertThrows(EnclaveException.class,
          () -> RecipientCms.decrypt(b, rsa.getPrivate(), TestCms.BCFIPS));
      assertEquals(ErrorCode.KMS_ERROR, e.code());
    }
  }
}
