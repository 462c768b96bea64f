package io.nitrosign.enclave.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.proto.v1.EnclaveRequest.BodyCase;
import io.nitrosign.proto.v1.EnclaveState;
import org.junit.jupiter.api.Test;

class EnclaveStateMachineTest {

  @Test
  void happyPath() {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    assertEquals(EnclaveState.BOOTING, sm.state());
    sm.transitionTo(EnclaveState.SEALED);
    sm.transitionTo(EnclaveState.READY);
    assertEquals(EnclaveState.READY, sm.state());
    sm.transitionTo(EnclaveState.FAILED);
    assertEquals(EnclaveState.FAILED, sm.state());
  }

  @Test
  void everyTransitionOutsideTheTableFailsClosed() {
    EnclaveState[][] illegal = {
        {EnclaveState.BOOTING, EnclaveState.READY},
        {EnclaveState.BOOTING, EnclaveState.BOOTING},
        {EnclaveState.BOOTING, EnclaveState.ENCLAVE_STATE_UNSPECIFIED},
        {EnclaveState.SEALED, EnclaveState.BOOTING},
        {EnclaveState.SEALED, EnclaveState.SEALED},
        {EnclaveState.READY, EnclaveState.SEALED},
        {EnclaveState.READY, EnclaveState.READY},
        {EnclaveState.READY, EnclaveState.BOOTING},
    };
    for (EnclaveState[] t : illegal) {
      EnclaveStateMachine sm = at(t[0]);
      EnclaveStateMachine.IllegalTransitionException e = assertThrows(
          EnclaveStateMachine.IllegalTransitionException.class, () -> sm.transitionTo(t[1]));
      assertTrue(e instanceof IllegalStateException);
      assertEquals(EnclaveState.FAILED, sm.state(), t[0] + " -> " + t[1]);
      // and it stays there: FAILED has no way out
      assertThrows(IllegalStateException.class, () -> sm.transitionTo(EnclaveState.SEALED));
      assertEquals(EnclaveState.FAILED, sm.state());
    }
    EnclaveStateMachine sm = at(EnclaveState.READY);
    sm.fail();
    for (EnclaveState s : EnclaveState.values()) {
      if (s != EnclaveState.UNRECOGNIZED) {
        assertThrows(IllegalStateException.class, () -> sm.transitionTo(s));
        assertEquals(EnclaveState.FAILED, sm.state());
      }
    }
    sm.fail(); // idempotent
    assertEquals(EnclaveState.FAILED, sm.state());
  }

  private static EnclaveStateMachine at(EnclaveState state) {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    if (state == EnclaveState.SEALED || state == EnclaveState.READY) {
      sm.transitionTo(EnclaveState.SEALED);
    }
    if (state == EnclaveState.READY) {
      sm.transitionTo(EnclaveState.READY);
    }
    return sm;
  }

  @Test
  void allowListPerState() {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    assertTrue(sm.serves(BodyCase.HEALTH));
    assertFalse(sm.serves(BodyCase.SIGN));
    assertFalse(sm.serves(BodyCase.GENERATE_KEY));
    assertFalse(sm.serves(BodyCase.GET_ATTESTATION));
    sm.transitionTo(EnclaveState.SEALED);
    assertTrue(sm.serves(BodyCase.HEALTH));
    assertTrue(sm.serves(BodyCase.GET_ATTESTATION));
    assertFalse(sm.serves(BodyCase.SIGN));
    sm.transitionTo(EnclaveState.READY);
    assertTrue(sm.serves(BodyCase.GET_ATTESTATION));
    assertTrue(sm.serves(BodyCase.SIGN));
    assertTrue(sm.serves(BodyCase.GENERATE_KEY));
    assertFalse(sm.serves(BodyCase.BODY_NOT_SET));
    sm.fail();
    assertTrue(sm.serves(BodyCase.HEALTH));
    assertFalse(sm.serves(BodyCase.GET_ATTESTATION));
    assertFalse(sm.serves(BodyCase.SIGN));
    assertFalse(sm.serves(BodyCase.GENERATE_KEY));
  }

  @Test
  void kmsLifecycleAllowList() {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    assertFalse(sm.serves(BodyCase.SET_CREDENTIALS));
    sm.transitionTo(EnclaveState.SEALED);
    assertTrue(sm.serves(BodyCase.SET_CREDENTIALS));
    assertTrue(sm.serves(BodyCase.PROVISION_SEALING_KEYS));
    assertTrue(sm.serves(BodyCase.UNSEAL_SEALING_KEYS));
    assertFalse(sm.serves(BodyCase.RESEAL));
    sm.transitionTo(EnclaveState.READY);
    assertTrue(sm.serves(BodyCase.SET_CREDENTIALS));
    assertTrue(sm.serves(BodyCase.PROVISION_SEALING_KEYS));
    assertTrue(sm.serves(BodyCase.RESEAL));
    assertFalse(sm.serves(BodyCase.UNSEAL_SEALING_KEYS));
    sm.fail();
    assertFalse(sm.serves(BodyCase.SET_CREDENTIALS));
    assertFalse(sm.serves(BodyCase.RESEAL));
  }
}
