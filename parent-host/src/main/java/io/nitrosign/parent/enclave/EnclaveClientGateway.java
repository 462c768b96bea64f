package io.nitrosign.parent.enclave;

import io.nitrosign.proto.v1.ActivateSealingKeyRequest;
import io.nitrosign.proto.v1.ActivateSealingKeyResponse;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.UpdateAuthorityRequest;
import io.nitrosign.proto.v1.UpdateAuthorityResponse;
import io.nitrosign.proto.v1.ExportKeyRequest;
import io.nitrosign.proto.v1.ExportKeyResponse;
import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.GenerateKeyResponse;
import io.nitrosign.proto.v1.GetAttestationRequest;
import io.nitrosign.proto.v1.GetAttestationResponse;
import io.nitrosign.proto.v1.GetImportKeyRequest;
import io.nitrosign.proto.v1.GetImportKeyResponse;
import io.nitrosign.proto.v1.HealthRequest;
import io.nitrosign.proto.v1.HealthResponse;
import io.nitrosign.proto.v1.ImportKeyRequest;
import io.nitrosign.proto.v1.ImportKeyResponse;
import io.nitrosign.proto.v1.ProvisionSealingKeysRequest;
import io.nitrosign.proto.v1.ProvisionSealingKeysResponse;
import io.nitrosign.proto.v1.ResealRequest;
import io.nitrosign.proto.v1.ResealResponse;
import io.nitrosign.proto.v1.SetCredentialsRequest;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import io.nitrosign.proto.v1.UnsealSealingKeysRequest;
import io.nitrosign.proto.v1.UnsealSealingKeysResponse;
import io.nitrosign.wire.EnclaveAddress;
import io.nitrosign.wire.EnclaveClient;
import io.nitrosign.wire.EnclaveTimeoutException;
import io.nitrosign.wire.EnclaveUnavailableException;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.nitrosign.parent.metrics.MetricNames;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link EnclaveGateway} over the wire {@link EnclaveClient}. */
public final class EnclaveClientGateway implements EnclaveGateway {

  private static final Logger LOG = LoggerFactory.getLogger(EnclaveClientGateway.class);
  /** Slack beyond the client's own deadline before we stop waiting ourselves. */
  private static final Duration GUARD = Duration.ofSeconds(1);
  private static final long RESTART_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** The requests that make the enclave call KMS (GenerateDataKey, Decrypt). */
  private static final Set<EnclaveResponse.BodyCase> KMS_OPERATIONS = EnumSet.of(
      EnclaveResponse.BodyCase.PROVISION_SEALING_KEYS, EnclaveResponse.BodyCase.UNSEAL_SEALING_KEYS);
  /** The values of the enclave state gauge: the enclave's states and "unreachable". */
  private static final List<String> STATES = List.of("SEALED", "READY", "FAILED", "unreachable");

  private final EnclaveClient.Config config;
  private final Duration callTimeout;
  private final EnclaveAdmission admission;
  private final CircuitBreaker breaker;
  private final MetricRegistry metrics;
  private final Meter shed;
  private final Meter circuitRejected;
  /** The state the last Health call saw ("unknown" before the first). */
  private volatile String lastState = "unknown";
  private final Object lock = new Object();
  private volatile EnclaveClient client;
  private long lastStartAttempt;
  private boolean closed;

  public EnclaveClientGateway(EnclaveConfiguration c) {
    this(c, Clock.systemUTC(), new MetricRegistry());
  }

