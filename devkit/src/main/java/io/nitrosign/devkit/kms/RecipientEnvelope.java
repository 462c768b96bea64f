package io.nitrosign.devkit.kms;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;

/**
 * {@code CiphertextForRecipient} as AWS KMS builds it: a CMS ContentInfo holding an EnvelopedData
 * with one KeyTransRecipientInfo (RSAES-OAEP with SHA-256 and MGF1-SHA-256, the recipient named by
 * a subject key identifier: SHA-256 of its SubjectPublicKeyInfo) and the content encrypted with
 * AES-256-CBC. Encoded in DER (AWS sends BER with indefinite lengths; parsers take both).
 */
final class RecipientEnvelope {

  private static final int MIN_RSA_BITS = 2048;

  private RecipientEnvelope() {}

  /** Parses the recipient's public key; anything but an RSA key of 2048+ bits is refused. */
  static PublicKey rsaPublicKey(byte[] spkiDer) {
    try {
      PublicKey key = KeyFactory.getInstance("RSA", Fips.provider())
          .generatePublic(new X509EncodedKeySpec(spkiDer));
      if (!(key instanceof RSAPublicKey rsa) || rsa.getModulus().bitLength() < MIN_RSA_BITS) {
        throw KmsError.validation("The attestation document's public key must be an RSA key of "
            + "at least " + MIN_RSA_BITS + " bits.");
      }
      return key;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw KmsError.validation("The attestation document's public key is not a DER RSA "
          + "SubjectPublicKeyInfo.");
    }
  }

  static byte[] seal(byte[] plaintext, byte[] recipientSpkiDer) {
    PublicKey key = rsaPublicKey(recipientSpkiDer);
    try {
      AlgorithmIdentifier oaep = new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(
          PKCSObjectIdentifiers.id_RSAES_OAEP, new OAEPParameterSpec("SHA-256", "MGF1",
              MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
      byte[] ski = MessageDigest.getInstance("SHA-256").digest(recipientSpkiDer);
      CMSEnvelopedDataGenerator gen = new CMSEnvelopedDataGenerator();
      gen.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(ski, oaep, key)
          .setProvider(Fips.PROVIDER));
      CMSEnvelopedData data = gen.generate(new CMSProcessableByteArray(plaintext),
          new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_CBC)
              .setProvider(Fips.PROVIDER).setSecureRandom(Fips.secureRandom()).build());
      return data.toASN1Structure().getEncoded(ASN1Encoding.DER);
    } catch (GeneralSecurityException | CMSException | IOException e) {
      throw KmsError.internal("could not build CiphertextForRecipient");
    }
  }
}
