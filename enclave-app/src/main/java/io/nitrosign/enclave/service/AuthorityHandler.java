package io.nitrosign.enclave.service;

import io.nitrosign.authz.P256Key;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.authority.Authorities;
import io.nitrosign.proto.v1.AdditionalSigner;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.UpdateAuthorityRequest;
import io.nitrosign.proto.v1.UpdateAuthorityResponse;
import io.nitrosign.proto.v1.WalletAuthority;
import io.nitrosign.proto.v1.WalletKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code UpdateAuthority} (READY): a wallet's new owner and additional signers
 * ({@code PATCH /v1/wallets/{id}}). For an owned wallet the current owner must have signed the
 * PATCH request, and the new authority must say what that signed body says: the same owner key
 * as a 1-of-1 quorum ({@code owner: {public_key}}), the same key quorum id ({@code owner_id}), no owner
 * ({@code owner: null}), the same additional signers and override policies; what the body leaves
 * out stays as it was. App id and chain type never change. The shares are opened under the old
 * authority and sealed afresh under the new one (current key version), here in the enclave.
 */
final class AuthorityHandler {

  private final WalletOperations operations;

  AuthorityHandler(WalletOperations operations) {
    this.operations = operations;
  }

  UpdateAuthorityResponse handle(UpdateAuthorityRequest request) throws EnclaveException {
    if (!request.hasKey()) {
      throw RequestValidation.invalid("key is required");
    }
    WalletKey key = request.getKey();
    RequestValidation.walletKey(key);
    RequestValidation.owner(request.getNewOwner().size());
    if (request.getNewOwner().isEmpty()) {
      throw RequestValidation.invalid("new_owner is required");
    }
    WalletAuthority next = Authorities.parse(request.getNewOwner());
    if (WalletOperations.curveOf(next.getChainType()) != key.getCurve()) {
      throw RequestValidation.invalid("new_owner.chain_type does not match the curve");
    }
    Optional<WalletAuthority> current = Authorities.of(key.getOwner());
    if (current.isPresent()) {
      WalletAuthority now = current.get();
      if (!now.getAppId().equals(next.getAppId())
          || !now.getChainType().equals(next.getChainType())) {
        throw new EnclaveException(ErrorCode.PERMISSION_DENIED,
            "app id and chain type of a wallet never change");
      }
      if (now.hasOwner()) {
        operations.authorizer().authorize(request.getAuthorization(), "PATCH",
            "/v1/wallets/" + key.getWalletId(), now.getAppId(), List.of(now.getOwner()),
            body -> requireMatches(body, now, next));
      }
    }
    return UpdateAuthorityResponse.newBuilder()
        .setKey(operations.resealed(key, request.getNewOwner())).build();
  }

  /** The new authority is what the signed body asks for, and otherwise what it was. */
  static void requireMatches(Map<String, Object> body, WalletAuthority now, WalletAuthority next)
      throws EnclaveException {
    boolean hasOwner = body.containsKey("owner");
    boolean hasOwnerId = body.containsKey("owner_id");
    if (hasOwner && hasOwnerId && body.get("owner") != null && body.get("owner_id") != null) {
      throw mismatch();
    }
    Object owner = body.get("owner");
    Object ownerId = body.get("owner_id");
    if (hasOwner && owner instanceof Map<?, ?> o) {
      if (!(o.get("public_key") instanceof String pk) || o.size() != 1 || !next.hasOwner()) {
        throw mismatch();
      }
      KeyQuorum q = next.getOwner();
      byte[] signedKey;
      try {
        signedKey = P256Key.fromSpkiBase64(pk).spki();
      } catch (IllegalArgumentException e) {
        throw mismatch();
      }
      // the key as a 1-of-1 quorum (the parent names it as Privy does: a key quorum id)
      if (q.getThreshold() != 1 || q.getPublicKeysCount() != 1
          || q.getQuorumsCount() != 0
          || !java.util.Arrays.equals(q.getPublicKeys(0).toByteArray(), signedKey)) {
        throw mismatch();
      }
    } else if (hasOwnerId && ownerId instanceof String id) {
      if (!next.hasOwner() || !next.getOwner().getId().equals(id)) {
        throw mismatch();
      }
    } else if (hasOwner || hasOwnerId) {
      // owner: null / owner_id: null: the wallet becomes app-owned
      if ((hasOwner && owner != null) || (hasOwnerId && ownerId != null) || next.hasOwner()) {
        throw mismatch();
      }
    } else if (!next.getOwner().equals(now.getOwner()) || next.hasOwner() != now.hasOwner()) {
      throw mismatch();
    }
    if (body.containsKey("additional_signers")) {
      if (!(body.get("additional_signers") instanceof List<?> list)
          || list.size() != next.getAdditionalSignersCount()) {
        throw mismatch();
      }
      for (int i = 0; i < list.size(); i++) {
        AdditionalSigner s = next.getAdditionalSigners(i);
        if (!(list.get(i) instanceof Map<?, ?> m) || !s.getSigner().getId().equals(m.get("signer_id"))
            || !overrides(m.get("override_policy_ids")).equals(s.getOverridePolicyIdsList())) {
          throw mismatch();
        }
      }
    } else if (!next.getAdditionalSignersList().equals(now.getAdditionalSignersList())) {
      throw mismatch();
    }
  }

  private static List<String> overrides(Object v) throws EnclaveException {
    List<String> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (!(v instanceof List<?> l)) {
      throw mismatch();
    }
    for (Object o : l) {
      if (!(o instanceof String s)) {
        throw mismatch();
      }
      out.add(s);
    }
    return out;
  }

  private static EnclaveException mismatch() {
    return new EnclaveException(ErrorCode.AUTHORIZATION_INVALID,
        "the new owner differs from the signed request");
  }
}
