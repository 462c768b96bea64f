package io.nitrosign.parent.sealing;

import com.google.protobuf.ByteString;
import io.nitrosign.proto.v1.SealingKeyBlob;
import io.nitrosign.proto.v1.ShareKind;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** The encrypted sealing-key blobs the parent keeps for the enclave. Takes the caller's handle. */
public final class SealingKeyStore {

  /** Advisory lock key serializing provisioning and rotation across parent hosts ("nssk"). */
  static final long PROVISION_LOCK = 0x6e73736bL;

  private final Handle handle;

  public SealingKeyStore(Handle handle) {
    this.handle = handle;
  }

  /** Blocks until this transaction holds the provisioning lock. */
  public void lockForProvisioning() {
    handle.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(:key)) AS locked")
        .bind("key", PROVISION_LOCK).mapTo(Integer.class).one();
  }

  public List<SealingKeyBlob> all() {
    return handle.createQuery("SELECT version, kind, kms_key_id, ciphertext_blob FROM sealing_keys"
            + " ORDER BY version, kind")
        .map((rs, ctx) -> blob(rs))
        .list();
  }

  /** The blobs stored for {@code version} (AUTH then EXEC; empty when there are none). */
  public List<SealingKeyBlob> blobsOf(int version) {
    return handle.createQuery("SELECT version, kind, kms_key_id, ciphertext_blob FROM sealing_keys"
            + " WHERE version = :v ORDER BY kind")
        .bind("v", version)
        .map((rs, ctx) -> blob(rs))
        .list();
  }

  private static SealingKeyBlob blob(java.sql.ResultSet rs) throws java.sql.SQLException {
    return SealingKeyBlob.newBuilder()
        .setVersion(rs.getInt("version"))
        .setKind("auth".equals(rs.getString("kind")) ? ShareKind.AUTH : ShareKind.EXEC)
        .setKmsKeyId(rs.getString("kms_key_id"))
        .setCiphertextBlob(ByteString.copyFrom(rs.getBytes("ciphertext_blob")))
        .build();
  }

  /** The highest version stored with both kinds, or 0 when there is none. */
  public int currentVersion() {
    return handle.createQuery("SELECT coalesce(max(version), 0) FROM (SELECT version FROM"
            + " sealing_keys GROUP BY version HAVING count(DISTINCT kind) = 2) AS complete")
        .mapTo(Integer.class).one();
  }

  /** Stores the blobs of one new version; fails if that version exists (never overwrites). */
  public void insert(List<SealingKeyBlob> blobs, Instant at) {
    for (SealingKeyBlob b : blobs) {
      if (b.getVersion() <= 0 || b.getKind() == ShareKind.SHARE_KIND_UNSPECIFIED
          || b.getCiphertextBlob().isEmpty() || b.getKmsKeyId().isEmpty()) {
        throw new IllegalArgumentException("incomplete sealing-key blob from the enclave");
      }
      handle.createUpdate("INSERT INTO sealing_keys (version, kind, kms_key_id, ciphertext_blob,"
              + " created_at) VALUES (:v, :k, :key, :blob, :at)")
          .bind("v", b.getVersion())
          .bind("k", b.getKind() == ShareKind.AUTH ? "auth" : "exec")
          .bind("key", b.getKmsKeyId())
          .bind("blob", b.getCiphertextBlob().toByteArray())
          .bind("at", at.atOffset(ZoneOffset.UTC))
          .execute();
    }
  }
}
