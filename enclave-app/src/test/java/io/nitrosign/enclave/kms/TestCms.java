package io.nitrosign.enclave.kms;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;

/**
 * Builds CMS EnvelopedData the way KMS does for a Recipient (RSAES-OAEP-SHA-256 key transport to
 * a subject key identifier, AES-256-CBC content), with bcpkix-fips. Test code.
 */
final class TestCms {

  private TestCms() {}

  static final Provider BCFIPS = AttestedKmsClient.BcFips.provider();
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  /**
   * @param streamed true for BER with indefinite lengths and chunked content (as KMS sends),
   *     false for a definite-length encoding
   */
  static byte[] envelop(byte[] plaintext, PublicKey recipient, boolean streamed) throws Exception {
    return envelop(plaintext, recipient, streamed, oaepSha256(), CMSAlgorithm.AES256_CBC);
  }

  static byte[] envelop(byte[] plaintext, PublicKey recipient, boolean streamed,
      AlgorithmIdentifier keyTransport, ASN1ObjectIdentifier contentCipher) throws Exception {
    byte[] ski = MessageDigest.getInstance("SHA-256").digest(recipient.getEncoded());
    JceKeyTransRecipientInfoGenerator ri =
        new JceKeyTransRecipientInfoGenerator(ski, keyTransport, recipient).setProvider(BCFIPS);
    OutputEncryptor encryptor =
        new JceCMSContentEncryptorBuilder(contentCipher).setProvider(BCFIPS)
            .setSecureRandom(RANDOM).build();
    if (streamed) {
      CMSEnvelopedDataStreamGenerator gen = new CMSEnvelopedDataStreamGenerator();
      gen.addRecipientInfoGenerator(ri);
      gen.setBufferSize(16);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (OutputStream content = gen.open(out, encryptor)) {
        content.write(plaintext);
      }
      return out.toByteArray();
    }
    CMSEnvelopedDataGenerator gen = new CMSEnvelopedDataGenerator();
    gen.addRecipientInfoGenerator(ri);
    return gen.generate(new CMSProcessableByteArray(plaintext), encryptor).getEncoded();
  }

  static AlgorithmIdentifier oaepSha256() throws Exception {
    return new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(
        PKCSObjectIdentifiers.id_RSAES_OAEP,
        new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
  }

  static AlgorithmIdentifier oaepSha1() throws Exception {
    return new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(
        PKCSObjectIdentifiers.id_RSAES_OAEP,
        new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT));
  }

  static AlgorithmIdentifier pkcs1v15() {
    return new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption);
  }
}
