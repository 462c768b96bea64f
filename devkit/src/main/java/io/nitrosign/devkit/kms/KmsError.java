package io.nitrosign.devkit.kms;

/**
 * An error the local KMS answers with, in the AWS JSON protocol's shape: an HTTP status, an error
 * type (the {@code __type} field and the {@code x-amzn-ErrorType} header, exactly the names AWS KMS
 * uses) and a message. The message never contains key material, plaintext or blobs.
 */
public final class KmsError extends RuntimeException {

  private final int status;
  private final String type;

  public KmsError(int status, String type, String message) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public static KmsError accessDenied(String message) {
    return new KmsError(400, "AccessDeniedException", message);
  }

  public static KmsError notFound(String message) {
    return new KmsError(400, "NotFoundException", message);
  }

  public static KmsError validation(String message) {
    return new KmsError(400, "ValidationException", message);
  }

  public static KmsError invalidCiphertext(String message) {
    return new KmsError(400, "InvalidCiphertextException", message);
  }

  public static KmsError incorrectKey(String message) {
    return new KmsError(400, "IncorrectKeyException", message);
  }

  public static KmsError serialization(String message) {
    return new KmsError(400, "SerializationException", message);
  }

  public static KmsError malformedPolicy(String message) {
    return new KmsError(400, "MalformedPolicyDocumentException", message);
  }

  public static KmsError unsupported(String message) {
    return new KmsError(400, "UnsupportedOperationException", message);
  }

  public static KmsError invalidKeyUsage(String message) {
    return new KmsError(400, "InvalidKeyUsageException", message);
  }

  public static KmsError internal(String message) {
    return new KmsError(500, "KMSInternalException", message);
  }
}
