package io.nitrosign.parent.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nitrosign.parent.Hex;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.ErrorCodes;
import io.nitrosign.parent.api.JsonBodies;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * A validated {@code POST /v1/wallets/{id}/rpc} body. Exactly one of {@code message}
 * (personal_sign) and {@code hash} (secp256k1_sign) is set. {@code attest} is our extension
 * (top-level {@code "attest": true}, {@code "attestation_mode"}, {@code "nonce"}): null when no
 * proof was asked for.
 */
public record RpcRequest(String method, byte[] message, byte[] hash, Attest attest) {

  /** Proof requested for the signature: {@code fresh} or {@code fast}, and the caller's nonce. */
  public record Attest(String mode, byte[] nonce) {
    public static final String FRESH = "fresh";
    public static final String FAST = "fast";
    /** The largest nonce (the NSM's documented limit). */
    public static final int MAX_NONCE_BYTES = 512;
  }

  public static final String PERSONAL_SIGN = "personal_sign";
  public static final String SECP256K1_SIGN = "secp256k1_sign";
  public static final Set<String> METHODS = Set.of(PERSONAL_SIGN, SECP256K1_SIGN);
  /** The largest personal_sign message, in bytes after decoding. */
  public static final int MAX_MESSAGE_BYTES = 64 * 1024;

  private static final Set<String> TOP_FIELDS =
      Set.of("method", "params", "chain_type", "attest", "attestation_mode", "nonce");
  private static final Set<String> PERSONAL_FIELDS = Set.of("message", "encoding");
  private static final Set<String> RAW_FIELDS = Set.of("hash");

  /** The method named by the body, checked against the supported ones. */
  public static String method(ObjectNode root) {
    String method = JsonBodies.requiredText(root, "", "method");
    if (!METHODS.contains(method)) {
      throw new ApiException(400, ErrorCodes.UNSUPPORTED_METHOD,
          "unsupported method; supported: personal_sign, secp256k1_sign");
    }
    return method;
  }

  /** Validates the rest of the body for a supported {@code method}. */
  public static RpcRequest parse(ObjectNode root, String method, String walletChainType) {
    JsonBodies.onlyFields(root, "", TOP_FIELDS);
    String chainType = JsonBodies.optionalText(root, "", "chain_type");
    if (chainType != null && !chainType.equals(walletChainType)) {
      throw ApiException.invalidRequest("chain_type does not match the wallet's chain type");
    }
    Attest attest = attest(root);
    ObjectNode params = JsonBodies.requiredObject(root, "", "params");
    if (PERSONAL_SIGN.equals(method)) {
      JsonBodies.onlyFields(params, "params.", PERSONAL_FIELDS);
      String message = JsonBodies.requiredText(params, "params.", "message");
      String encoding = JsonBodies.optionalText(params, "params.", "encoding");
      byte[] bytes;
      if (encoding == null || encoding.equals("utf-8") || encoding.equals("utf8")) {
        bytes = message.getBytes(StandardCharsets.UTF_8);
      } else if (encoding.equals("hex")) {
        if (message.length() > 2 * MAX_MESSAGE_BYTES + 2) {
          throw tooLong();
        }
        try {
          bytes = Hex.decode(message);
        } catch (IllegalArgumentException e) {
          throw ApiException.invalidRequest("params.message is not valid hex (" + e.getMessage() + ")");
        }
      } else {
        throw ApiException.invalidRequest("params.encoding must be \"utf-8\" or \"hex\"");
      }
      if (bytes.length > MAX_MESSAGE_BYTES) {
        throw tooLong();
      }
      return new RpcRequest(method, bytes, null, attest);
    }
    JsonBodies.onlyFields(params, "params.", RAW_FIELDS);
    String hash = JsonBodies.requiredText(params, "params.", "hash");
    byte[] digest;
    try {
      digest = Hex.decode(hash);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidRequest("params.hash must be 32 bytes of hex");
    }
    if (digest.length != 32) {
      throw ApiException.invalidRequest("params.hash must be 32 bytes of hex");
    }
    return new RpcRequest(method, null, digest, attest);
  }

  /** {@code "attest": true} with optional {@code "attestation_mode"} and {@code "nonce"} (hex). */
  private static Attest attest(ObjectNode root) {
    JsonNode flag = root.get("attest");
    boolean on = false;
    if (flag != null && !flag.isNull()) {
      if (!flag.isBoolean()) {
        throw ApiException.invalidRequest("field attest must be a boolean");
      }
      on = flag.booleanValue();
    }
    String mode = JsonBodies.optionalText(root, "", "attestation_mode");
    String nonceHex = JsonBodies.optionalText(root, "", "nonce");
    if (!on) {
      if (mode != null || nonceHex != null) {
        throw ApiException.invalidRequest("attestation_mode and nonce require \"attest\": true");
      }
      return null;
    }
    if (mode == null) {
      mode = Attest.FRESH;
    } else if (!mode.equals(Attest.FRESH) && !mode.equals(Attest.FAST)) {
      throw ApiException.invalidRequest("attestation_mode must be \"fresh\" or \"fast\"");
    }
    byte[] nonce = new byte[0];
    if (nonceHex != null) {
      if (nonceHex.length() > 2 * Attest.MAX_NONCE_BYTES + 2) {
        throw ApiException.invalidRequest("nonce exceeds " + Attest.MAX_NONCE_BYTES + " bytes");
      }
      try {
        nonce = Hex.decode(nonceHex);
      } catch (IllegalArgumentException e) {
        throw ApiException.invalidRequest("nonce is not valid hex");
      }
      if (nonce.length > Attest.MAX_NONCE_BYTES) {
        throw ApiException.invalidRequest("nonce exceeds " + Attest.MAX_NONCE_BYTES + " bytes");
      }
    }
    return new Attest(mode, nonce);
  }

  /** The method name if the body names one as a short identifier (for the audit log). */
  public static String auditableMethod(JsonNode root) {
    JsonNode m = root == null ? null : root.get("method");
    if (m == null || !m.isTextual()) {
      return null;
    }
    String s = m.textValue();
    return s.matches("[A-Za-z0-9_]{1,64}") ? s : null;
  }

  private static ApiException tooLong() {
    return ApiException.invalidRequest("params.message exceeds " + MAX_MESSAGE_BYTES + " bytes");
  }

  @Override
  public String toString() {
    return "RpcRequest[" + method + "]";
  }
}
