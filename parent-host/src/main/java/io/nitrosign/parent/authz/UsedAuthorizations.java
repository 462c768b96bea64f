package io.nitrosign.parent.authz;

import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.ErrorCodes;
import java.time.Instant;
import java.time.ZoneOffset;
import org.jdbi.v3.core.Handle;

/**
 * Signed requests the parent has acted on, for the changes only the parent authorizes (key
 * quorums, policies, condition sets and aggregations, which live in its database, and a wallet's
 * policy_ids; the enclave keeps its own replay memory for what it authorizes). A
 * request's payload digest is recorded in the transaction that applies it, until it expires, so a
 * replayed signed change (e.g. one that added a key the quorum later removed) is refused, across
 * restarts and across parent hosts sharing the database.
 */
public final class UsedAuthorizations {

  private final Handle handle;

  public UsedAuthorizations(Handle handle) {
    this.handle = handle;
  }

  /**
   * Records {@code accepted}; throws 401 {@code authorization_replayed} when it was recorded
   * before. Drops records that expired over a minute ago on the way.
   */
  public void record(RequestAuthorizer.Accepted accepted, Instant now) {
    handle.createUpdate("DELETE FROM used_authorizations WHERE expires_at < :cutoff")
        .bind("cutoff", now.minusSeconds(60).atOffset(ZoneOffset.UTC)).execute();
    int inserted = handle.createUpdate("INSERT INTO used_authorizations (digest, expires_at)"
            + " VALUES (:digest, :expires) ON CONFLICT (digest) DO NOTHING")
        .bind("digest", accepted.payloadDigest())
        .bind("expires", Instant.ofEpochMilli(accepted.expiryMillis()).atOffset(ZoneOffset.UTC))
        .execute();
    if (inserted != 1) {
      throw new ApiException(401, ErrorCodes.AUTHORIZATION_REPLAYED,
          "this signed request was already used");
    }
  }
}
