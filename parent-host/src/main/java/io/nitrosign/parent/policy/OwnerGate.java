package io.nitrosign.parent.policy;

import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.authz.RequestAuthorizer;
import io.nitrosign.parent.authz.UsedAuthorizations;
import io.nitrosign.parent.quorum.KeyQuorumStore;
import io.nitrosign.proto.v1.KeyQuorum;
import jakarta.ws.rs.core.HttpHeaders;
import java.time.Clock;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner check of policies, condition sets and aggregations (which live only in the database,
 * so this check is the authority, as for key quorums): a resource with an owner changes only with
 * a threshold of that key quorum's signatures over the request (Privy's authorization
 * signatures, {@link RequestAuthorizer}), as the quorum is now. The accepted request is recorded
 * in the transaction that applies it, so it is never applied twice.
 */
final class OwnerGate {

  private static final Logger LOG = LoggerFactory.getLogger(OwnerGate.class);

  private final RequestAuthorizer authorizer;
  private final Clock clock;

  OwnerGate(RequestAuthorizer authorizer, Clock clock) {
    this.authorizer = authorizer;
    this.clock = clock;
  }

  /**
   * Returns when {@code ownerId} is null or the request carries its signatures; 401 otherwise
   * ({@code missing_authorization_signature}, {@code invalid_authorization_signature},
   * {@code request_expired}, {@code insufficient_signatures}, {@code authorization_replayed}).
   * Call with the resource's row locked, inside the transaction that applies the change.
   */
  void require(Handle h, String appId, String ownerId, String method, String path, byte[] body,
      HttpHeaders headers) {
    if (ownerId == null) {
      return;
    }
    // the owner's row cannot go while it owns something (foreign key), so it is there
    KeyQuorum owner = new KeyQuorumStore(h).resolve(appId, ownerId).orElseThrow(() -> {
      LOG.error("owner key quorum {} of a policy resource is missing", ownerId);
      return ApiException.internal();
    });
    RequestAuthorizer.Accepted accepted =
        authorizer.require(owner, appId, method, path, body, headers);
    new UsedAuthorizations(h).record(accepted, clock.instant());
  }
}
