package io.nitrosign.enclave.kms;

import io.nitrosign.chains.AttestationPurpose;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.nsm.NsmDevice;
import io.nitrosign.enclave.nsm.NsmException;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.proto.v1.ErrorCode;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.spec.RSAKeyGenParameterSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.TrustManager;
import org.bouncycastle.jcajce.provider.BouncyCastleFipsProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyEncryptionMechanism;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.RecipientInfo;

/**
 * KMS as an attested enclave uses it (the flow of aws-nitro-enclaves-sdk-c): a per-boot RSA-2048
 * key pair generated inside the enclave, and with every call a fresh NSM attestation document
 * whose {@code public_key} is that RSA key (DER SubjectPublicKeyInfo) and whose {@code user_data}
 * is the {@link AttestationPurpose#KMS_RECIPIENT} tag (KMS ignores user_data; the tag keeps the
 * document from being taken for any other purpose). KMS checks the document
 * against the key policy and answers with {@code CiphertextForRecipient} (CMS EnvelopedData to
 * the RSA key, see {@link RecipientCms}) instead of a plaintext, so the data key is never visible
 * outside the enclave, not to the parent, nor to the vsock proxy.
 *
 * <p>Errors are typed: no or expired credentials give CREDENTIALS_MISSING; any KMS refusal or
 * failure gives KMS_ERROR with a fixed detail. Only the AWS error code is logged, never the
 * exception message.
 */
