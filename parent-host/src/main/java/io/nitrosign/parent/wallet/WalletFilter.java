package io.nitrosign.parent.wallet;

import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.JsonBodies;
import io.nitrosign.parent.quorum.AuthorizationKeys;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The filters of {@code GET /v1/wallets}, Privy's query parameters: {@code chain_type} (ours or a
 * Privy alias), {@code address} (the wallet's {@code address}; Ethereum in any letter case),
 * {@code external_id}, {@code user_id} and {@code authorization_key} (a P-256 key as base64 DER
 * SubjectPublicKeyInfo, as key quorums take it: wallets whose owner quorum, or one of whose
 * additional signers, has that key as a member, directly or through a nested quorum). Every
 * filter given is applied, all together; a parameter this API does not know is a 400 naming it,
 * never ignored, since a filter silently dropped answers with wallets the caller did not ask for.
 *
 * <p>{@code user_id}: users do not exist yet, so no wallet is user-owned and a user id matches
 * nothing (an empty page). {@code include_archived}: nothing is archived here, so both values
 * list the same wallets.
 */
public record WalletFilter(ChainType chainType, String address, String externalId, String userId,
    byte[] authorizationKey) {

  /** Paging and filter parameters; anything else is refused. */
  static final Set<String> PARAMETERS = Set.of("limit", "cursor", "chain_type", "address",
      "external_id", "user_id", "authorization_key", "include_archived");

  /** The longest filter value accepted (an address, an id, a base64 key). */
  static final int MAX_VALUE = 256;

  /** No filter. */
  public static final WalletFilter NONE = new WalletFilter(null, null, null, null, null);

  /**
   * Reads the query parameters ({@code name → values}).
   *
   * @throws ApiException 400 {@code invalid_request} for an unknown or repeated parameter or a
   *     bad value; 400 {@code unsupported_chain_type}
   */
  public static WalletFilter parse(Map<String, List<String>> query) {
    for (Map.Entry<String, List<String>> e : query.entrySet()) {
      if (!PARAMETERS.contains(e.getKey())) {
        throw ApiException.invalidRequest("unknown query parameter: "
            + JsonBodies.printable(e.getKey()) + " (supported: limit, cursor, chain_type,"
            + " address, external_id, user_id, authorization_key, include_archived)");
      }
      if (e.getValue().size() > 1) {
        throw ApiException.invalidRequest("query parameter " + e.getKey()
            + " is given more than once");
      }
    }
    String chain = value(query, "chain_type");
    String address = value(query, "address");
    String externalId = value(query, "external_id");
    String userId = value(query, "user_id");
    String key = value(query, "authorization_key");
    String archived = value(query, "include_archived");
    if (archived != null && !archived.equals("true") && !archived.equals("false")) {
      throw ApiException.invalidRequest("include_archived must be true or false");
    }
    if (userId != null && key != null) {
      throw ApiException.invalidRequest("user_id and authorization_key cannot be used together");
    }
    if (externalId != null) {
      WalletLabels.checkExternalId(externalId, "external_id");
    }
    return new WalletFilter(chain == null ? null : ChainType.parse(chain), address, externalId,
        userId, key == null ? null
            // a '+' of the base64 sent unencoded arrives as a space; base64 has no spaces
            : AuthorizationKeys.parseP256Spki(key.replace(' ', '+'), "authorization_key"));
  }

  private static String value(Map<String, List<String>> query, String name) {
    List<String> v = query.get(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    String s = v.get(0);
    if (s.isEmpty()) {
      throw ApiException.invalidRequest("query parameter " + name + " is empty");
    }
    if (s.length() > MAX_VALUE) {
      throw ApiException.invalidRequest("query parameter " + name + " is longer than "
          + MAX_VALUE + " characters");
    }
    return s;
  }
}
