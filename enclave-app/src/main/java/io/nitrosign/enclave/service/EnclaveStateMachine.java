package io.nitrosign.enclave.service;

import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveState;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enclave life cycle as an explicit state machine: {@code BOOTING -> SEALED -> READY}, and any
 * state except FAILED {@code -> FAILED}. Every other transition is refused. Each state has an
 * allow-list of the request types it serves.
 */
public final class EnclaveStateMachine {

  private static final Logger LOG = LoggerFactory.getLogger(EnclaveStateMachine.class);

  private static final Map<EnclaveState, Set<EnclaveState>> TRANSITIONS =
      new EnumMap<>(EnclaveState.class);
  private static final Map<EnclaveState, Set<EnclaveRequest.BodyCase>> SERVES =
      new EnumMap<>(EnclaveState.class);

  static {
    TRANSITIONS.put(EnclaveState.BOOTING, EnumSet.of(EnclaveState.SEALED, EnclaveState.FAILED));
    TRANSITIONS.put(EnclaveState.SEALED, EnumSet.of(EnclaveState.READY, EnclaveState.FAILED));
    TRANSITIONS.put(EnclaveState.READY, EnumSet.of(EnclaveState.FAILED));
    TRANSITIONS.put(EnclaveState.FAILED, EnumSet.noneOf(EnclaveState.class));

    SERVES.put(EnclaveState.BOOTING, EnumSet.of(EnclaveRequest.BodyCase.HEALTH));
    // a parent must be able to fetch an attestation document, and hand over credentials and
    // sealing-key blobs, before the enclave can be READY
    SERVES.put(EnclaveState.SEALED, EnumSet.of(EnclaveRequest.BodyCase.HEALTH,
        EnclaveRequest.BodyCase.GET_ATTESTATION, EnclaveRequest.BodyCase.SET_CREDENTIALS,
        EnclaveRequest.BodyCase.PROVISION_SEALING_KEYS,
        EnclaveRequest.BodyCase.UNSEAL_SEALING_KEYS));
    SERVES.put(EnclaveState.READY, EnumSet.of(EnclaveRequest.BodyCase.HEALTH,
        EnclaveRequest.BodyCase.GENERATE_KEY, EnclaveRequest.BodyCase.SIGN,
        EnclaveRequest.BodyCase.GET_IMPORT_KEY, EnclaveRequest.BodyCase.IMPORT_KEY,
        EnclaveRequest.BodyCase.EXPORT_KEY, EnclaveRequest.BodyCase.GET_ATTESTATION,
        EnclaveRequest.BodyCase.SET_CREDENTIALS, EnclaveRequest.BodyCase.PROVISION_SEALING_KEYS,
        EnclaveRequest.BodyCase.RESEAL, EnclaveRequest.BodyCase.UPDATE_AUTHORITY));
    SERVES.put(EnclaveState.FAILED, EnumSet.of(EnclaveRequest.BodyCase.HEALTH));
  }

  private EnclaveState state = EnclaveState.BOOTING;

  /** The current state. */
  public synchronized EnclaveState state() {
    return state;
  }

  /**
   * Moves to {@code next}.
   *
   * @throws IllegalStateException if the transition is not allow-listed
   */
  public synchronized void transitionTo(EnclaveState next) {
    if (!TRANSITIONS.getOrDefault(state, Set.of()).contains(next)) {
      throw new IllegalStateException("illegal enclave state transition " + state + " -> " + next);
    }
    LOG.info("enclave state {} -> {}", state, next);
    state = next;
  }

  /** Moves to FAILED unless already there. */
  public synchronized void fail() {
    if (state != EnclaveState.FAILED) {
      transitionTo(EnclaveState.FAILED);
    }
  }

  /** True when the current state serves requests of {@code type}. */
  public synchronized boolean serves(EnclaveRequest.BodyCase type) {
    return SERVES.get(state).contains(type);
  }
}
