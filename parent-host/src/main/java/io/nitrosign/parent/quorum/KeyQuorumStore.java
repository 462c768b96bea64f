package io.nitrosign.parent.quorum;

import com.google.protobuf.ByteString;
import io.nitrosign.parent.user.UserStore;
import io.nitrosign.proto.v1.KeyQuorum;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * SQL for {@code key_quorums}, {@code key_quorum_keys} and {@code key_quorum_children}; every read
 * is scoped to an app (another app's quorum is as absent as a nonexistent one).
 */
public final class KeyQuorumStore {

  private final Handle handle;

  public KeyQuorumStore(Handle handle) {
    this.handle = handle;
  }

  public void insert(StoredKeyQuorum q) {
    handle.createUpdate("INSERT INTO key_quorums (id, app_id, display_name,"
            + " authorization_threshold, owner, created_at, updated_at)"
            + " VALUES (:id, :app, :name, :threshold, :owner, :at, :updated)")
        .bind("id", q.id())
        .bind("app", q.appId())
        .bind("name", q.displayName())
        .bind("threshold", q.threshold())
        .bindBySqlType("owner", q.owner(), Types.BINARY)
        .bind("at", q.createdAt().atOffset(ZoneOffset.UTC))
        .bind("updated", q.updatedAt().atOffset(ZoneOffset.UTC))
        .execute();
    insertMembers(q);
  }

  /**
   * Replaces the quorum's name, threshold, owner and members (the app's quorum with {@code q.id()};
   * returns false when there is none).
   */
  public boolean update(StoredKeyQuorum q) {
    int n = handle.createUpdate("UPDATE key_quorums SET display_name = :name,"
            + " authorization_threshold = :threshold, owner = :owner, updated_at = :updated"
            + " WHERE id = :id AND app_id = :app")
        .bind("name", q.displayName())
        .bind("threshold", q.threshold())
        .bindBySqlType("owner", q.owner(), Types.BINARY)
        .bind("updated", q.updatedAt().atOffset(ZoneOffset.UTC))
        .bind("id", q.id())
        .bind("app", q.appId())
        .execute();
    if (n != 1) {
      return false;
    }
    handle.createUpdate("DELETE FROM key_quorum_keys WHERE quorum_id = :id").bind("id", q.id()).execute();
    handle.createUpdate("DELETE FROM key_quorum_children WHERE parent_id = :id").bind("id", q.id()).execute();
    new UserStore(handle).deleteQuorumUsers(q.id());
    insertMembers(q);
    return true;
  }

  /** Sets only the owner (e.g. a parent's self-ownership after a nested quorum changed). */
  public void setOwner(String appId, String id, byte[] owner) {
    handle.createUpdate("UPDATE key_quorums SET owner = :owner WHERE id = :id AND app_id = :app")
        .bindBySqlType("owner", owner, Types.BINARY)
        .bind("id", id).bind("app", appId).execute();
  }

  private void insertMembers(StoredKeyQuorum q) {
    for (int i = 0; i < q.keys().size(); i++) {
      StoredKeyQuorum.Key k = q.keys().get(i);
      handle.createUpdate("INSERT INTO key_quorum_keys (quorum_id, position, public_key, display_name)"
              + " VALUES (:id, :pos, :pk, :name)")
          .bind("id", q.id()).bind("pos", i).bind("pk", k.spki()).bind("name", k.displayName())
          .execute();
    }
    for (int i = 0; i < q.childIds().size(); i++) {
      handle.createUpdate("INSERT INTO key_quorum_children (parent_id, child_id, position)"
              + " VALUES (:id, :child, :pos)")
          .bind("id", q.id()).bind("child", q.childIds().get(i)).bind("pos", i).execute();
    }
    new UserStore(handle).insertQuorumUsers(q.id(), q.userIds());
  }

  /** The app's quorum with this id, with its members. */
  public Optional<StoredKeyQuorum> find(String appId, String id) {
    return find(appId, id, false);
  }

  /** As {@link #find}, locking the quorum's row until the transaction ends. */
  public Optional<StoredKeyQuorum> findForUpdate(String appId, String id) {
    return find(appId, id, true);
  }

  private Optional<StoredKeyQuorum> find(String appId, String id, boolean lock) {
    Optional<Row> row = handle.createQuery("SELECT id, app_id, display_name,"
            + " authorization_threshold, owner, created_at, updated_at FROM key_quorums"
            + " WHERE id = :id AND app_id = :app" + (lock ? " FOR UPDATE" : ""))
        .bind("id", id).bind("app", appId)
        .map((rs, ctx) -> row(rs))
        .findOne();
    if (row.isEmpty()) {
      return Optional.empty();
    }
    Row r = row.get();
    List<StoredKeyQuorum.Key> keys = handle.createQuery("SELECT public_key, display_name"
            + " FROM key_quorum_keys WHERE quorum_id = :id ORDER BY position")
        .bind("id", id)
        .map((rs, ctx) -> new StoredKeyQuorum.Key(rs.getBytes("public_key"), rs.getString("display_name")))
        .list();
    return Optional.of(new StoredKeyQuorum(r.id, r.appId, r.displayName, r.threshold, keys,
        children(id), r.owner, r.createdAt, r.updatedAt, new UserStore(handle).quorumUsers(id)));
  }

  /** The ids of the quorum's nested quorums, in order. */
  public List<String> children(String id) {
    return handle.createQuery("SELECT child_id FROM key_quorum_children WHERE parent_id = :id"
            + " ORDER BY position")
        .bind("id", id).mapTo(String.class).list();
  }

  /** The ids of the quorums this one is nested in. */
  public List<String> parents(String id) {
    return handle.createQuery("SELECT parent_id FROM key_quorum_children WHERE child_id = :id"
            + " ORDER BY parent_id")
        .bind("id", id).mapTo(String.class).list();
  }

  /**
   * Checks that {@code userIds} are users of the app and that the app has a JWT issuer (400 or 404
   * naming {@code field} otherwise).
   */
  public void checkUsers(String appId, List<String> userIds, String field) {
    if (userIds.isEmpty()) {
      return;
    }
    UserStore users = new UserStore(handle);
    if (users.appIssuer(appId).isEmpty()) {
      throw new io.nitrosign.parent.api.ApiException(400,
          io.nitrosign.parent.api.ErrorCodes.JWT_NOT_CONFIGURED, field
              + ": users can be members only once the app has a JWT issuer (set-app-jwt-issuer)");
    }
    for (int i = 0; i < userIds.size(); i++) {
      String id = userIds.get(i);
      if (!io.nitrosign.parent.Ids.plausible(id) || users.find(appId, id).isEmpty()) {
        throw new io.nitrosign.parent.api.ApiException(404,
            io.nitrosign.parent.api.ErrorCodes.USER_NOT_FOUND, field + "[" + i + "]: user not found");
      }
    }
  }

  /** How many wallets name this quorum as owner_id or as an additional signer. */
  public int walletReferences(String id) {
    return handle.createQuery("SELECT (SELECT count(*) FROM wallets WHERE owner_id = :id)"
            + " + (SELECT count(*) FROM wallet_additional_signers WHERE signer_id = :id)")
        .bind("id", id).mapTo(Integer.class).one();
  }

  /** How many policies, condition sets and aggregations name this quorum as owner_id. */
  public int resourceReferences(String id) {
    return handle.createQuery("SELECT (SELECT count(*) FROM policies WHERE owner_id = :id)"
            + " + (SELECT count(*) FROM condition_sets WHERE owner_id = :id)"
            + " + (SELECT count(*) FROM aggregations WHERE owner_id = :id)")
        .bind("id", id).mapTo(Integer.class).one();
  }

  /** Deletes the app's quorum and its members; false when there is none. */
  public boolean delete(String appId, String id) {
    return handle.createUpdate("DELETE FROM key_quorums WHERE id = :id AND app_id = :app")
        .bind("id", id).bind("app", appId).execute() == 1;
  }

  /**
   * The app's quorum as the enclave sees it: id, threshold, keys and nested quorums (each with its
   * own keys; one level deep). Empty when the app has no quorum with this id.
   */
  public Optional<KeyQuorum> resolve(String appId, String id) {
    return find(appId, id).map(this::toProto);
  }

  /** {@code q} as a {@link KeyQuorum}, its nested quorums loaded from the same app. */
  public KeyQuorum toProto(StoredKeyQuorum q) {
    KeyQuorum.Builder b = keysOnly(q);
    for (String childId : q.childIds()) {
      StoredKeyQuorum child = find(q.appId(), childId).orElseThrow(() ->
          new IllegalStateException("nested key quorum missing"));
      b.addQuorums(keysOnly(child));
    }
    return b.build();
  }

  private KeyQuorum.Builder keysOnly(StoredKeyQuorum q) {
    KeyQuorum.Builder b = KeyQuorum.newBuilder().setId(q.id()).setThreshold(q.threshold());
    for (StoredKeyQuorum.Key k : q.keys()) {
      b.addPublicKeys(ByteString.copyFrom(k.spki()));
    }
    UserStore users = new UserStore(handle);
    for (String userId : q.userIds()) {
      // checked when the quorum was stored; a user or issuer gone since is a broken invariant
      b.addUsers(users.member(q.appId(), userId).orElseThrow(() ->
          new IllegalStateException("key quorum user member cannot be resolved")));
    }
    return b;
  }

  public int count(String appId) {
    return handle.createQuery("SELECT count(*) FROM key_quorums WHERE app_id = :app")
        .bind("app", appId).mapTo(Integer.class).one();
  }

  private record Row(String id, String appId, String displayName, int threshold, byte[] owner,
      Instant createdAt, Instant updatedAt) {}

  private static Row row(ResultSet rs) throws SQLException {
    return new Row(rs.getString("id"), rs.getString("app_id"), rs.getString("display_name"),
        rs.getInt("authorization_threshold"), rs.getBytes("owner"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        rs.getObject("updated_at", OffsetDateTime.class).toInstant());
  }

}
