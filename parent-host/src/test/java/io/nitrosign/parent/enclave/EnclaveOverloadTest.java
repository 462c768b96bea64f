package io.nitrosign.parent.enclave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import com.google.protobuf.ByteString;
import io.dropwizard.util.Duration;
import io.nitrosign.parent.auth.MutableClock;
import io.nitrosign.parent.metrics.MetricNames;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.GetAttestationRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bounded queue and the circuit breaker in front of a real enclave process, made slow by
 * SIGSTOP and dead by SIGKILL. The breaker runs on a clock the test moves, so its open period ends
 * exactly when the test says; nothing here asserts on elapsed time.
 */
class EnclaveOverloadTest {

  private static RealEnclave enclave;
  private final List<EnclaveClientGateway> gateways = new ArrayList<>();

  @BeforeAll
  static void startEnclave() {
    enclave = RealEnclave.start();
  }

  @AfterAll
  static void stopEnclave() {
    enclave.close();
  }

  @AfterEach
  void closeGateways() throws Exception {
    enclave.thaw();
    gateways.forEach(EnclaveClientGateway::close);
  }

  private EnclaveConfiguration config() {
    EnclaveConfiguration c = new EnclaveConfiguration();
    c.setAddress(enclave.address());
    c.setConnections(1);
    // far beyond any frozen period of these tests: only the queue bounds refuse calls here
    c.setCallTimeout(Duration.seconds(60));
    c.setConnectTimeout(Duration.milliseconds(500));
    c.setReconnectMaxBackoff(Duration.milliseconds(200));
    return c;
  }

  private EnclaveClientGateway gateway(EnclaveConfiguration c, java.time.Clock clock,
      MetricRegistry metrics) {
    EnclaveClientGateway g = new EnclaveClientGateway(c, clock, metrics);
    gateways.add(g);
    g.start();
    await(g::connected, "the gateway to connect");
    return g;
  }

  private static byte[] attestation(EnclaveGateway g) {
    return g.getAttestation(GetAttestationRequest.newBuilder()
        .setNonce(ByteString.copyFrom(new byte[] {1, 2, 3}))
        .setPurpose(GetAttestationRequest.Purpose.RESPONSE_KEY).build())
        .getDocument().toByteArray();
  }

  @Test
  void aFullQueueShedsAtOnceAndTheAdmittedCallsCompleteWhenTheEnclaveAnswersAgain()
      throws Exception {
    EnclaveConfiguration c = config();
    c.setMaxInFlight(2);
    c.setMaxQueued(1);
    c.setMaxQueueWait(Duration.minutes(1));
    MetricRegistry metrics = new MetricRegistry();
    EnclaveClientGateway g = gateway(c, java.time.Clock.systemUTC(), metrics);
    assertTrue(attestation(g).length > 0);

    enclave.freeze();
    List<CompletableFuture<byte[]>> admitted = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      admitted.add(CompletableFuture.supplyAsync(() -> attestation(g)));
    }
    await(() -> g.inFlight() == 2, "two calls in flight");
    admitted.add(CompletableFuture.supplyAsync(() -> attestation(g)));
    await(() -> g.queued() == 1, "one call queued");

    EnclaveCallException shed = assertThrows(EnclaveCallException.class, () -> attestation(g));
    assertEquals(EnclaveCallException.Kind.OVERLOADED, shed.kind());
    assertEquals(1, shed.retryAfterSeconds());
    assertEquals(1, metrics.meter(MetricNames.ENCLAVE_SHED).getCount());
    assertEquals(503, EnclaveFailures.toApi(shed).status());
    assertEquals("overloaded", EnclaveFailures.toApi(shed).code());
    assertEquals("1", EnclaveFailures.toApi(shed).headers().get("Retry-After"));
    // Health is not queued: a busy enclave is not reported unreachable because of its backlog
    assertEquals(2, g.inFlight());

