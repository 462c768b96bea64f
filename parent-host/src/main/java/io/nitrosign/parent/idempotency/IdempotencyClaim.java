package io.nitrosign.parent.idempotency;

/**
 * The idempotency key held by one attempt of a request: the app and key (with the time it was
 * first claimed, which tells it from the same key claimed again after it expired), the attempt's random
 * token (only it may complete or release the key) and the parent host running it.
 * {@code lostAttempt} is the attempt this one took over because its lease lapsed (null when the
 * key was claimed fresh): the request's code records that attempt as lost.
 */
public record IdempotencyClaim(String appId, String key, java.time.Instant keyCreatedAt,
    String attempt, String host, String lostAttempt) {

  @Override
  public String toString() {
    // the key is the client's request id: not a secret, but kept out of logs all the same
    return "IdempotencyClaim[attempt=" + attempt + ", host=" + host + "]";
  }
}