  /**
   * @param clock the circuit breaker's clock
   * @param metrics where the queue, breaker, call and KMS metrics go
   */
  public EnclaveClientGateway(EnclaveConfiguration c, Clock clock, MetricRegistry metrics) {
    this.config = new EnclaveClient.Config(EnclaveAddress.parse(c.getAddress()), c.getConnections(),
        c.getMaxFrameBytes(), c.getConnectTimeout().toJavaDuration(),
        c.getReconnectMaxBackoff().toJavaDuration());
    this.callTimeout = c.getCallTimeout().toJavaDuration();
    this.admission = new EnclaveAdmission(c.getMaxInFlight(), c.getMaxQueued(),
        c.getMaxQueueWait().toJavaDuration());
    Meter opened = metrics.meter(MetricNames.ENCLAVE_CIRCUIT_OPENED);
    this.breaker = new CircuitBreaker(c.getCircuitBreakerFailures(),
        c.getCircuitBreakerOpen().toJavaDuration(), clock, opened::mark);
    this.metrics = metrics;
    this.shed = metrics.meter(MetricNames.ENCLAVE_SHED);
    this.circuitRejected = metrics.meter(MetricNames.ENCLAVE_CIRCUIT_REJECTED);
    metrics.register(MetricNames.ENCLAVE_IN_FLIGHT, (Gauge<Integer>) admission::inFlight);
    metrics.register(MetricNames.ENCLAVE_QUEUED, (Gauge<Integer>) admission::queued);
    for (CircuitBreaker.State s : CircuitBreaker.State.values()) {
      metrics.register(MetricNames.labeled(MetricNames.ENCLAVE_CIRCUIT_STATE, "state", s.label()),
          (Gauge<Integer>) () -> breaker.state() == s ? 1 : 0);
    }
    // KMS series exist from the start (at 0), so alerts on their rate need no special case
    for (EnclaveResponse.BodyCase op : KMS_OPERATIONS) {
      for (String result : List.of("ok", "error", "unavailable", "timeout")) {
        metrics.meter(MetricNames.labeled(MetricNames.KMS_CALLS, "operation",
            op.name().toLowerCase(Locale.ROOT), "result", result));
      }
    }
    for (String state : STATES) {
      metrics.register(MetricNames.labeled(MetricNames.ENCLAVE_STATE, "state", state),
          (Gauge<Integer>) () -> state.equals(lastState) ? 1 : 0);
    }
  }

  /** Starts the client (it connects in the background and never blocks). */
  public void start() {
    client();
  }

  /**
   * The client, started on first use. EnclaveClient.start never throws for an absent enclave; if
   * it throws anyway (a broken build, a transport that cannot load), the gateway stays up,
   * reports the enclave as unavailable and retries at most once a second.
   */
  private EnclaveClient client() {
    EnclaveClient started = client;
    if (started != null) {
      return started;
    }
    synchronized (lock) {
      if (closed) {
        throw new EnclaveCallException(EnclaveCallException.Kind.UNAVAILABLE, null, "enclave client closed");
      }
      if (client == null && (lastStartAttempt == 0 || System.nanoTime() - lastStartAttempt > RESTART_INTERVAL_NANOS)) {
        lastStartAttempt = System.nanoTime();
        try {
          client = EnclaveClient.start(config);
          LOG.info("enclave client started for {}", config.address());
        } catch (RuntimeException e) {
          LOG.error("enclave client could not start for {}: {}", config.address(), e.toString());
        }
      }
      if (client == null) {
        throw new EnclaveCallException(EnclaveCallException.Kind.UNAVAILABLE, null, "enclave client not started");
      }
      return client;
    }
  }

  @Override
  public HealthResponse health() {
    return call(EnclaveRequest.newBuilder().setHealth(HealthRequest.getDefaultInstance()),
        EnclaveResponse.BodyCase.HEALTH, EnclaveResponse::getHealth);
  }

  @Override
  public GenerateKeyResponse generateKey(GenerateKeyRequest request) {
    return call(EnclaveRequest.newBuilder().setGenerateKey(request),
        EnclaveResponse.BodyCase.GENERATE_KEY, EnclaveResponse::getGenerateKey);
  }

  @Override
  public SignResponse sign(SignRequest request) {
    return call(EnclaveRequest.newBuilder().setSign(request),
        EnclaveResponse.BodyCase.SIGN, EnclaveResponse::getSign);
  }

  @Override
  public GetAttestationResponse getAttestation(GetAttestationRequest request) {
    return call(EnclaveRequest.newBuilder().setGetAttestation(request),
        EnclaveResponse.BodyCase.GET_ATTESTATION, EnclaveResponse::getGetAttestation);
  }

  @Override
  public io.nitrosign.proto.v1.SignAuditCheckpointResponse signAuditCheckpoint(
      io.nitrosign.proto.v1.SignAuditCheckpointRequest request) {
    return call(EnclaveRequest.newBuilder().setSignAuditCheckpoint(request),
        EnclaveResponse.BodyCase.SIGN_AUDIT_CHECKPOINT, EnclaveResponse::getSignAuditCheckpoint);
  }

  @Override
  public void setCredentials(SetCredentialsRequest request) {
    call(EnclaveRequest.newBuilder().setSetCredentials(request),
        EnclaveResponse.BodyCase.SET_CREDENTIALS, EnclaveResponse::getSetCredentials);
  }

