package io.nitrosign.parent.app;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL for {@code apps}. Takes the caller's handle; the manager owns the transaction. */
public final class AppStore {

  /** An app row with its stored secret material (store/manager internal). */
  public record Row(App app, byte[] secretSalt, byte[] secretHash) {
    @Override
    public String toString() {
      return "Row[" + app + ", <secret redacted>]";
    }
  }

  private final Handle handle;

  public AppStore(Handle handle) {
    this.handle = handle;
  }

  public void insert(App app, AppSecrets.Stored secret) {
    handle.createUpdate("INSERT INTO apps (id, name, secret_salt, secret_hash, created_at, disabled,"
            + " allow_raw_sign, allow_export, rate_limit_per_second, rate_limit_burst) VALUES (:id,"
            + " :name, :salt, :hash, :at, :disabled, :raw, :export, :perSecond, :burst)")
        .bind("id", app.id())
        .bind("name", app.name())
        .bind("salt", secret.salt())
        .bind("hash", secret.hash())
        .bind("at", app.createdAt().atOffset(ZoneOffset.UTC))
        .bind("disabled", app.disabled())
        .bind("raw", app.allowRawSign())
        .bind("export", app.allowExport())
        .bind("perSecond", app.rateLimit() == null ? null : app.rateLimit().perSecond())
        .bind("burst", app.rateLimit() == null ? null : app.rateLimit().burst())
        .execute();
  }

  public Optional<Row> find(String id) {
    return handle.createQuery("SELECT id, name, secret_salt, secret_hash, created_at, disabled,"
            + " allow_raw_sign, allow_export, rate_limit_per_second, rate_limit_burst FROM apps"
            + " WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> new Row(
            new App(rs.getString("id"), rs.getString("name"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getBoolean("disabled"), rs.getBoolean("allow_raw_sign"),
                rs.getBoolean("allow_export"), rateLimit(rs)),
            rs.getBytes("secret_salt"), rs.getBytes("secret_hash")))
        .findOne();
  }

  private static App.RateLimit rateLimit(java.sql.ResultSet rs) throws java.sql.SQLException {
    double perSecond = rs.getDouble("rate_limit_per_second");
    if (rs.wasNull()) {
      return null;
    }
    return new App.RateLimit(perSecond, rs.getInt("rate_limit_burst"));
  }

  /** Sets the app's rate limit (null: the configured default); false when there is no such app. */
  public boolean setRateLimit(String id, App.RateLimit limit) {
    return handle.createUpdate("UPDATE apps SET rate_limit_per_second = :perSecond,"
            + " rate_limit_burst = :burst WHERE id = :id")
        .bind("id", id)
        .bind("perSecond", limit == null ? null : limit.perSecond())
        .bind("burst", limit == null ? null : limit.burst())
        .execute() == 1;
  }

  public void setAllowRawSign(String id, boolean allow) {
    handle.createUpdate("UPDATE apps SET allow_raw_sign = :allow WHERE id = :id")
        .bind("id", id).bind("allow", allow).execute();
  }

}
