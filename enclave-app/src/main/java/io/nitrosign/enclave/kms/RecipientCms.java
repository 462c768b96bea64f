package io.nitrosign.enclave.kms;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.enclave.secret.Wipe;
import io.nitrosign.proto.v1.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.security.PrivateKey;
import java.security.Provider;
import java.util.Arrays;
import java.util.Collection;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.EncryptedContentInfo;
import org.bouncycastle.asn1.cms.EnvelopedData;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSTypedStream;
import org.bouncycastle.cms.KeyTransRecipientInformation;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens KMS's {@code CiphertextForRecipient}: a CMS {@code ContentInfo} holding an
 * {@code EnvelopedData} (version 2) with exactly one {@code KeyTransRecipientInfo} (recipient
 * identified by a 32-byte subject key identifier) whose key encryption is RSAES-OAEP with SHA-256
 * and MGF1-SHA-256, and content encrypted with AES-256-CBC (16-byte IV in the parameters).
 *
 * <p>KMS encodes it as BER with indefinite lengths, and the encrypted content either as a
 * constructed {@code [0]} of OCTET STRING chunks or as a primitive {@code [0]}; bcpkix-fips's
 * parser accepts both. Anything else (another key transport, PKCS#1 v1.5, another hash, another
 * content cipher, several recipients) is refused before any decryption happens.
 *
 * <p>Wiping: the plaintext is read from BC's decrypting stream straight into a buffer we own and
 * then into a {@link SecretBytes}; that buffer is wiped. The content-encryption key unwrapped by
 * RSA-OAEP and the AES-CBC state live inside bcpkix-fips/bc-fips objects we cannot wipe; they are
 * unreachable when this method returns.
 */
public final class RecipientCms {

  private static final Logger LOG = LoggerFactory.getLogger(RecipientCms.class);

  /** The largest plaintext accepted (a KMS data key is 32 bytes; AES-512 does not exist). */
  public static final int MAX_PLAINTEXT_BYTES = 64;

  private RecipientCms() {}

  /** What the structure says, for checks and tests; holds no secrets. */
  public record Parsed(
      int recipientCount,
      byte[] recipientKeyId,
      AlgorithmIdentifier keyEncryption,
      ASN1ObjectIdentifier contentEncryption,
      byte[] iv,
      int encryptedContentBytes) {}

