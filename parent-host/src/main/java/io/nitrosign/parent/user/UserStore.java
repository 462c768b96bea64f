package io.nitrosign.parent.user;

import com.google.protobuf.ByteString;
import io.nitrosign.parent.wallet.WalletCursor;
import io.nitrosign.proto.v1.UserMember;
import io.nitrosign.proto.v1.UserSession;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * SQL for {@code users}, {@code user_linked_accounts}, {@code app_jwt_issuers},
 * {@code key_quorum_users} and {@code user_sessions}. Every read is scoped to an app.
 */
public final class UserStore {

  /** Most live sessions of one user sent along with one request. */
  public static final int MAX_SESSIONS_PER_USER = 8;

  private static final String SELECT = "SELECT u.id, u.app_id, u.created_at, a.custom_user_id,"
      + " a.latest_verified_at FROM users u JOIN user_linked_accounts a ON a.user_id = u.id";

  private final Handle handle;

  public UserStore(Handle handle) {
    this.handle = handle;
  }

  // ------------------------------------------------------------------------------ app issuer

  /** The JWT issuer of the app's users, if one is configured. */
  public Optional<String> appIssuer(String appId) {
    return handle.createQuery("SELECT issuer FROM app_jwt_issuers WHERE app_id = :app")
        .bind("app", appId).mapTo(String.class).findOne();
  }

  public void setAppIssuer(String appId, String issuer, Instant now) {
    handle.createUpdate("INSERT INTO app_jwt_issuers (app_id, issuer, updated_at)"
            + " VALUES (:app, :issuer, :at) ON CONFLICT (app_id)"
            + " DO UPDATE SET issuer = :issuer, updated_at = :at")
        .bind("app", appId).bind("issuer", issuer).bind("at", now.atOffset(ZoneOffset.UTC))
        .execute();
  }

  // ----------------------------------------------------------------------------------- users

  public void insert(StoredUser u) {
    handle.createUpdate("INSERT INTO users (id, app_id, created_at) VALUES (:id, :app, :at)")
        .bind("id", u.id()).bind("app", u.appId()).bind("at", u.createdAt().atOffset(ZoneOffset.UTC))
        .execute();
    handle.createUpdate("INSERT INTO user_linked_accounts (user_id, app_id, type, custom_user_id,"
            + " verified_at) VALUES (:id, :app, 'custom_auth', :sub, :at)")
        .bind("id", u.id()).bind("app", u.appId()).bind("sub", u.customUserId())
        .bind("at", u.createdAt().atOffset(ZoneOffset.UTC))
        .execute();
  }

  public Optional<StoredUser> find(String appId, String id) {
    return handle.createQuery(SELECT + " WHERE u.app_id = :app AND u.id = :id")
        .bind("app", appId).bind("id", id).map((rs, ctx) -> row(rs)).findOne();
  }

  public Optional<StoredUser> findByCustomUserId(String appId, String customUserId) {
    return handle.createQuery(SELECT + " WHERE u.app_id = :app AND a.custom_user_id = :sub")
        .bind("app", appId).bind("sub", customUserId).map((rs, ctx) -> row(rs)).findOne();
  }

  /** The app's users in creation order after {@code after} (null: from the start). */
  public List<StoredUser> list(String appId, WalletCursor after, int limit) {
    String where = after == null ? "" : " AND (u.created_at, u.id) > (:at, :id)";
    var q = handle.createQuery(SELECT + " WHERE u.app_id = :app" + where
        + " ORDER BY u.created_at, u.id LIMIT :limit").bind("app", appId).bind("limit", limit);
    if (after != null) {
      q.bind("at", after.createdAt().atOffset(ZoneOffset.UTC)).bind("id", after.id());
    }
    return q.map((rs, ctx) -> row(rs)).list();
  }

  /** How many key quorums name the user as a member. */
  public int quorumReferences(String userId) {
    return handle.createQuery("SELECT count(*) FROM key_quorum_users WHERE user_id = :id")
        .bind("id", userId).mapTo(Integer.class).one();
  }

  public boolean delete(String appId, String id) {
    return handle.createUpdate("DELETE FROM users WHERE id = :id AND app_id = :app")
        .bind("id", id).bind("app", appId).execute() == 1;
  }

  public void markVerified(String userId, Instant at) {
    handle.createUpdate("UPDATE user_linked_accounts SET latest_verified_at = :at"
            + " WHERE user_id = :id")
        .bind("id", userId).bind("at", at.atOffset(ZoneOffset.UTC)).execute();
  }