    enclave.thaw();
    for (CompletableFuture<byte[]> f : admitted) {
      assertTrue(f.get(60, TimeUnit.SECONDS).length > 0);
    }
    assertEquals(0, g.inFlight());
    assertEquals(0, g.queued());
    assertEquals("closed", g.circuitState());
  }

  @Test
  void requestsThatMakeTheEnclaveCallKmsAreCountedAsKmsCalls() {
    MetricRegistry metrics = new MetricRegistry();
    EnclaveClientGateway g = gateway(config(), java.time.Clock.systemUTC(), metrics);
    // this enclave has no KMS configuration: it refuses, and the refusal is a KMS call's error
    EnclaveCallException e = assertThrows(EnclaveCallException.class, () ->
        g.provisionSealingKeys(io.nitrosign.proto.v1.ProvisionSealingKeysRequest.newBuilder()
            .setVersion(1).build()));
    assertEquals(EnclaveCallException.Kind.ERROR, e.kind());
    assertEquals(1, metrics.meter(MetricNames.labeled(MetricNames.KMS_CALLS,
        "operation", "provision_sealing_keys", "result", "error")).getCount());
    assertEquals(0, metrics.meter(MetricNames.labeled(MetricNames.KMS_CALLS,
        "operation", "unseal_sealing_keys", "result", "error")).getCount());
    assertEquals("closed", g.circuitState()); // an answer, even an error, is not a failure
  }

  @Test
  void aCallThatWaitsItsLongestForASlotIsShedWithoutBeingSent() throws Exception {
    EnclaveConfiguration c = config();
    c.setMaxInFlight(1);
    c.setMaxQueued(8);
    c.setMaxQueueWait(Duration.milliseconds(200));
    MetricRegistry metrics = new MetricRegistry();
    EnclaveClientGateway g = gateway(c, java.time.Clock.systemUTC(), metrics);

    enclave.freeze();
    CompletableFuture<byte[]> admitted = CompletableFuture.supplyAsync(() -> attestation(g));
    await(() -> g.inFlight() == 1, "one call in flight");
    // the frozen enclave cannot free the slot, so this call waits its 200 ms and is shed
    EnclaveCallException shed = assertThrows(EnclaveCallException.class, () -> attestation(g));
    assertEquals(EnclaveCallException.Kind.OVERLOADED, shed.kind());
    assertEquals(0, g.queued());
    assertEquals(1, metrics.meter(MetricNames.labeled(MetricNames.ENCLAVE_CALLS,
        "call", "get_attestation", "result", "overloaded")).getCount());

    enclave.thaw();
    assertTrue(admitted.get(60, TimeUnit.SECONDS).length > 0);
  }

  @Test
  void theBreakerOpensAfterConsecutiveFailuresRefusesWithoutCallingAndAHealthProbeClosesIt()
      throws Exception {
    EnclaveConfiguration c = config();
    c.setCircuitBreakerFailures(3);
    c.setCircuitBreakerOpen(Duration.seconds(30));
    MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    MetricRegistry metrics = new MetricRegistry();
    EnclaveClientGateway g = gateway(c, clock, metrics);
    assertEquals(EnclaveState.SEALED, g.health().getState());

    enclave.kill();
    await(() -> !g.connected(), "the gateway to see the enclave gone");
    for (int i = 0; i < 3; i++) {
      EnclaveCallException e = assertThrows(EnclaveCallException.class, () -> attestation(g));
      assertEquals(EnclaveCallException.Kind.UNAVAILABLE, e.kind(), "call " + i);
    }
    assertEquals("open", g.circuitState());
    assertEquals(1, metrics.meter(MetricNames.ENCLAVE_CIRCUIT_OPENED).getCount());

    // The enclave is back, but the open breaker does not call it until its period is over.
    enclave.restart();
    await(g::connected, "the gateway to reconnect");
    clock.advance(java.time.Duration.ofSeconds(10));
    EnclaveCallException refused = assertThrows(EnclaveCallException.class, () -> attestation(g));
    assertEquals(EnclaveCallException.Kind.CIRCUIT_OPEN, refused.kind());
    assertEquals(20, refused.retryAfterSeconds());
    assertEquals("20", EnclaveFailures.toApi(refused).headers().get("Retry-After"));
    assertEquals("enclave_unavailable", EnclaveFailures.toApi(refused).code());
    assertEquals(1, metrics.meter(MetricNames.ENCLAVE_CIRCUIT_REJECTED).getCount());
    String attestationsOk = MetricNames.labeled(MetricNames.ENCLAVE_CALLS,
        "call", "get_attestation", "result", "ok");
    assertEquals(0, metrics.meter(attestationsOk).getCount()); // nothing was sent

    // Half-open: this caller's Health probe finds the enclave answering, and its call goes through.
    clock.advance(java.time.Duration.ofSeconds(20));
    assertTrue(attestation(g).length > 0);
    assertEquals("closed", g.circuitState());
    assertEquals(1, metrics.meter(attestationsOk).getCount());
  }

  @Test
  void aFailedProbeOpensTheBreakerForAnotherPeriod() throws Exception {
    EnclaveConfiguration c = config();
    c.setCircuitBreakerFailures(1);
    c.setCircuitBreakerOpen(Duration.seconds(5));
    MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    EnclaveClientGateway g = gateway(c, clock, new MetricRegistry());

    enclave.kill();
    await(() -> !g.connected(), "the gateway to see the enclave gone");
    assertEquals(EnclaveCallException.Kind.UNAVAILABLE,
        assertThrows(EnclaveCallException.class, g::health).kind());
    assertEquals("open", g.circuitState());
    clock.advance(java.time.Duration.ofSeconds(5));
    // the probe (this Health call itself) fails: open again, the full period ahead
    assertEquals(EnclaveCallException.Kind.UNAVAILABLE,
        assertThrows(EnclaveCallException.class, g::health).kind());
    EnclaveCallException refused = assertThrows(EnclaveCallException.class, g::health);
    assertEquals(EnclaveCallException.Kind.CIRCUIT_OPEN, refused.kind());
    assertEquals(5, refused.retryAfterSeconds());

    enclave.restart();
    await(g::connected, "the gateway to reconnect");
    clock.advance(java.time.Duration.ofSeconds(5));
    assertEquals(EnclaveState.SEALED, g.health().getState());
    assertEquals("closed", g.circuitState());
    assertFalse(attestation(g).length == 0);
  }

  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
