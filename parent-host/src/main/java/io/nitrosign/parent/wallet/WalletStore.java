package io.nitrosign.parent.wallet;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for {@code wallets} and {@code wallet_shares}; every read is scoped to an app. */
public final class WalletStore {

  private static final String COLUMNS =
      "id, app_id, chain_type, curve, public_key, address, owner, key_version, created_at,"
          + " imported_at, exported_at, display_name, external_id";

  private final Handle handle;

  public WalletStore(Handle handle) {
    this.handle = handle;
  }

  public void insert(Wallet w, List<WalletShare> shares) {
    handle.createUpdate("INSERT INTO wallets (" + COLUMNS + ") VALUES (:id, :app, :chain, :curve,"
            + " :pk, :address, :owner, :kv, :at, :imported, NULL, :display, :external)")
        .bind("id", w.id())
        .bind("app", w.appId())
        .bind("chain", w.chainType())
        .bind("curve", w.curve())
        .bind("pk", w.publicKey())
        .bind("address", w.address())
        .bindBySqlType("owner", w.owner(), java.sql.Types.BINARY)
        .bind("kv", w.keyVersion())
        .bind("at", w.createdAt().atOffset(ZoneOffset.UTC))
        .bind("imported", w.importedAt() == null ? null : w.importedAt().atOffset(ZoneOffset.UTC))
        .bind("display", w.displayName())
        .bind("external", w.externalId())
        .execute();
    for (WalletShare s : shares) {
      handle.createUpdate("INSERT INTO wallet_shares (wallet_id, kind, key_version, nonce, ciphertext)"
              + " VALUES (:wallet, :kind, :kv, :nonce, :ct)")
          .bind("wallet", w.id())
          .bind("kind", s.kind())
          .bind("kv", s.keyVersion())
          .bind("nonce", s.nonce())
          .bind("ct", s.ciphertext())
          .execute();
    }
  }

  /** The app's wallet with this id; another app's wallet is as absent as a nonexistent one. */
  public Optional<Wallet> find(String appId, String walletId) {
    return handle.createQuery("SELECT " + COLUMNS + " FROM wallets WHERE id = :id AND app_id = :app")
        .bind("id", walletId)
        .bind("app", appId)
        .map(WalletStore::wallet)
        .findOne();
  }