public final class AttestedKmsClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AttestedKmsClient.class);
  private static final Set<String> CREDENTIAL_ERRORS =
      Set.of("ExpiredTokenException", "ExpiredToken", "UnrecognizedClientException");

  private final KmsClient kms;
  private final SdkHttpClient http;
  private final CredentialsHolder credentials;
  private final NsmDevice nsm;
  private final KeyPair recipientKey;
  private final byte[] recipientPublicKeyDer;
  private final Provider provider;

  private AttestedKmsClient(KmsClient kms, SdkHttpClient http, CredentialsHolder credentials,
      NsmDevice nsm, KeyPair recipientKey, Provider provider) {
    this.kms = kms;
    this.http = http;
    this.credentials = credentials;
    this.nsm = nsm;
    this.recipientKey = recipientKey;
    this.recipientPublicKeyDer = recipientKey.getPublic().getEncoded();
    this.provider = provider;
  }

  /**
   * Builds the client: generates this boot's RSA key pair from {@code random} (the enclave DRBG)
   * and the AWS SDK client for {@code endpoint}.
   */
  public static AttestedKmsClient create(KmsEndpointConfig endpoint, CredentialsHolder credentials,
      NsmDevice nsm, SecureRandom random) {
    return create(endpoint, credentials, nsm, random, PinnedTrust.amazonRoots());
  }

  /**
   * As {@link #create(KmsEndpointConfig, CredentialsHolder, NsmDevice, SecureRandom)}, with TLS
   * trusting only {@code trust} (the Amazon roots in production; a test CA in tests).
   */
  public static AttestedKmsClient create(KmsEndpointConfig endpoint, CredentialsHolder credentials,
      NsmDevice nsm, SecureRandom random, PinnedTrust trust) {
    Provider provider = BcFips.provider();
    KeyPair rsa = generateRsa(provider, random);
    SdkHttpClient http = httpClient(endpoint, random, trust);
    KmsClientBuilder builder = KmsClient.builder()
        .region(Region.of(endpoint.region()))
        .credentialsProvider(credentials)
        .httpClient(http)
        .overrideConfiguration(o -> o
            .apiCallTimeout(Duration.ofSeconds(30))
            .apiCallAttemptTimeout(Duration.ofSeconds(10)));
    endpoint.endpointOverride().ifPresent(builder::endpointOverride);
    return new AttestedKmsClient(builder.build(), http, credentials, nsm, rsa, provider);
  }

  /** A data key: the plaintext (only ever inside the enclave) and the blob the parent stores. */
  public record DataKey(SecretBytes plaintext, byte[] ciphertextBlob) implements AutoCloseable {
    @Override
    public void close() {
      plaintext.close();
    }

    @Override
    public String toString() {
      return "DataKey[" + plaintext + ", blob " + ciphertextBlob.length + " bytes]";
    }
  }

  /**
   * {@code GenerateDataKey(KeyId, AES_256, EncryptionContext, Recipient)}; the plaintext is opened
   * in here. KMS binds {@code encryptionContext} into the blob: Decrypt needs the same one.
   */
  public DataKey generateDataKey(String keyId, Map<String, String> encryptionContext)
      throws EnclaveException {
    Map<String, String> context = requireContext(encryptionContext);
    RecipientInfo recipient = recipient();
    GenerateDataKeyResponse response = call("GenerateDataKey", () -> kms.generateDataKey(r -> r
        .keyId(keyId)
        .keySpec(DataKeySpec.AES_256)
        .encryptionContext(context)
        .recipient(recipient)));
    if (response.plaintext() != null || response.ciphertextForRecipient() == null
        || response.ciphertextBlob() == null) {
      LOG.warn("KMS GenerateDataKey answered without CiphertextForRecipient");
      throw new EnclaveException(ErrorCode.KMS_ERROR, "kms response is malformed");
    }
    SecretBytes plaintext = open(response.ciphertextForRecipient());
    return new DataKey(plaintext, response.ciphertextBlob().asByteArray());
  }

  /**
   * {@code Decrypt(CiphertextBlob, KeyId, EncryptionContext, Recipient)}; the plaintext is opened
   * in here. KMS refuses (InvalidCiphertextException) unless the context is the one the blob was
   * generated with.
   */
  public SecretBytes decrypt(String keyId, byte[] ciphertextBlob,
      Map<String, String> encryptionContext) throws EnclaveException {
    Map<String, String> context = requireContext(encryptionContext);
    RecipientInfo recipient = recipient();
    DecryptResponse response = call("Decrypt", () -> kms.decrypt(r -> r
        .keyId(keyId)
        .ciphertextBlob(SdkBytes.fromByteArray(ciphertextBlob))
        .encryptionContext(context)
        .recipient(recipient)));
    if (response.plaintext() != null || response.ciphertextForRecipient() == null) {
      LOG.warn("KMS Decrypt answered without CiphertextForRecipient");
      throw new EnclaveException(ErrorCode.KMS_ERROR, "kms response is malformed");
    }
    return open(response.ciphertextForRecipient());
  }

  /** Every call the enclave makes names its deployment, share kind and version. */
  private static Map<String, String> requireContext(Map<String, String> encryptionContext) {
    if (encryptionContext == null || encryptionContext.isEmpty()) {
      throw new IllegalArgumentException("an encryption context is required");
    }
    return Map.copyOf(encryptionContext);
  }

  /** This boot's RSA public key (DER SubjectPublicKeyInfo), as put into attestation documents. */
  public byte[] recipientPublicKey() {
    return recipientPublicKeyDer.clone();
  }

  private SecretBytes open(SdkBytes ciphertextForRecipient) throws EnclaveException {
    return RecipientCms.decrypt(
        ciphertextForRecipient.asByteArrayUnsafe(), recipientKey.getPrivate(), provider);
  }

  /** A fresh document per call: KMS refuses documents older than five minutes. */
  private RecipientInfo recipient() throws EnclaveException {
    if (credentials.usable().isEmpty()) {
      throw credentialsMissing();
    }
    byte[] document;
    try {
      document = nsm.attestation(AttestationPurpose.KMS_RECIPIENT.tag(), null,
          recipientPublicKeyDer);
    } catch (NsmException e) {
      LOG.warn("NSM attestation for KMS failed: {}", e.code());
      throw new EnclaveException(ErrorCode.NSM_ERROR, "attestation failed");
    }
    return RecipientInfo.builder()
        .keyEncryptionAlgorithm(KeyEncryptionMechanism.RSAES_OAEP_SHA_256)
        .attestationDocument(SdkBytes.fromByteArray(document))
        .build();
  }

  private static <T> T call(String operation, Supplier<T> call) throws EnclaveException {
    try {
      return call.get();
    } catch (KmsException e) {
      String code = e.awsErrorDetails() == null ? "unknown" : e.awsErrorDetails().errorCode();
      LOG.warn("KMS {} refused: {} (HTTP {})", operation, code, e.statusCode());
      if (CREDENTIAL_ERRORS.contains(code)) {
        throw credentialsMissing();
      }
      if ("AccessDeniedException".equals(code)) {
        throw new EnclaveException(ErrorCode.KMS_ERROR, "kms denied access");
      }
      throw new EnclaveException(ErrorCode.KMS_ERROR, "kms refused the request");
    } catch (SdkClientException e) {
      if (causedByMissingCredentials(e)) {
        throw credentialsMissing();
      }
      LOG.warn("KMS {} failed on the client side: {}", operation, e.getClass().getName());
      throw new EnclaveException(ErrorCode.KMS_ERROR, "kms unreachable");
    } catch (CredentialsHolder.CredentialsMissingException e) {
      throw credentialsMissing();
    } catch (SdkException e) {
      LOG.warn("KMS {} failed: {}", operation, e.getClass().getName());
      throw new EnclaveException(ErrorCode.KMS_ERROR, "kms request failed");
    }
  }

  private static boolean causedByMissingCredentials(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof CredentialsHolder.CredentialsMissingException) {
        return true;
      }
    }
    return false;
  }

  private static EnclaveException credentialsMissing() {
    return new EnclaveException(ErrorCode.CREDENTIALS_MISSING, "aws credentials missing or expired");
  }

  private static KeyPair generateRsa(Provider provider, SecureRandom random) {
    try {
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA", provider);
      kpg.initialize(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4), random);
      return kpg.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate the KMS recipient RSA key", e);
    }
  }

  /**
   * TLS trusts only {@code trust}, never the JDK's trust store: through the vsock proxy the
   * pinned context is the socket factory's; on a direct https endpoint (a FIPS endpoint, tests)
   * the SDK's Apache client gets the same trust managers. A plain-http endpoint (the devkit's
   * local KMS, local mode only) has no TLS to pin.
   */
  private static SdkHttpClient httpClient(KmsEndpointConfig endpoint, SecureRandom random,
      PinnedTrust trust) {
    TrustManager[] trustManagers = trust.trustManagers();
    ApacheHttpClient.Builder http = ApacheHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(5))
        .socketTimeout(Duration.ofSeconds(10))
        .maxConnections(4)
        .tlsTrustManagersProvider(() -> trustManagers);
    endpoint.vsockProxy().ifPresent(proxy -> {
      VsockTlsSocketFactory factory =
          new VsockTlsSocketFactory(trust.sslContext(random), proxy, endpoint.kmsHost());
      http.socketFactory(factory).dnsResolver(factory.dnsResolver());
    });
    return http.build();
  }

  /**
   * Closes the SDK client. The RSA private key is dropped with this object; bc-fips key objects
   * cannot be wiped from outside, which {@code docs/architecture.md} says.
   */
  @Override
  public void close() {
    kms.close();
    http.close();
  }

  /** The one BC-FIPS JCA provider instance the enclave's KMS code uses. */
  static final class BcFips {
    private static final Provider PROVIDER = new BouncyCastleFipsProvider();

    private BcFips() {}

    static Provider provider() {
      return PROVIDER;
    }
  }
}
