package io.nitrosign.parent.wallet;

import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.ErrorCodes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * SQL for a wallet's REST-visible ownership: {@code wallets.owner_id}, {@code wallet_policies},
 * {@code wallet_additional_signers} and their {@code wallet_signer_policies}. Callers have
 * already scoped the wallet to its app (these take wallet ids of wallets they have read through
 * {@link WalletStore}).
 */
public final class WalletOwnershipStore {

  private final Handle handle;

  public WalletOwnershipStore(Handle handle) {
    this.handle = handle;
  }

  /**
   * Sets the wallet's ownership (replacing its additional signers and policies). Call in the
   * transaction that inserts the wallet, or that reseals it under a new authority. Every policy id
   * must name an existing policy (the caller has checked app and chain type): a policy deleted
   * since is 409 {@code conflict}, as the foreign keys would refuse the rows anyway.
   */
  public void save(String walletId, WalletOwnership o) {
    requirePoliciesExist(o);
    handle.createUpdate("UPDATE wallets SET owner_id = :owner WHERE id = :id")
        .bind("owner", o.ownerId())
        .bind("id", walletId)
        .execute();
    handle.createUpdate("DELETE FROM wallet_policies WHERE wallet_id = :id")
        .bind("id", walletId).execute();
    // wallet_signer_policies rows go with their signers (ON DELETE CASCADE)
    handle.createUpdate("DELETE FROM wallet_additional_signers WHERE wallet_id = :id")
        .bind("id", walletId).execute();
    for (int i = 0; i < o.policyIds().size(); i++) {
      handle.createUpdate("INSERT INTO wallet_policies (wallet_id, policy_id, position)"
              + " VALUES (:id, :policy, :pos)")
          .bind("id", walletId).bind("policy", o.policyIds().get(i)).bind("pos", i).execute();
    }
    for (int i = 0; i < o.additionalSigners().size(); i++) {
      WalletOwnership.Signer s = o.additionalSigners().get(i);
      handle.createUpdate("INSERT INTO wallet_additional_signers (wallet_id, position, signer_id)"
              + " VALUES (:id, :pos, :signer)")
          .bind("id", walletId).bind("pos", i).bind("signer", s.signerId())
          .execute();
      for (int j = 0; j < s.overridePolicyIds().size(); j++) {
        handle.createUpdate("INSERT INTO wallet_signer_policies (wallet_id, signer_id, policy_id,"
                + " position) VALUES (:id, :signer, :policy, :pos)")
            .bind("id", walletId).bind("signer", s.signerId())
            .bind("policy", s.overridePolicyIds().get(j)).bind("pos", j).execute();
      }
    }
  }

  /**
   * Every policy {@code o} names still exists, and stays so until the transaction ends (the rows
   * are share-locked: a concurrent deletion waits, then finds the policy attached).
   */
  private void requirePoliciesExist(WalletOwnership o) {
    Set<String> ids = new HashSet<>(o.policyIds());
    o.additionalSigners().forEach(s -> ids.addAll(s.overridePolicyIds()));
    if (ids.isEmpty()) {
      return;
    }
    int found = handle.createQuery("SELECT id FROM policies WHERE id = ANY(:ids) FOR SHARE")
        .bindArray("ids", String.class, ids).mapTo(String.class).list().size();
    if (found != ids.size()) {
      throw new ApiException(409, ErrorCodes.CONFLICT,
          "a policy named by the request was deleted meanwhile; nothing was changed");
    }
  }

  /** The wallet's ownership ({@link WalletOwnership#NONE} when it has none, or no such wallet). */
  public WalletOwnership find(String walletId) {
    return findAll(List.of(walletId)).getOrDefault(walletId, WalletOwnership.NONE);
  }

  /** Ownership of each of these wallets that exists, by wallet id. */
  public Map<String, WalletOwnership> findAll(Collection<String> walletIds) {
    if (walletIds.isEmpty()) {
      return Map.of();
    }
    Map<String, List<String>> policies = new HashMap<>();
    handle.createQuery("SELECT wallet_id, policy_id FROM wallet_policies"
            + " WHERE wallet_id = ANY(:ids) ORDER BY wallet_id, position")
        .bindArray("ids", String.class, walletIds)
        .map((rs, ctx) -> {
          policies.computeIfAbsent(rs.getString("wallet_id"), k -> new ArrayList<>())
              .add(rs.getString("policy_id"));
          return 0;
        })
        .list();
    Map<String, List<String>> overrides = new HashMap<>();
    handle.createQuery("SELECT wallet_id, signer_id, policy_id FROM wallet_signer_policies"
            + " WHERE wallet_id = ANY(:ids) ORDER BY wallet_id, signer_id, position")
        .bindArray("ids", String.class, walletIds)
        .map((rs, ctx) -> {
          overrides.computeIfAbsent(rs.getString("wallet_id") + "/" + rs.getString("signer_id"),
              k -> new ArrayList<>()).add(rs.getString("policy_id"));
          return 0;
        })
        .list();
    Map<String, List<WalletOwnership.Signer>> signers = new HashMap<>();
    handle.createQuery("SELECT wallet_id, signer_id FROM wallet_additional_signers"
            + " WHERE wallet_id = ANY(:ids) ORDER BY wallet_id, position")
        .bindArray("ids", String.class, walletIds)
        .map((rs, ctx) -> {
          String wallet = rs.getString("wallet_id");
          String signer = rs.getString("signer_id");
          signers.computeIfAbsent(wallet, k -> new ArrayList<>())
              .add(new WalletOwnership.Signer(signer,
                  overrides.getOrDefault(wallet + "/" + signer, List.of())));
          return 0;
        })
        .list();
    Map<String, WalletOwnership> out = new LinkedHashMap<>();
    handle.createQuery("SELECT id, owner_id FROM wallets WHERE id = ANY(:ids)")
        .bindArray("ids", String.class, walletIds)
        .map((rs, ctx) -> {
          String id = rs.getString("id");
          out.put(id, new WalletOwnership(rs.getString("owner_id"),
              signers.getOrDefault(id, List.of()), policies.getOrDefault(id, List.of())));
          return 0;
        })
        .list();
    return out;
  }
}