  /**
   * Parses and checks the structure, without decrypting.
   *
   * @throws EnclaveException KMS_ERROR if it is not the EnvelopedData KMS sends
   */
  public static Parsed parse(byte[] ciphertextForRecipient) throws EnclaveException {
    try {
      ContentInfo info = ContentInfo.getInstance(ASN1Primitive.fromByteArray(ciphertextForRecipient));
      if (!PKCSObjectIdentifiers.envelopedData.equals(info.getContentType())) {
        throw malformed("content type is not EnvelopedData");
      }
      EnvelopedData env = EnvelopedData.getInstance(info.getContent());
      int recipients = env.getRecipientInfos().size();
      if (recipients != 1) {
        throw malformed("expected exactly one recipient");
      }
      org.bouncycastle.asn1.cms.RecipientInfo ri =
          org.bouncycastle.asn1.cms.RecipientInfo.getInstance(env.getRecipientInfos().getObjectAt(0));
      if (!(ri.getInfo() instanceof org.bouncycastle.asn1.cms.KeyTransRecipientInfo)) {
        throw malformed("recipient is not key transport");
      }
      org.bouncycastle.asn1.cms.KeyTransRecipientInfo ktri =
          (org.bouncycastle.asn1.cms.KeyTransRecipientInfo) ri.getInfo();
      byte[] rid = ktri.getRecipientIdentifier().getId() instanceof ASN1OctetString
          ? ((ASN1OctetString) ktri.getRecipientIdentifier().getId()).getOctets()
          : new byte[0];
      AlgorithmIdentifier keyEnc = ktri.getKeyEncryptionAlgorithm();
      checkOaepSha256(keyEnc);
      EncryptedContentInfo eci = env.getEncryptedContentInfo();
      AlgorithmIdentifier contentAlg = eci.getContentEncryptionAlgorithm();
      if (!NISTObjectIdentifiers.id_aes256_CBC.equals(contentAlg.getAlgorithm())) {
        throw malformed("content cipher is not AES-256-CBC");
      }
      byte[] iv = ASN1OctetString.getInstance(contentAlg.getParameters()).getOctets();
      if (iv.length != 16) {
        throw malformed("AES-CBC IV is not 16 bytes");
      }
      ASN1OctetString content = eci.getEncryptedContent();
      if (content == null || content.getOctets().length == 0
          || content.getOctets().length % 16 != 0) {
        throw malformed("encrypted content missing or not whole AES blocks");
      }
      return new Parsed(recipients, rid, keyEnc, contentAlg.getAlgorithm(), iv,
          content.getOctets().length);
    } catch (IOException | RuntimeException e) {
      throw malformed("not a CMS EnvelopedData (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * Checks the structure ({@link #parse}) and decrypts it with the enclave's RSA private key.
   *
   * @throws EnclaveException KMS_ERROR if the structure is unexpected or decryption fails
   */
  public static SecretBytes decrypt(byte[] ciphertextForRecipient, PrivateKey recipientKey,
      Provider provider) throws EnclaveException {
    parse(ciphertextForRecipient);
    byte[] buffer = new byte[MAX_PLAINTEXT_BYTES + 1];
    int n = 0;
    try {
      CMSEnvelopedData envelope = new CMSEnvelopedData(ciphertextForRecipient);
      Collection<RecipientInformation> recipients = envelope.getRecipientInfos().getRecipients();
      RecipientInformation recipient = recipients.iterator().next();
      if (!(recipient instanceof KeyTransRecipientInformation)) {
        throw malformed("recipient is not key transport");
      }
      CMSTypedStream typed = recipient.getContentStream(
          new JceKeyTransEnvelopedRecipient(recipientKey).setProvider(provider));
      try (InputStream in = typed.getContentStream()) {
        int r;
        while (n < buffer.length && (r = in.read(buffer, n, buffer.length - n)) > 0) {
          n += r;
        }
      }
      if (n == 0 || n > MAX_PLAINTEXT_BYTES) {
        throw new EnclaveException(ErrorCode.KMS_ERROR, "kms plaintext has an unexpected size");
      }
      return SecretBytes.takeOwnership(Arrays.copyOf(buffer, n));
    } catch (CMSException | IOException | RuntimeException e) {
      LOG.warn("CiphertextForRecipient did not decrypt ({})", e.getClass().getName());
      throw new EnclaveException(ErrorCode.KMS_ERROR, "kms response did not decrypt");
    } finally {
      Wipe.wipe(buffer);
    }
  }

  private static void checkOaepSha256(AlgorithmIdentifier keyEnc) throws EnclaveException {
    if (!PKCSObjectIdentifiers.id_RSAES_OAEP.equals(keyEnc.getAlgorithm())) {
      throw malformed("key transport is not RSAES-OAEP");
    }
    RSAESOAEPparams params = RSAESOAEPparams.getInstance(keyEnc.getParameters());
    if (!NISTObjectIdentifiers.id_sha256.equals(params.getHashAlgorithm().getAlgorithm())) {
      throw malformed("OAEP hash is not SHA-256");
    }
    AlgorithmIdentifier mgf = params.getMaskGenAlgorithm();
    if (!PKCSObjectIdentifiers.id_mgf1.equals(mgf.getAlgorithm())
        || !NISTObjectIdentifiers.id_sha256.equals(
            AlgorithmIdentifier.getInstance(mgf.getParameters()).getAlgorithm())) {
      throw malformed("OAEP mask generation is not MGF1 with SHA-256");
    }
    AlgorithmIdentifier pSource = params.getPSourceAlgorithm();
    if (!PKCSObjectIdentifiers.id_pSpecified.equals(pSource.getAlgorithm())
        || ASN1OctetString.getInstance(pSource.getParameters()).getOctets().length != 0) {
      throw malformed("OAEP label must be empty");
    }
  }

  private static EnclaveException malformed(String why) {
    // the reason is logged (it names structure, never content); the parent sees a fixed text
    LOG.warn("unexpected CiphertextForRecipient: {}", why);
    return new EnclaveException(ErrorCode.KMS_ERROR, "kms response is malformed");
  }
}
