package io.nitrosign.parent.enclave;

import com.codahale.metrics.health.HealthCheck;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.HealthResponse;

/** Healthy only when the enclave answers a Health call and reports READY. */
public final class EnclaveHealthCheck extends HealthCheck {
  private final EnclaveGateway enclave;

  public EnclaveHealthCheck(EnclaveGateway enclave) {
    this.enclave = enclave;
  }

  @Override
  protected Result check() {
    HealthResponse health;
    try {
      health = enclave.health();
    } catch (EnclaveCallException e) {
      return Result.unhealthy("enclave unreachable: " + e.kind().name().toLowerCase(java.util.Locale.ROOT));
    }
    if (health.getState() != EnclaveState.READY) {
      return Result.unhealthy("enclave state " + health.getState());
    }
    return Result.builder().healthy()
        .withMessage("enclave READY")
        .withDetail("version", health.getVersion())
        .withDetail("current_key_version", health.getCurrentKeyVersion())
        .withDetail("sealing_key_source", health.getSealingKeySource())
        .build();
  }
}
