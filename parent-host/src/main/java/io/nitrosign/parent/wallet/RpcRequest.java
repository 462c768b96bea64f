package io.nitrosign.parent.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nitrosign.parent.Hex;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.JsonBodies;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The envelope of a {@code POST /v1/wallets/{id}/rpc} body: {@code method}, {@code params} (checked
 * by the method itself, see {@link io.nitrosign.parent.rpc.RpcMethod}), the optional
 * {@code chain_type} (must match the wallet's), our extension {@code attest} (top-level
 * {@code "attest": true}, {@code "attestation_mode"}, {@code "nonce"}): null when no proof was
 * asked for, and {@code "dry_run": true}: evaluate the wallet's policies on the request and
 * return the decision and the decoded payload, signing nothing.
 *
 * <p>The optional fields Privy's SDK may send are accepted and checked ({@link #checkEnvelope}):
 * {@code chain_type} (ours or a Privy alias), {@code address} and {@code wallet_id} must name this
 * wallet; {@code signature_options} ({@code personal_sign}, {@code eth_signTypedData_v4}) may ask
 * only for {@code {"type": "ecdsa"}}, the signature these methods produce; {@code reference_id}
 * (Privy's caller reference) is a string of 1 to 128 characters, recorded in the audit row.
 */
public record RpcRequest(String method, ObjectNode params, Attest attest, boolean dryRun,
    String referenceId) {

  /** Proof requested for the signature: {@code fresh} or {@code fast}, and the caller's nonce. */
  public record Attest(String mode, byte[] nonce) {
    public static final String FRESH = "fresh";
    public static final String FAST = "fast";
    /** The largest nonce (the NSM's documented limit). */
    public static final int MAX_NONCE_BYTES = 512;
  }

  private static final Set<String> TOP_FIELDS =
      Set.of("method", "params", "chain_type", "caip2", "attest", "attestation_mode", "nonce",
          "dry_run", "address", "wallet_id", "reference_id", "signature_options");

  /** The methods whose signature {@code signature_options} chooses (Privy's). */
  private static final Set<String> SIGNATURE_OPTION_METHODS =
      Set.of("personal_sign", "eth_signTypedData_v4");

  /** The longest {@code reference_id}. */
  static final int MAX_REFERENCE_ID = 128;

  /** The method named by the body (present and a string; whether it exists is the caller's). */
  public static String method(ObjectNode root) {
    return JsonBodies.requiredText(root, "", "method");
  }

  /** Validates the envelope for {@code wallet}. */
  public static RpcRequest parse(ObjectNode root, String method, Wallet wallet) {
    JsonBodies.onlyFields(root, "", TOP_FIELDS);
    checkEnvelope(root, wallet);
    signatureOptions(root, method);
    String referenceId = JsonBodies.optionalText(root, "", "reference_id");
    if (referenceId != null && (referenceId.isEmpty() || referenceId.length() > MAX_REFERENCE_ID)) {
      throw ApiException.invalidRequest("reference_id must be 1 to " + MAX_REFERENCE_ID
          + " characters");
    }
    // Privy's CAIP-2 chain reference: chain ids come from the payload; methods whose payload
    // names a chain (eth_signTransaction, eth_sign7702Authorization) check that it matches
    JsonBodies.optionalText(root, "", "caip2");
    Attest attest = attest(root);
    boolean dryRun = dryRun(root);
    if (dryRun && attest != null) {
      throw ApiException.invalidRequest("attest cannot be combined with dry_run (nothing is signed)");
    }
    ObjectNode params = JsonBodies.requiredObject(root, "", "params");
    return new RpcRequest(method, params, attest, dryRun, referenceId);
  }

  /** What the request adds to its audit row: its {@code reference_id}, if any. */
  public Map<String, Object> audit() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (referenceId != null) {
      m.put("reference_id", referenceId);
    }
    return m;
  }

  /**
   * The fields of Privy's request envelope that name the wallet, where given: {@code chain_type}
   * (ours or a Privy alias of it), {@code address} (Ethereum in any letter case; a Bitcoin wallet's
   * P2WPKH or P2TR address) and {@code wallet_id} must all be this wallet's; 400 otherwise.
   */
  public static void checkEnvelope(ObjectNode root, Wallet wallet) {
    String chainType = JsonBodies.optionalText(root, "", "chain_type");
    if (chainType != null && !wallet.chain().isNamedBy(chainType)) {
      throw ApiException.invalidRequest("chain_type does not match the wallet's chain type");
    }
    String address = JsonBodies.optionalText(root, "", "address");
    if (address != null && !isAddressOf(address, wallet)) {
      throw ApiException.invalidRequest("address is not the wallet's address");
    }
    String walletId = JsonBodies.optionalText(root, "", "wallet_id");
    if (walletId != null && !walletId.equals(wallet.id())) {
      throw ApiException.invalidRequest("wallet_id is not the id of the wallet in the path");
    }
  }

  /** The wallet's stored address (Ethereum: any letter case), or a Bitcoin wallet's P2TR one. */
  private static boolean isAddressOf(String address, Wallet wallet) {
    if (address.equals(wallet.address()) || wallet.chain() == ChainType.ETHEREUM
        && address.equalsIgnoreCase(wallet.address())) {
      return true;
    }
    return wallet.chain().isBitcoin() && wallet.chain().sameAddress(address, wallet.publicKey());
  }

  /** {@code signature_options}: only {@code {"type": "ecdsa"}}, only where Privy takes it. */
  private static void signatureOptions(ObjectNode root, String method) {
    JsonNode options = root.get("signature_options");
    if (options == null || options.isNull()) {
      return;
    }
    if (!SIGNATURE_OPTION_METHODS.contains(method)) {
      throw ApiException.invalidRequest(
          "signature_options applies only to personal_sign and eth_signTypedData_v4");
    }
    if (!options.isObject()) {
      throw ApiException.invalidRequest("field signature_options must be an object");
    }
    ObjectNode o = (ObjectNode) options;
    JsonBodies.onlyFields(o, "signature_options.", Set.of("type"));
    String type = JsonBodies.requiredText(o, "signature_options.", "type");
    if (!type.equals("ecdsa")) {
      throw ApiException.invalidRequest("signature_options.type must be \"ecdsa\""
          + (type.equals("erc1271") ? " (ERC-1271 smart account signatures are not supported)"
              : ""));
    }
  }

  /**
   * Whether the body asks for a dry run ({@code "dry_run": true}; absent, null or false: no).
   * Read before anything else, as a dry run needs no owner signature.
   */
  public static boolean dryRun(ObjectNode root) {
    JsonNode flag = root.get("dry_run");
    if (flag == null || flag.isNull()) {
      return false;
    }
    if (!flag.isBoolean()) {
      throw ApiException.invalidRequest("field dry_run must be a boolean");
    }
    return flag.booleanValue();
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

  @Override
  public String toString() {
    return "RpcRequest[" + method + "]";
  }
}