  /**
   * The app's wallet with its two shares, in one query (the signing path's only read). Empty when
   * there is no such wallet for this app.
   */
  public Optional<WalletWithShares> findWithShares(String appId, String walletId) {
    List<Object[]> rows = handle.createQuery("SELECT w.id, w.app_id, w.chain_type, w.curve,"
            + " w.public_key, w.address, w.owner, w.key_version, w.created_at, w.imported_at,"
            + " w.exported_at, w.display_name, w.external_id, s.kind AS s_kind,"
            + " s.key_version AS s_key_version, s.nonce AS s_nonce, s.ciphertext AS s_ciphertext FROM wallets w JOIN wallet_shares s"
            + " ON s.wallet_id = w.id WHERE w.id = :id AND w.app_id = :app ORDER BY s.kind")
        .bind("id", walletId)
        .bind("app", appId)
        .map((rs, ctx) -> new Object[] {wallet(rs, ctx), new WalletShare(rs.getString("id"),
            rs.getString("s_kind"), rs.getInt("s_key_version"), rs.getBytes("s_nonce"),
            rs.getBytes("s_ciphertext"))})
        .list();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new WalletWithShares((Wallet) rows.get(0)[0],
        rows.stream().map(r -> (WalletShare) r[1]).toList()));
  }

  /** A wallet and its sealed shares (auth, exec). */
  public record WalletWithShares(Wallet wallet, List<WalletShare> shares) {}

  public List<WalletShare> shares(String walletId) {
    return handle.createQuery("SELECT wallet_id, kind, key_version, nonce, ciphertext"
            + " FROM wallet_shares WHERE wallet_id = :id ORDER BY kind")
        .bind("id", walletId)
        .map((rs, ctx) -> new WalletShare(rs.getString("wallet_id"), rs.getString("kind"),
            rs.getInt("key_version"), rs.getBytes("nonce"), rs.getBytes("ciphertext")))
        .list();
  }

  /**
   * The app's wallets that match {@code filter}, newest first, strictly after {@code after} (if
   * given); at most {@code limit} rows.
   */
  public List<Wallet> list(String appId, WalletFilter filter, WalletCursor after, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM wallets WHERE app_id = :app");
    if (filter.chainType() != null) {
      sql.append(" AND chain_type = :chain");
    }
    if (filter.address() != null) {
      // Ethereum addresses in any letter case; every other chain's exactly (base58 is
      // case-sensitive). The index is on lower(address).
      sql.append(" AND lower(address) = lower(:address)"
          + " AND (chain_type = 'ethereum' OR address = :address)");
    }
    if (filter.externalId() != null) {
      sql.append(" AND external_id = :external");
    }
    if (filter.userId() != null) {
      // Wallets owned by a key quorum with the user as a member, directly or through a nested
      // quorum (an owner given as {user_id} is a 1-of-1 quorum of that user).
      sql.append(" AND owner_id IN (SELECT quorum_id FROM key_quorum_users WHERE user_id = :user"
          + " UNION SELECT c.parent_id FROM key_quorum_children c"
          + " JOIN key_quorum_users ku ON ku.quorum_id = c.child_id WHERE ku.user_id = :user)");
    }
    if (filter.authorizationKey() != null) {
      // Key quorums with the key as a member, directly or through a nested quorum; the wallets
      // they own or sign for as additional signers.
      String keyed = "SELECT quorum_id FROM key_quorum_keys WHERE public_key = :akey"
          + " UNION SELECT c.parent_id FROM key_quorum_children c"
          + " JOIN key_quorum_keys k ON k.quorum_id = c.child_id WHERE k.public_key = :akey";
      sql.append(" AND (owner_id IN (" + keyed + ") OR id IN (SELECT wallet_id FROM"
          + " wallet_additional_signers WHERE signer_id IN (" + keyed + ")))");
    }
    if (after != null) {
      sql.append(" AND (created_at, id) < (:at, :id)");
    }
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
    Query q = handle.createQuery(sql.toString()).bind("app", appId).bind("limit", limit);
    if (filter.chainType() != null) {
      q.bind("chain", filter.chainType().wireName());
    }
    if (filter.address() != null) {
      q.bind("address", filter.address());
    }
    if (filter.externalId() != null) {
      q.bind("external", filter.externalId());
    }
    if (filter.authorizationKey() != null) {
      q.bind("akey", filter.authorizationKey());
    }
    if (filter.userId() != null) {
      q.bind("user", filter.userId());
    }
    if (after != null) {
      q.bind("at", after.createdAt().atOffset(ZoneOffset.UTC)).bind("id", after.id());
    }
    return q.map(WalletStore::wallet).list();
  }

  /** Whether another wallet of the app has {@code externalId}. */
  public boolean externalIdTaken(String appId, String externalId, String exceptWalletId) {
    return handle.createQuery("SELECT count(*) FROM wallets WHERE app_id = :app"
            + " AND external_id = :external AND id IS DISTINCT FROM :except")
        .bind("app", appId).bind("external", externalId).bind("except", exceptWalletId)
        .mapTo(Integer.class).one() > 0;
  }

  /** Sets a wallet's labels (the caller has checked that external_id is write-once). */
  public void updateLabels(String walletId, String displayName, String externalId) {
    handle.createUpdate("UPDATE wallets SET display_name = :display, external_id = :external"
            + " WHERE id = :id")
        .bind("display", displayName).bind("external", externalId).bind("id", walletId)
        .execute();
  }

  /** Wallets (of every app) sealed under a version below {@code version}, by id, after an id. */
  public List<Wallet> sealedBelow(int version, String afterId, int limit) {
    return handle.createQuery("SELECT " + COLUMNS + " FROM wallets WHERE key_version < :v"
            + " AND id > :after ORDER BY id LIMIT :limit")
        .bind("v", version).bind("after", afterId).bind("limit", limit)
        .map(WalletStore::wallet).list();
  }

  /**
   * Replaces a wallet's two shares by their resealed versions, only if the wallet is still at the
   * version the reseal started from. Returns false when another reseal got there first.
   */
  public boolean replaceShares(String walletId, int fromVersion, int toVersion,
      List<WalletShare> shares) {
    int moved = handle.createUpdate("UPDATE wallets SET key_version = :to WHERE id = :id"
            + " AND key_version = :from")
        .bind("to", toVersion).bind("id", walletId).bind("from", fromVersion).execute();
    if (moved != 1) {
      return false;
    }
    updateShares(walletId, shares);
    return true;
  }

  /**
   * Locks the wallet's row until the transaction ends, when its sealed authority is still
   * {@code owner}; false when the wallet changed meanwhile (or is gone).
   */
  public boolean lockIfOwner(String walletId, byte[] owner) {
    return handle.createQuery("SELECT 1 FROM wallets WHERE id = :id"
            + " AND owner IS NOT DISTINCT FROM :owner FOR UPDATE")
        .bind("id", walletId).bindBySqlType("owner", owner, java.sql.Types.BINARY)
        .mapTo(Integer.class).findOne().isPresent();
  }

  /**
   * Replaces a wallet's owner and its two shares (resealed under that owner), only if the wallet
   * still has the owner and key version the update started from. Returns false when another
   * update or a reseal got there first.
   */
  public boolean replaceOwner(String walletId, byte[] fromOwner, byte[] toOwner, int fromVersion,
      int toVersion, List<WalletShare> shares) {
    int moved = handle.createUpdate("UPDATE wallets SET owner = :to, key_version = :tv"
            + " WHERE id = :id AND key_version = :fv AND owner IS NOT DISTINCT FROM :from")
        .bindBySqlType("to", toOwner, java.sql.Types.BINARY)
        .bindBySqlType("from", fromOwner, java.sql.Types.BINARY)
        .bind("tv", toVersion).bind("fv", fromVersion).bind("id", walletId).execute();
    if (moved != 1) {
      return false;
    }
    updateShares(walletId, shares);
    return true;
  }

  private void updateShares(String walletId, List<WalletShare> shares) {
    for (WalletShare s : shares) {
      handle.createUpdate("UPDATE wallet_shares SET key_version = :kv, nonce = :nonce,"
              + " ciphertext = :ct WHERE wallet_id = :wallet AND kind = :kind")
          .bind("kv", s.keyVersion()).bind("nonce", s.nonce()).bind("ct", s.ciphertext())
          .bind("wallet", walletId).bind("kind", s.kind())
          .execute();
    }
  }

  public int count(String appId) {
    return handle.createQuery("SELECT count(*) FROM wallets WHERE app_id = :app")
        .bind("app", appId).mapTo(Integer.class).one();
  }

  /** Records that the wallet's key left the enclave (HPKE-encrypted to a recipient). */
  public void markExported(String walletId, java.time.Instant at) {
    handle.createUpdate("UPDATE wallets SET exported_at = :at WHERE id = :id")
        .bind("at", at.atOffset(ZoneOffset.UTC)).bind("id", walletId).execute();
  }

  public boolean exists(String walletId) {
    return handle.createQuery("SELECT count(*) FROM wallets WHERE id = :id")
        .bind("id", walletId).mapTo(Integer.class).one() > 0;
  }

  private static java.time.Instant instantOrNull(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static Wallet wallet(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Wallet(rs.getString("id"), rs.getString("app_id"), rs.getString("chain_type"),
        rs.getString("curve"), rs.getBytes("public_key"), rs.getString("address"),
        rs.getBytes("owner"), rs.getInt("key_version"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        instantOrNull(rs, "imported_at"), instantOrNull(rs, "exported_at"),
        rs.getString("display_name"), rs.getString("external_id"));
  }
}
