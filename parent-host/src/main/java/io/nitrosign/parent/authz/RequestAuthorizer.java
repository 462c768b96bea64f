package io.nitrosign.parent.authz;

import io.nitrosign.proto.v1.KeyQuorum;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Checks that a REST request carries the signatures of a resource's owner (Privy's authorization
 * signatures: the {@code privy-authorization-signature} header over the request). Implemented by
 * the request-signature verifier; the parent host has no other implementation.
 */
@FunctionalInterface
public interface RequestAuthorizer {

  /**
   * Returns when {@code headers} carry a threshold of valid signatures of {@code owner} over this
   * request, signed for app {@code appId} (its {@code privy-app-id}); throws
   * {@link io.nitrosign.parent.api.ApiException} 401 otherwise. The caller records the returned
   * {@link Accepted} ({@link UsedAuthorizations}) in the transaction that acts on the request, so
   * the same signed request is never acted on twice.
   *
   * @param appId the authenticated app the request is made as
   * @param method the HTTP method ("PATCH", "DELETE", ...)
   * @param path the request path as signed, e.g. {@code /v1/key_quorums/<id>}
   * @param body the request body bytes exactly as received (empty when there is none)
   */
  Accepted require(KeyQuorum owner, String appId, String method, String path, byte[] body,
      HttpHeaders headers);

  /**
   * A checked request: SHA-256 of its signed payload, when it expires (Unix ms), its body as the
   * check parsed it (strictly: a JSON object, empty for no body), and which of the quorums it was
   * checked against signed it (the index of the first one whose threshold was met).
   */
  record Accepted(byte[] payloadDigest, long expiryMillis, java.util.Map<String, Object> body,
      int quorum) {}
}
