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
 * state except FAILED {@code -> FAILED}. Every other transition fails closed: the machine moves to
 * FAILED (logged) and the caller gets an {@link IllegalTransitionException}. Which requests each
 * state serves is {@link EnclaveRoutes}' table.
 */
public final class EnclaveStateMachine {

  private static final Logger LOG = LoggerFactory.getLogger(EnclaveStateMachine.class);

  private static final Map<EnclaveState, Set<EnclaveState>> TRANSITIONS =
      new EnumMap<>(EnclaveState.class);

  static {
    TRANSITIONS.put(EnclaveState.BOOTING, EnumSet.of(EnclaveState.SEALED, EnclaveState.FAILED));
    TRANSITIONS.put(EnclaveState.SEALED, EnumSet.of(EnclaveState.READY, EnclaveState.FAILED));
    TRANSITIONS.put(EnclaveState.READY, EnumSet.of(EnclaveState.FAILED));
    TRANSITIONS.put(EnclaveState.FAILED, EnumSet.noneOf(EnclaveState.class));
  }

  /** A transition the table does not allow; the machine is FAILED when this is thrown. */
  public static final class IllegalTransitionException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    IllegalTransitionException(EnclaveState from, EnclaveState to) {
      super("illegal enclave state transition " + from + " -> " + to + "; the enclave is FAILED");
    }
  }

  private EnclaveState state = EnclaveState.BOOTING;

  /** The current state. */
  public synchronized EnclaveState state() {
    return state;
  }

  /**
   * Moves to {@code next}.
   *
   * @throws IllegalTransitionException if the transition is not in the table; the machine is then
   *     FAILED (it does not stay where it was)
   */
  public synchronized void transitionTo(EnclaveState next) {
    if (!TRANSITIONS.getOrDefault(state, Set.of()).contains(next)) {
      EnclaveState from = state;
      LOG.error("illegal enclave state transition {} -> {}: failing closed, state {} -> FAILED",
          from, next, from);
      state = EnclaveState.FAILED;
      throw new IllegalTransitionException(from, next);
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

  /** True when the current state serves requests of {@code type} ({@link EnclaveRoutes}). */
  public synchronized boolean serves(EnclaveRequest.BodyCase type) {
    return EnclaveRoutes.route(state, type).isPresent();
  }
}
