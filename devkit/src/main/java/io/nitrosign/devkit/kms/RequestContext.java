package io.nitrosign.devkit.kms;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the condition context a key policy is evaluated against. */
public final class RequestContext {

  public static final String IMAGE_SHA384 = "kms:RecipientAttestation:ImageSha384";
  public static final String PCR_PREFIX = "kms:RecipientAttestation:PCR";
  public static final String ENCRYPTION_CONTEXT_PREFIX = "kms:EncryptionContext:";

  private RequestContext() {}

  /**
   * The condition keys of one request: the encryption context's pairs and, when the request
   * carried a verified attestation document, {@code ImageSha384} (= PCR0) and every PCR, in
   * lowercase hex.
   */
  public static Map<String, String> of(Map<String, String> encryptionContext,
      AttestationCheck.AttestedRecipient recipient) {
    Map<String, String> ctx = new LinkedHashMap<>();
    encryptionContext.forEach((k, v) -> ctx.put(ENCRYPTION_CONTEXT_PREFIX + k, v));
    if (recipient != null) {
      HexFormat hex = HexFormat.of();
      recipient.pcrs().forEach((i, v) -> ctx.put(PCR_PREFIX + i, hex.formatHex(v)));
      byte[] pcr0 = recipient.pcrs().get(0);
      if (pcr0 != null) {
        ctx.put(IMAGE_SHA384, hex.formatHex(pcr0));
      }
    }
    return ctx;
  }
}
