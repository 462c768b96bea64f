package io.nitrosign.enclave.service;

import static io.nitrosign.enclave.service.EnclaveRoutes.Lane.INLINE;
import static io.nitrosign.enclave.service.EnclaveRoutes.Lane.KMS;
import static io.nitrosign.enclave.service.EnclaveRoutes.Lane.SIGNING;
import static io.nitrosign.proto.v1.EnclaveRequest.BodyCase.ACTIVATE_SEALING_KEY;
import static io.nitrosign.proto.v1.EnclaveRequest.BodyCase.AUTHENTICATE_USER;
import static io.nitrosign.proto.v1.EnclaveRequest.BodyCase.EXPORT_KEY;
import static io.nitrosign.proto.v1.EnclaveRequest.BodyCase.GENERATE_KEY;
import static io.nitrosign.proto.v1.EnclaveRequest.BodyCase.GET_ATTESTATION;
import static io.nitrosign.proto.v1.EnclaveRequest.BodyCase.GET_IMPORT_KEY;
import static io.nitrosign.proto.v1.EnclaveRequest.BodyCase.HEALTH;
import static io.nitrosign.proto.v1.EnclaveRequest.BodyCase.IMPORT_KEY;
import static io.nitrosign.proto.v1.EnclaveRequest.BodyCase.PROVISION_SEALING_KEYS;
import static io.nitrosign.proto.v1.EnclaveRequest.BodyCase.RESEAL;
import static io.nitrosign.proto.v1.EnclaveRequest.BodyCase.SET_CREDENTIALS;
import static io.nitrosign.proto.v1.EnclaveRequest.BodyCase.SIGN;
import static io.nitrosign.proto.v1.EnclaveRequest.BodyCase.SIGN_AUDIT_CHECKPOINT;
import static io.nitrosign.proto.v1.EnclaveRequest.BodyCase.UNSEAL_SEALING_KEYS;
import static io.nitrosign.proto.v1.EnclaveRequest.BodyCase.UPDATE_AUTHORITY;
import static io.nitrosign.proto.v1.EnclaveState.BOOTING;
import static io.nitrosign.proto.v1.EnclaveState.FAILED;
import static io.nitrosign.proto.v1.EnclaveState.READY;
import static io.nitrosign.proto.v1.EnclaveState.SEALED;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveRequest.BodyCase;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The enclave's control surface, as one table: for each state, the requests it serves, where they
 * run and which handler answers them. Nothing else decides what is served: the dispatcher
 * ({@link EnclaveService}) looks a request up here (state, request type) and answers NOT_READY
 * when there is no row; {@link EnclaveStateMachine#serves} reads the same table.
 *
 * <p>Lanes: INLINE runs on the caller's thread (cheap, never blocks); SIGNING runs on the bounded
 * signing executor; KMS runs one at a time on the KMS thread, so a slow KMS call never holds a
 * signing thread.
 */
public final class EnclaveRoutes {

  /** Where a request runs. */
  public enum Lane { INLINE, SIGNING, KMS }

  /** Answers one request type. Errors are {@link EnclaveException}s with fixed details. */
  @FunctionalInterface
  public interface Handler {
    EnclaveResponse handle(EnclaveRequest request) throws EnclaveException;
  }

  /**
   * One handler per request type. To wire a new handler (for example {@code AuthorityHandler}
   * for UPDATE_AUTHORITY), change the one field {@link EnclaveService} builds for it.
   */
  public record Handlers(Handler health, Handler getAttestation, Handler setCredentials,
      Handler provisionSealingKeys, Handler activateSealingKey, Handler unsealSealingKeys,
      Handler generateKey, Handler sign, Handler getImportKey, Handler importKey,
      Handler exportKey, Handler reseal, Handler updateAuthority, Handler authenticateUser,
      Handler signAuditCheckpoint) {}

  /** One row: in {@code state}, {@code request} is served on {@code lane} by {@code handler}. */
  public record Route(EnclaveState state, BodyCase request, Lane lane,
      Function<Handlers, Handler> handler) {}

  /** The table. Any (state, request) pair not listed is refused with NOT_READY. */
  public static final List<Route> ROUTES = List.of(
      //        state    request                 lane     handler
      new Route(BOOTING, HEALTH,                 INLINE,  Handlers::health),

      // a parent must be able to fetch an attestation document, and hand over credentials and
      // sealing-key blobs, before the enclave can be READY
      new Route(SEALED,  HEALTH,                 INLINE,  Handlers::health),
      new Route(SEALED,  GET_ATTESTATION,        SIGNING, Handlers::getAttestation),
      new Route(SEALED,  SET_CREDENTIALS,        KMS,     Handlers::setCredentials),
      // first boot is two-phase too: provision v1 (pending), the parent stores the blobs,
      // activate v1 (-> READY)
      new Route(SEALED,  PROVISION_SEALING_KEYS, KMS,     Handlers::provisionSealingKeys),
      new Route(SEALED,  ACTIVATE_SEALING_KEY,   KMS,     Handlers::activateSealingKey),
      new Route(SEALED,  UNSEAL_SEALING_KEYS,    KMS,     Handlers::unsealSealingKeys),
      // the response key exists from boot: audit checkpoints need no sealing key
      new Route(SEALED,  SIGN_AUDIT_CHECKPOINT,  SIGNING, Handlers::signAuditCheckpoint),

      new Route(READY,   HEALTH,                 INLINE,  Handlers::health),
      new Route(READY,   GET_ATTESTATION,        SIGNING, Handlers::getAttestation),
      new Route(READY,   SET_CREDENTIALS,        KMS,     Handlers::setCredentials),
      // rotation: provision current + 1 (pending), the parent stores the blobs, activate it;
      // on the KMS lane, so provision and activation are ordered one after the other
      new Route(READY,   PROVISION_SEALING_KEYS, KMS,     Handlers::provisionSealingKeys),
      new Route(READY,   ACTIVATE_SEALING_KEY,   KMS,     Handlers::activateSealingKey),
      new Route(READY,   GENERATE_KEY,           SIGNING, Handlers::generateKey),
      new Route(READY,   SIGN,                   SIGNING, Handlers::sign),
      new Route(READY,   GET_IMPORT_KEY,         SIGNING, Handlers::getImportKey),
      new Route(READY,   IMPORT_KEY,             SIGNING, Handlers::importKey),
      new Route(READY,   EXPORT_KEY,             SIGNING, Handlers::exportKey),
      new Route(READY,   RESEAL,                 SIGNING, Handlers::reseal),
      new Route(READY,   UPDATE_AUTHORITY,       SIGNING, Handlers::updateAuthority),
      // may fetch the issuer's JWKS (pinned TLS, 5 s timeouts) when its cached copy is stale
      new Route(READY,   AUTHENTICATE_USER,      SIGNING, Handlers::authenticateUser),
      new Route(READY,   SIGN_AUDIT_CHECKPOINT,  SIGNING, Handlers::signAuditCheckpoint),

      // an unrecoverable fault: Health only, so the parent can see it
      new Route(FAILED,  HEALTH,                 INLINE,  Handlers::health));

  private static final Map<EnclaveState, Map<BodyCase, Route>> BY_STATE = index();

  private EnclaveRoutes() {}

  /** The row for {@code request} in {@code state}, if that state serves it. */
  public static Optional<Route> route(EnclaveState state, BodyCase request) {
    Map<BodyCase, Route> rows = BY_STATE.get(state);
    return rows == null ? Optional.empty() : Optional.ofNullable(rows.get(request));
  }

  /** The request types {@code state} serves. */
  public static Set<BodyCase> served(EnclaveState state) {
    Map<BodyCase, Route> rows = BY_STATE.get(state);
    return rows == null || rows.isEmpty() ? EnumSet.noneOf(BodyCase.class)
        : EnumSet.copyOf(rows.keySet());
  }

  private static Map<EnclaveState, Map<BodyCase, Route>> index() {
    Map<EnclaveState, Map<BodyCase, Route>> out = new EnumMap<>(EnclaveState.class);
    for (Route r : ROUTES) {
      if (r.request() == BodyCase.BODY_NOT_SET) {
        throw new ExceptionInInitializerError("a route needs a request type");
      }
      Route previous = out.computeIfAbsent(r.state(), s -> new EnumMap<>(BodyCase.class))
          .put(r.request(), r);
      if (previous != null) {
        throw new ExceptionInInitializerError("duplicate route " + r.state() + " " + r.request());
      }
    }
    return out;
  }
}