  @Override
  public ProvisionSealingKeysResponse provisionSealingKeys(ProvisionSealingKeysRequest request) {
    return call(EnclaveRequest.newBuilder().setProvisionSealingKeys(request),
        EnclaveResponse.BodyCase.PROVISION_SEALING_KEYS,
        EnclaveResponse::getProvisionSealingKeys);
  }

  @Override
  public ActivateSealingKeyResponse activateSealingKey(ActivateSealingKeyRequest request) {
    return call(EnclaveRequest.newBuilder().setActivateSealingKey(request),
        EnclaveResponse.BodyCase.ACTIVATE_SEALING_KEY, EnclaveResponse::getActivateSealingKey);
  }

  @Override
  public UnsealSealingKeysResponse unsealSealingKeys(UnsealSealingKeysRequest request) {
    return call(EnclaveRequest.newBuilder().setUnsealSealingKeys(request),
        EnclaveResponse.BodyCase.UNSEAL_SEALING_KEYS, EnclaveResponse::getUnsealSealingKeys);
  }

  @Override
  public ResealResponse reseal(ResealRequest request) {
    return call(EnclaveRequest.newBuilder().setReseal(request),
        EnclaveResponse.BodyCase.RESEAL, EnclaveResponse::getReseal);
  }

  @Override
  public GetImportKeyResponse getImportKey(GetImportKeyRequest request) {
    return call(EnclaveRequest.newBuilder().setGetImportKey(request),
        EnclaveResponse.BodyCase.GET_IMPORT_KEY, EnclaveResponse::getGetImportKey);
  }

  @Override
  public ImportKeyResponse importKey(ImportKeyRequest request) {
    return call(EnclaveRequest.newBuilder().setImportKey(request),
        EnclaveResponse.BodyCase.IMPORT_KEY, EnclaveResponse::getImportKey);
  }

  @Override
  public ExportKeyResponse exportKey(ExportKeyRequest request) {
    return call(EnclaveRequest.newBuilder().setExportKey(request),
        EnclaveResponse.BodyCase.EXPORT_KEY, EnclaveResponse::getExportKey);
  }

  @Override
  public io.nitrosign.proto.v1.AuthenticateUserResponse authenticateUser(
      io.nitrosign.proto.v1.AuthenticateUserRequest request) {
    return call(EnclaveRequest.newBuilder().setAuthenticateUser(request),
        EnclaveResponse.BodyCase.AUTHENTICATE_USER, EnclaveResponse::getAuthenticateUser);
  }

  private <T> T call(EnclaveRequest.Builder request, EnclaveResponse.BodyCase expected,
      Function<EnclaveResponse, T> body) {
    boolean health = expected == EnclaveResponse.BodyCase.HEALTH;
    CircuitBreaker.Permit permit = breaker.permit();
    if (permit instanceof CircuitBreaker.Refused refused) {
      circuitRejected.mark();
      count(expected, "circuit_open");
      throw new EnclaveCallException(EnclaveCallException.Kind.CIRCUIT_OPEN, null,
          "enclave circuit breaker open", refused.retryAfterSeconds());
    }
    boolean probing = permit instanceof CircuitBreaker.Probe;
    if (probing && !health) {
      // The probe is a Health call of its own; only its success lets this call through.
      send(EnclaveRequest.newBuilder().setHealth(HealthRequest.getDefaultInstance()),
          EnclaveResponse.BodyCase.HEALTH, true);
      probing = false;
    }
    // Health bypasses the queue: it is cheap, and health checks must see a busy enclave as alive.
    if (!health) {
      try {
        admission.acquire();
      } catch (EnclaveCallException e) {
        shed.mark();
        count(expected, "overloaded");
        throw e;
      }
    }
    EnclaveResponse response;
    try {
      response = send(request, expected, probing);
    } finally {
      if (!health) {
        admission.release();
      }
    }
    if (response.getBodyCase() == EnclaveResponse.BodyCase.ERROR) {
      ErrorCode code = response.getError().getCode();
      count(expected, "error");
      // Only the details of refusals of the request are passed on (a decoder's field and reason,
      // an authorization's fixed reason; cut short); other details stay in the parent.
      throw new EnclaveCallException(EnclaveCallException.Kind.ERROR, code,
          EnclaveFailures.refusesTheRequest(code)
              ? printable(response.getError().getDetail(), 200) : "enclave error " + code);
    }
    if (response.getBodyCase() != expected) {
      count(expected, "protocol");
      throw new EnclaveCallException(EnclaveCallException.Kind.PROTOCOL, null,
          "enclave answered " + response.getBodyCase() + " to a " + expected + " request");
    }
    count(expected, "ok");
    if (health) {
      observedState(response.getHealth().getState().name());
    }
    return body.apply(response);
  }

