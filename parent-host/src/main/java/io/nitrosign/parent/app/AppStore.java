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
            + " allow_raw_sign, allow_export) VALUES (:id, :name, :salt, :hash, :at, :disabled, :raw,"
            + " :export)")
        .bind("id", app.id())
        .bind("name", app.name())
        .bind("salt", secret.salt())
        .bind("hash", secret.hash())
        .bind("at", app.createdAt().atOffset(ZoneOffset.UTC))
        .bind("disabled", app.disabled())
        .bind("raw", app.allowRawSign())
        .bind("export", app.allowExport())
        .execute();
  }

  public Optional<Row> find(String id) {
    return handle.createQuery("SELECT id, name, secret_salt, secret_hash, created_at, disabled,"
            + " allow_raw_sign, allow_export FROM apps WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> new Row(
            new App(rs.getString("id"), rs.getString("name"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getBoolean("disabled"), rs.getBoolean("allow_raw_sign"),
                rs.getBoolean("allow_export")),
            rs.getBytes("secret_salt"), rs.getBytes("secret_hash")))
        .findOne();
  }

  public void setAllowRawSign(String id, boolean allow) {
    handle.createUpdate("UPDATE apps SET allow_raw_sign = :allow WHERE id = :id")
        .bind("id", id).bind("allow", allow).execute();
  }

}
