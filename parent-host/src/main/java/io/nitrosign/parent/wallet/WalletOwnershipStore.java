package io.nitrosign.parent.wallet;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * SQL for a wallet's REST-visible ownership: {@code wallets.owner_id}, {@code wallets.policy_ids}
 * and {@code wallet_additional_signers}. Callers have already scoped the wallet to its app (these
 * take wallet ids of wallets they have read through {@link WalletStore}).
 */
public final class WalletOwnershipStore {

  private final Handle handle;

  public WalletOwnershipStore(Handle handle) {
    this.handle = handle;
  }

  /**
   * Sets the wallet's ownership (replacing its additional signers). Call in the transaction that
   * inserts the wallet, or that reseals it under a new authority.
   */
  public void save(String walletId, WalletOwnership o) {
    handle.createUpdate("UPDATE wallets SET owner_id = :owner, policy_ids = :policies WHERE id = :id")
        .bind("owner", o.ownerId())
        .bindArray("policies", String.class, o.policyIds())
        .bind("id", walletId)
        .execute();
    handle.createUpdate("DELETE FROM wallet_additional_signers WHERE wallet_id = :id")
        .bind("id", walletId).execute();
    for (int i = 0; i < o.additionalSigners().size(); i++) {
      WalletOwnership.Signer s = o.additionalSigners().get(i);
      handle.createUpdate("INSERT INTO wallet_additional_signers (wallet_id, position, signer_id,"
              + " override_policy_ids) VALUES (:id, :pos, :signer, :policies)")
          .bind("id", walletId).bind("pos", i).bind("signer", s.signerId())
          .bindArray("policies", String.class, s.overridePolicyIds())
          .execute();
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
    Map<String, List<WalletOwnership.Signer>> signers = new HashMap<>();
    handle.createQuery("SELECT wallet_id, signer_id, override_policy_ids FROM"
            + " wallet_additional_signers WHERE wallet_id = ANY(:ids) ORDER BY wallet_id, position")
        .bindArray("ids", String.class, walletIds)
        .map((rs, ctx) -> {
          signers.computeIfAbsent(rs.getString("wallet_id"), k -> new ArrayList<>())
              .add(new WalletOwnership.Signer(rs.getString("signer_id"),
                  strings(rs, "override_policy_ids")));
          return 0;
        })
        .list();
    Map<String, WalletOwnership> out = new LinkedHashMap<>();
    handle.createQuery("SELECT id, owner_id, policy_ids FROM wallets WHERE id = ANY(:ids)")
        .bindArray("ids", String.class, walletIds)
        .map((rs, ctx) -> {
          String id = rs.getString("id");
          out.put(id, new WalletOwnership(rs.getString("owner_id"),
              signers.getOrDefault(id, List.of()), strings(rs, "policy_ids")));
          return 0;
        })
        .list();
    return out;
  }

  private static List<String> strings(ResultSet rs, String column) throws SQLException {
    Array a = rs.getArray(column);
    if (a == null) {
      return List.of();
    }
    try {
      return List.of((String[]) a.getArray());
    } finally {
      a.free();
    }
  }
}