  /**
   * Sends one request and waits for its answer. Any answer tells the breaker the enclave is
   * alive; unreachable and timed out are failures. {@code probe}: this call is the half-open
   * breaker's probe, which must end in a verdict either way.
   */
  private EnclaveResponse send(EnclaveRequest.Builder request, EnclaveResponse.BodyCase expected,
      boolean probe) {
    boolean verdict = false;
    try {
      EnclaveResponse response;
      try {
        CompletableFuture<EnclaveResponse> future = client().call(request, callTimeout);
        response = future.get(callTimeout.plus(GUARD).toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw unavailable(); // our thread was interrupted: no verdict on the enclave
      } catch (EnclaveUnavailableException e) {
        verdict = true;
        throw transportFailure(expected, unavailable());
      } catch (EnclaveTimeoutException | TimeoutException e) {
        verdict = true;
        throw transportFailure(expected, timeout());
      } catch (ExecutionException e) {
        verdict = true;
        Throwable cause = e.getCause();
        if (cause instanceof EnclaveTimeoutException) {
          throw transportFailure(expected, timeout());
        }
        if (!(cause instanceof EnclaveUnavailableException)) {
          LOG.warn("enclave call failed: {}", cause == null ? "unknown" : cause.getClass().getName());
        }
        throw transportFailure(expected, unavailable());
      } catch (EnclaveCallException e) {
        verdict = true;
        throw transportFailure(expected, e); // the client could not be started
      } catch (RuntimeException e) {
        verdict = true;
        LOG.warn("enclave call failed: {}", e.getClass().getName());
        throw transportFailure(expected, unavailable());
      }
      breaker.succeeded();
      verdict = true;
      return response;
    } finally {
      if (probe && !verdict) {
        breaker.probeAbandoned(); // never left half-open
      }
    }
  }

  /** Records a transport failure (breaker, metrics) and returns the exception to throw. */
  private EnclaveCallException transportFailure(EnclaveResponse.BodyCase expected,
      EnclaveCallException e) {
    breaker.failed();
    count(expected, e.kind() == EnclaveCallException.Kind.TIMEOUT ? "timeout" : "unavailable");
    if (expected == EnclaveResponse.BodyCase.HEALTH) {
      observedState("unreachable");
    }
    return e;
  }

  private void count(EnclaveResponse.BodyCase call, String result) {
    String name = call.name().toLowerCase(Locale.ROOT);
    metrics.meter(MetricNames.labeled(MetricNames.ENCLAVE_CALLS, "call", name, "result", result))
        .mark();
    if (KMS_OPERATIONS.contains(call) && !result.equals("overloaded")
        && !result.equals("circuit_open")) {
      metrics.meter(MetricNames.labeled(MetricNames.KMS_CALLS, "operation", name,
          "result", result)).mark();
    }
  }

  private void observedState(String state) {
    lastState = state;
  }

  /** In-flight enclave calls (Health excepted). */
  public int inFlight() {
    return admission.inFlight();
  }

  /** Calls waiting for an in-flight slot. */
  public int queued() {
    return admission.queued();
  }

  /** The circuit breaker's state: closed, open or half_open. */
  public String circuitState() {
    return breaker.state().label();
  }

  /** True when the client holds at least one connection to the enclave. */
  public boolean connected() {
    EnclaveClient c = client;
    return c != null && c.isConnected();
  }

  @Override
  public UpdateAuthorityResponse updateAuthority(UpdateAuthorityRequest request) {
    return call(EnclaveRequest.newBuilder().setUpdateAuthority(request),
        EnclaveResponse.BodyCase.UPDATE_AUTHORITY, EnclaveResponse::getUpdateAuthority);
  }

  private static EnclaveCallException unavailable() {
    return new EnclaveCallException(EnclaveCallException.Kind.UNAVAILABLE, null, "enclave unavailable");
  }

  private static EnclaveCallException timeout() {
    return new EnclaveCallException(EnclaveCallException.Kind.TIMEOUT, null, "enclave call timed out");
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (client != null) {
        try {
          client.close();
        } catch (RuntimeException e) {
          LOG.warn("closing enclave client: {}", e.toString());
        }
        client = null;
      }
    }
  }

  private static String printable(String s, int max) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < max; i++) {
      char c = s.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }
}