  /**
   * The user as a key quorum member sealed into wallets: its id, the app's JWT issuer and its
   * custom_user_id (the JWT subject). Empty when the app has no such user or no issuer.
   */
  public Optional<UserMember> member(String appId, String userId) {
    Optional<String> issuer = appIssuer(appId);
    if (issuer.isEmpty()) {
      return Optional.empty();
    }
    return find(appId, userId).map(u -> UserMember.newBuilder().setUserId(u.id())
        .setIssuer(issuer.get()).setSubject(u.customUserId()).build());
  }

  // -------------------------------------------------------------------- key quorum members

  public void insertQuorumUsers(String quorumId, List<String> userIds) {
    for (int i = 0; i < userIds.size(); i++) {
      handle.createUpdate("INSERT INTO key_quorum_users (quorum_id, position, user_id)"
              + " VALUES (:q, :pos, :user)")
          .bind("q", quorumId).bind("pos", i).bind("user", userIds.get(i)).execute();
    }
  }

  public void deleteQuorumUsers(String quorumId) {
    handle.createUpdate("DELETE FROM key_quorum_users WHERE quorum_id = :q").bind("q", quorumId)
        .execute();
  }

  public List<String> quorumUsers(String quorumId) {
    return handle.createQuery("SELECT user_id FROM key_quorum_users WHERE quorum_id = :q"
            + " ORDER BY position").bind("q", quorumId).mapTo(String.class).list();
  }

  /** Ids of the app's wallets whose owner quorum (or a quorum nested in it) names the user. */
  public List<String> ownedWalletIds(String appId, String userId) {
    return handle.createQuery("SELECT w.id FROM wallets w WHERE w.app_id = :app AND w.owner_id IN"
            + " (SELECT quorum_id FROM key_quorum_users WHERE user_id = :user"
            + "  UNION SELECT c.parent_id FROM key_quorum_children c"
            + "  JOIN key_quorum_users ku ON ku.quorum_id = c.child_id WHERE ku.user_id = :user)"
            + " ORDER BY w.created_at, w.id")
        .bind("app", appId).bind("user", userId).mapTo(String.class).list();
  }

  // -------------------------------------------------------------------------------- sessions

  public void insertSession(String appId, String issuer, String subject, byte[] publicKey,
      UserSession session, Instant expiresAt, Instant now) {
    handle.createUpdate("INSERT INTO user_sessions (app_id, issuer, subject, public_key, session,"
            + " expires_at, created_at) VALUES (:app, :issuer, :sub, :pk, :s, :exp, :at)")
        .bind("app", appId).bind("issuer", issuer).bind("sub", subject).bind("pk", publicKey)
        .bind("s", session.toByteArray()).bind("exp", expiresAt.atOffset(ZoneOffset.UTC))
        .bind("at", now.atOffset(ZoneOffset.UTC)).execute();
  }

  /** The newest live sessions of a user (at most {@link #MAX_SESSIONS_PER_USER}). */
  public List<UserSession> liveSessions(String appId, String issuer, String subject, Instant now) {
    return handle.createQuery("SELECT session FROM user_sessions WHERE app_id = :app"
            + " AND issuer = :issuer AND subject = :sub AND expires_at > :now"
            + " ORDER BY expires_at DESC, id DESC LIMIT :limit")
        .bind("app", appId).bind("issuer", issuer).bind("sub", subject)
        .bind("now", now.atOffset(ZoneOffset.UTC)).bind("limit", MAX_SESSIONS_PER_USER)
        .map((rs, ctx) -> parseSession(rs.getBytes("session"))).list();
  }

  /** Removes sessions that expired before {@code now}. */
  public int deleteExpiredSessions(Instant now) {
    return handle.createUpdate("DELETE FROM user_sessions WHERE expires_at < :now")
        .bind("now", now.atOffset(ZoneOffset.UTC)).execute();
  }

  private static UserSession parseSession(byte[] bytes) {
    try {
      return UserSession.parseFrom(ByteString.copyFrom(bytes));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored user session does not parse");
    }
  }

  private static StoredUser row(ResultSet rs) throws SQLException {
    OffsetDateTime latest = rs.getObject("latest_verified_at", OffsetDateTime.class);
    return new StoredUser(rs.getString("id"), rs.getString("app_id"),
        rs.getString("custom_user_id"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        latest == null ? null : latest.toInstant());
  }
}
