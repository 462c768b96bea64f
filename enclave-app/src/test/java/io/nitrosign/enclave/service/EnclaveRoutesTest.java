package io.nitrosign.enclave.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.sealing.LocalDevSealingKeyProvider;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveRequest.BodyCase;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.HealthRequest;
import io.nitrosign.proto.v1.UpdateAuthorityRequest;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control-surface table and the fail-closed life cycle, through the dispatcher. */
class EnclaveRoutesTest {

  private static final SecureRandom RANDOM = Drbg.create(new OsSeedSource());
  @TempDir Path dir;

  @Test
  void theTableListsWhatEachStateServes() {
    assertEquals(EnumSet.of(BodyCase.HEALTH), EnclaveRoutes.served(EnclaveState.BOOTING));
    assertEquals(EnumSet.of(BodyCase.HEALTH, BodyCase.GET_ATTESTATION, BodyCase.SET_CREDENTIALS,
        BodyCase.PROVISION_SEALING_KEYS, BodyCase.ACTIVATE_SEALING_KEY,
        BodyCase.UNSEAL_SEALING_KEYS, BodyCase.SIGN_AUDIT_CHECKPOINT),
        EnclaveRoutes.served(EnclaveState.SEALED));
    assertEquals(EnumSet.of(BodyCase.HEALTH, BodyCase.GET_ATTESTATION, BodyCase.SET_CREDENTIALS,
        BodyCase.PROVISION_SEALING_KEYS, BodyCase.ACTIVATE_SEALING_KEY, BodyCase.GENERATE_KEY, BodyCase.SIGN,
        BodyCase.GET_IMPORT_KEY, BodyCase.IMPORT_KEY, BodyCase.EXPORT_KEY, BodyCase.RESEAL,
        BodyCase.UPDATE_AUTHORITY, BodyCase.AUTHENTICATE_USER, BodyCase.SIGN_AUDIT_CHECKPOINT),
        EnclaveRoutes.served(EnclaveState.READY));
    assertEquals(EnumSet.of(BodyCase.HEALTH), EnclaveRoutes.served(EnclaveState.FAILED));
    assertTrue(EnclaveRoutes.served(EnclaveState.ENCLAVE_STATE_UNSPECIFIED).isEmpty());
  }

  @Test
  void everyRequestTypeIsServedSomewhere() {
    Set<BodyCase> served = EnumSet.noneOf(BodyCase.class);
    for (EnclaveRoutes.Route r : EnclaveRoutes.ROUTES) {
      served.add(r.request());
    }
    Set<BodyCase> all = EnumSet.allOf(BodyCase.class);
    all.remove(BodyCase.BODY_NOT_SET);
    assertEquals(all, served, "a request type without a route is never answered");
  }

  @Test
  void updateAuthorityIsServedWhenReadyOnly() throws Exception {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    try (EnclaveService s = new EnclaveService(EnclaveService.Options.of(sm, RANDOM, "test"))) {
      assertEquals(ErrorCode.NOT_READY, updateAuthority(s).getError().getCode());
      sm.transitionTo(EnclaveState.SEALED);
      assertEquals(ErrorCode.NOT_READY, updateAuthority(s).getError().getCode());
      s.unseal(LocalDevSealingKeyProvider.openOrCreate(dir.resolve("keys"), RANDOM));
      // READY: the handler answers (here: the empty request is refused as invalid)
      EnclaveResponse r = updateAuthority(s);
      assertEquals(ErrorCode.INVALID_REQUEST, r.getError().getCode());
    }
  }

  @Test
  void anIllegalTransitionFailsTheEnclaveClosedAndTheCallerGetsAnError() throws Exception {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    try (EnclaveService s = new EnclaveService(EnclaveService.Options.of(sm, RANDOM, "test"))) {
      // BOOTING -> READY is not in the table: the enclave does not stay BOOTING, it fails
      assertThrows(EnclaveStateMachine.IllegalTransitionException.class,
          () -> s.unseal(LocalDevSealingKeyProvider.openOrCreate(dir.resolve("keys"), RANDOM)));
      assertEquals(EnclaveState.FAILED, sm.state());
      assertEquals(EnclaveState.FAILED, s.handle(EnclaveRequest.newBuilder().setRequestId(1)
          .setHealth(HealthRequest.getDefaultInstance()).build()).join().getHealth().getState());
      assertEquals(ErrorCode.NOT_READY, updateAuthority(s).getError().getCode());
    }
    // unsealing a second time (READY -> READY) fails closed too
    EnclaveStateMachine sm2 = new EnclaveStateMachine();
    try (EnclaveService s = new EnclaveService(EnclaveService.Options.of(sm2, RANDOM, "test"))) {
      sm2.transitionTo(EnclaveState.SEALED);
      s.unseal(LocalDevSealingKeyProvider.openOrCreate(dir.resolve("keys2"), RANDOM));
      assertThrows(EnclaveStateMachine.IllegalTransitionException.class,
          () -> s.unseal(LocalDevSealingKeyProvider.openOrCreate(dir.resolve("keys3"), RANDOM)));
      assertEquals(EnclaveState.FAILED, sm2.state());
    }
  }

  private static EnclaveResponse updateAuthority(EnclaveService s) {
    return s.handle(EnclaveRequest.newBuilder().setRequestId(9)
        .setUpdateAuthority(UpdateAuthorityRequest.getDefaultInstance()).build()).join();
  }
}
