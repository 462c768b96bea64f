package io.nitrosign.parent.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nitrosign.parent.Ids;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.ErrorCodes;
import io.nitrosign.parent.api.JsonBodies;
import io.nitrosign.parent.policy.PolicyStore;
import io.nitrosign.parent.quorum.AuthorizationKeys;
import io.nitrosign.parent.quorum.KeyQuorumStore;
import io.nitrosign.parent.quorum.StoredKeyQuorum;
import io.nitrosign.proto.v1.AdditionalSigner;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.WalletAuthority;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Turns the ownership fields of a wallet create (or update) body, {@code owner},
 * {@code owner_id}, {@code additional_signers} and {@code policy_ids}, into the
 * {@link WalletAuthority} to seal with the wallet's key and the {@link WalletOwnership} the API
 * shows. Key quorums are read from the app's own (another app's quorum is not found).
 *
 * <ul>
 *   <li>{@code owner: {"public_key": "<base64 DER SPKI>"}}: owner quorum {@code id ""},
 *       threshold 1, that one key; {@code owner_id} stays null.
 *   <li>{@code owner_id: "<key quorum id>"}: the stored quorum with its keys and nested quorums
 *       (id set).
 *   <li>{@code owner: {"user_id": "<user id>"}}: like a public key, a 1-of-1 key quorum (its id is
 *       the owner_id) whose member is the user: the app's JWT issuer and the user's
 *       custom_user_id, sealed with the wallet, so the enclave accepts that user's session keys.
 *   <li>{@code additional_signers: [{"signer_id": "<key quorum id>", "override_policy_ids": []}]}.
 *   <li>{@code policy_ids} and each signer's {@code override_policy_ids}: policies of the app for
 *       the wallet's chain type, each at most once (400 otherwise).
 * </ul>
 *
 * <p>Policies, condition sets and aggregations take their {@code owner} / {@code owner_id} through
 * {@link #owner}, the same resolution as wallets'.
 */
public final class OwnerResolver {

  /** The body fields this class reads; callers allow these in their {@code onlyFields}. */
  public static final Set<String> FIELDS = Set.of("owner", "owner_id", "additional_signers",
      "policy_ids");
  public static final int AUTHORITY_VERSION = 1;
  /** Most additional signers on one wallet. */
  public static final int MAX_ADDITIONAL_SIGNERS = 16;
  /** Most policies on one wallet (or in one signer's override_policy_ids). */
  public static final int MAX_POLICIES = 10;

  /**
   * What the body resolved to: the authority to seal, its REST view, and (for
   * {@code owner: {public_key}}) the 1-of-1 key quorum Privy creates for that key, which the caller
   * stores in the same transaction as the wallet (null otherwise).
   */
  public record Resolved(WalletAuthority authority, WalletOwnership ownership,
      StoredKeyQuorum newQuorum) {

    public Resolved(WalletAuthority authority, WalletOwnership ownership) {
      this(authority, ownership, null);
    }
  }

  /**
   * What a body's {@code owner} / {@code owner_id} ask for. {@code given} is false when the body
   * has neither field; otherwise {@code ownerId} is null for no owner ({@code owner: null},
   * {@code owner_id: null}), or the key quorum's id with {@code quorum} as the enclave sees it. For
   * {@code owner: {public_key}}, {@code newQuorum} is the 1-of-1 key quorum Privy makes of the key
   * (its id is the owner_id), which the caller stores in the transaction that uses it.
   */
  public record Owner(boolean given, String ownerId, KeyQuorum quorum, StoredKeyQuorum newQuorum) {
    static final Owner NOT_GIVEN = new Owner(false, null, null, null);
  }

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private final Handle handle;

  public OwnerResolver(Handle handle) {
    this.handle = handle;
  }

  /** For a wallet create body: absent fields mean none (app-owned, no signers, no policies). */
  public Resolved forCreate(String appId, ChainType chainType, ObjectNode body) {
    return resolve(appId, chainType, body, null, null);
  }

  /**
   * For a wallet update body: fields that are absent keep {@code current} (and its
   * {@code currentOwnership}); {@code owner: null} or {@code owner_id: null} removes the owner.
   */
  public Resolved forUpdate(String appId, ChainType chainType, ObjectNode body,
      WalletAuthority current, WalletOwnership currentOwnership) {
    return resolve(appId, chainType, body, current, currentOwnership);
  }

  private Resolved resolve(String appId, ChainType chainType, ObjectNode body,
      WalletAuthority current, WalletOwnership currentOwnership) {
    KeyQuorumStore quorums = new KeyQuorumStore(handle);
    WalletAuthority.Builder a = WalletAuthority.newBuilder().setVersion(AUTHORITY_VERSION)
        .setAppId(appId).setChainType(chainType.wireName());

    // owner / owner_id
    Owner o = owner(appId, body);
    String resolvedOwnerId = null;
    StoredKeyQuorum newQuorum = null;
    if (o.given()) {
      if (o.quorum() != null) {
        a.setOwner(o.quorum());
      }
      resolvedOwnerId = o.ownerId();
      newQuorum = o.newQuorum();
    } else if (current != null) {
      if (current.hasOwner()) {
        a.setOwner(current.getOwner());
      }
      resolvedOwnerId = currentOwnership == null ? null : currentOwnership.ownerId();
    }

    // additional_signers
    List<WalletOwnership.Signer> signers;
    JsonNode list = body.get("additional_signers");
    if (list == null && current != null) {
      a.addAllAdditionalSigners(current.getAdditionalSignersList());
      signers = currentOwnership == null ? List.of() : currentOwnership.additionalSigners();
    } else {
      signers = new ArrayList<>();
      if (list != null && !list.isNull()) {
        if (!list.isArray()) {
          throw ApiException.invalidRequest("field additional_signers must be an array");
        }
        if (list.size() > MAX_ADDITIONAL_SIGNERS) {
          throw ApiException.invalidRequest("additional_signers has more than "
              + MAX_ADDITIONAL_SIGNERS + " entries");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
          String path = "additional_signers[" + i + "].";
          if (!list.get(i).isObject()) {
            throw ApiException.invalidRequest("field additional_signers[" + i + "] must be an object");
          }
          ObjectNode item = (ObjectNode) list.get(i);
          JsonBodies.onlyFields(item, path, Set.of("signer_id", "override_policy_ids"));
          String signerId = JsonBodies.requiredText(item, path, "signer_id");
          if (!seen.add(signerId)) {
            throw ApiException.invalidRequest(path + "signer_id repeats an earlier signer");
          }
          List<String> overrides = policies(item, path, "override_policy_ids", appId, chainType);
          KeyQuorum signer = quorum(quorums, appId, signerId, path + "signer_id");
          a.addAdditionalSigners(AdditionalSigner.newBuilder().setSigner(signer)
              .addAllOverridePolicyIds(overrides));
          signers.add(new WalletOwnership.Signer(signerId, overrides));
        }
      }
    }

    // policy_ids
    List<String> policyIds = body.has("policy_ids") || current == null || currentOwnership == null
        ? policies(body, "", "policy_ids", appId, chainType) : currentOwnership.policyIds();

    return new Resolved(a.build(), new WalletOwnership(resolvedOwnerId, signers, policyIds),
        newQuorum);
  }

  /**
   * The owner {@code body} names through {@code owner} or {@code owner_id} (both non-null: 400;
   * an unknown key quorum: 404 {@code key_quorum_not_found}; another app's quorum is unknown).
   */
  public Owner owner(String appId, ObjectNode body) {
    boolean hasOwner = body.has("owner");
    boolean hasOwnerId = body.has("owner_id");
    if (!hasOwner && !hasOwnerId) {
      return Owner.NOT_GIVEN;
    }
    JsonNode owner = body.get("owner");
    JsonNode ownerId = body.get("owner_id");
    if (hasOwner && hasOwnerId && !owner.isNull() && !ownerId.isNull()) {
      throw ApiException.invalidRequest("give either owner or owner_id, not both");
    }
    KeyQuorumStore quorums = new KeyQuorumStore(handle);
    if (hasOwner && !owner.isNull()) {
      java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
      String id = Ids.random(RANDOM);
      String userId = userOwner(owner);
      if (userId != null) {
        // owner: {user_id}: a 1-of-1 key quorum whose one member is the user (the enclave accepts
        // the user's session keys for it); its id is the owner_id, as for a public key.
        quorums.checkUsers(appId, List.of(userId), "owner.user_id");
        StoredKeyQuorum q = new StoredKeyQuorum(id, appId, null, 1, List.of(), List.of(), null,
            now, now, List.of(userId));
        KeyQuorum proto = quorums.toProto(q);
        return new Owner(true, id, proto, new StoredKeyQuorum(id, appId, null, 1, List.of(),
            List.of(), proto.toByteArray(), now, now, List.of(userId)));
      }
      // As Privy does: the key becomes a 1-of-1 key quorum of the app, whose id is the owner_id.
      byte[] spki = publicKeyOwner(owner);
      StoredKeyQuorum q = new StoredKeyQuorum(id, appId, null, 1,
          List.of(new StoredKeyQuorum.Key(spki, null)), List.of(), null, now, now);
      KeyQuorum proto = quorums.toProto(q);
      return new Owner(true, id, proto, new StoredKeyQuorum(id, appId, null, 1, q.keys(),
          List.of(), proto.toByteArray(), now, now));
    }
    if (hasOwnerId && !ownerId.isNull()) {
      String id = JsonBodies.requiredText(body, "", "owner_id");
      return new Owner(true, id, quorum(quorums, appId, id, "owner_id"), null);
    }
    return new Owner(true, null, null, null);
  }

  /** The user id of {@code {"user_id": …}}, or null for {@code {"public_key": …}}. */
  private static String userOwner(JsonNode owner) {
    if (!owner.isObject()) {
      throw ApiException.invalidRequest(
          "field owner must be an object: {\"public_key\": …} or {\"user_id\": …}");
    }
    ObjectNode o = (ObjectNode) owner;
    JsonBodies.onlyFields(o, "owner.", Set.of("public_key", "user_id"));
    if (o.has("user_id") && o.has("public_key")) {
      throw ApiException.invalidRequest("give owner.public_key or owner.user_id, not both");
    }
    return o.has("user_id") ? JsonBodies.requiredText(o, "owner.", "user_id") : null;
  }

  /** The key of {@code {"public_key": …}} (DER SPKI). */
  private static byte[] publicKeyOwner(JsonNode owner) {
    ObjectNode o = (ObjectNode) owner;
    String text = JsonBodies.requiredText(o, "owner.", "public_key");
    return AuthorizationKeys.parseP256Spki(text, "owner.public_key");
  }

  private static KeyQuorum quorum(KeyQuorumStore quorums, String appId, String id, String field) {
    if (!Ids.plausible(id)) {
      throw new ApiException(404, ErrorCodes.KEY_QUORUM_NOT_FOUND, field + ": key quorum not found");
    }
    return quorums.resolve(appId, id).orElseThrow(() ->
        new ApiException(404, ErrorCodes.KEY_QUORUM_NOT_FOUND, field + ": key quorum not found"));
  }

  /**
   * An optional array of policy ids: each a policy of the app for {@code chainType}, none twice,
   * at most {@link #MAX_POLICIES} (400 naming the entry otherwise).
   */
  private List<String> policies(ObjectNode node, String path, String field, String appId,
      ChainType chainType) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw ApiException.invalidRequest("field " + path + field + " must be an array of strings");
    }
    if (v.size() > MAX_POLICIES) {
      throw ApiException.invalidRequest(path + field + " has more than " + MAX_POLICIES
          + " entries");
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      String entry = path + field + "[" + i + "]";
      if (!v.get(i).isTextual()) {
        throw ApiException.invalidRequest("field " + entry + " must be a string");
      }
      String id = v.get(i).textValue();
      if (ids.contains(id)) {
        throw ApiException.invalidRequest(entry + " repeats an earlier policy");
      }
      ids.add(id);
    }
    java.util.Map<String, String> chains = new PolicyStore(handle)
        .chainTypes(appId, ids.stream().filter(Ids::plausible).toList());
    for (int i = 0; i < ids.size(); i++) {
      String entry = path + field + "[" + i + "]";
      String policyChain = chains.get(ids.get(i));
      if (policyChain == null) {
        throw ApiException.invalidRequest(entry + ": no policy with this id");
      }
      if (!policyChain.equals(chainType.wireName())) {
        throw ApiException.invalidRequest(entry + ": the policy is for chain type " + policyChain
            + ", the wallet's is " + chainType.wireName());
      }
    }
    return List.copyOf(ids);
  }
}
