package io.nitrosign.enclave.service;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.authority.RequestAuthorizer;
import io.nitrosign.enclave.users.AuthenticateUserHandler;
import io.nitrosign.enclave.users.JwtSettings;
import io.nitrosign.enclave.users.JwtVerifier;
import io.nitrosign.enclave.users.UserSessions;
import io.nitrosign.enclave.crypto.ResponseKey;
import io.nitrosign.enclave.nsm.NsmDevice;
import io.nitrosign.enclave.sealing.SealingKeyProvider;
import io.nitrosign.enclave.sealing.ShareSealer;
import io.nitrosign.hpke.HpkeKeyPair;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.Error;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.HealthResponse;
import io.nitrosign.wire.RequestHandler;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enclave's request dispatcher. What each state serves, where it runs and who answers it is
 * one table, {@link EnclaveRoutes#ROUTES}; the dispatcher looks the (state, request type) pair up
 * (again on the worker thread, since the state may have changed while the request was queued),
 * runs the handler on its lane (inline, the bounded signing executor, or the single KMS thread),
 * and turns every failure into a typed {@code Error} with a fixed detail. Unexpected exceptions
 * become {@code INTERNAL "internal error"}; only their class name is logged.
 */
public final class EnclaveService implements RequestHandler, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EnclaveService.class);
  private static final int QUEUE_CAPACITY = 1024;

  /**
   * What a service is built from.
   *
   * @param stateMachine the life cycle the service consults and moves (SEALED -> READY)
   * @param random the DRBG (see {@code Drbg})
   * @param version the enclave build version, reported by Health
   * @param nsm the NSM device (attestation documents), or null when there is none
   *     (GetAttestation and GetImportKey then answer NSM_ERROR); the caller keeps ownership and
   *     closes it
   * @param kmsSealing the KMS sealing-key lifecycle (SetCredentials, ProvisionSealingKeys,
   *     UnsealSealingKeys), or null when the keys come from elsewhere ({@link #unseal}; those
   *     requests then answer UNSUPPORTED); the service closes it
   */
  public record Options(EnclaveStateMachine stateMachine, SecureRandom random, String version,
      NsmDevice nsm, KmsSealing kmsSealing, RequestAuthorizer.Settings authorization,
      JwtSettings jwt) {

    public Options {
      Objects.requireNonNull(stateMachine, "stateMachine");
      Objects.requireNonNull(random, "random");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(authorization, "authorization");
      Objects.requireNonNull(jwt, "jwt");
    }

    public Options(EnclaveStateMachine stateMachine, SecureRandom random, String version,
        NsmDevice nsm, KmsSealing kmsSealing, RequestAuthorizer.Settings authorization) {
      this(stateMachine, random, version, nsm, kmsSealing, authorization, JwtSettings.none());
    }

    /** The same options with these user-JWT issuers (AuthenticateUser). */
    public Options withJwt(JwtSettings settings) {
      return new Options(stateMachine, random, version, nsm, kmsSealing, authorization, settings);
    }

    /**
     * No NSM device, no KMS sealing (tests, benchmarks), default authorization settings (any
     * origin, no export quorum).
     */
    public static Options of(EnclaveStateMachine stateMachine, SecureRandom random,
        String version) {
      return new Options(stateMachine, random, version, null, null,
          RequestAuthorizer.Settings.defaults());
    }

    /** The same options with this NSM device (null: none). */
    public Options withNsm(NsmDevice device) {
      return new Options(stateMachine, random, version, device, kmsSealing, authorization, jwt);
    }

    /** Names what is configured, never the DRBG's or the devices' state. */
    @Override
    public String toString() {
      return "Options[version=" + version + ", nsm=" + (nsm == null ? "none" : nsm.kind())
          + ", kmsSealing=" + (kmsSealing == null ? "none" : "configured") + "]";
    }

    /** The same options with this KMS sealing (null: none). */
    public Options withKmsSealing(KmsSealing sealing) {
      return new Options(stateMachine, random, version, nsm, sealing, authorization, jwt);
    }

    /**
     * The same options with these authorization settings (public base URL, export quorum,
     * expiry bounds).
     */
    public Options withAuthorization(RequestAuthorizer.Settings settings) {
      return new Options(stateMachine, random, version, nsm, kmsSealing, settings, jwt);
    }
  }

  private final EnclaveStateMachine stateMachine;
  private final SecureRandom random;
  private final ExecutorService executor;
  private final String version;
  private final NsmDevice nsm;
  private final AttestationHandler attestation;
  private final long startNanos = System.nanoTime();
  private volatile SealingKeyProvider keys;
  private volatile WalletOperations operations;
  /** Per-boot HPKE key for key import (from the DRBG); wiped in {@link #close()}. */
  private final HpkeKeyPair importKey;
  /**
   * Per-boot response key (P-256, from the DRBG): the public_key of response-key documents
   * (GetAttestation, purpose RESPONSE_KEY) and the signer of "fast" attested signatures; wiped
   * in {@link #close()}.
   */
  private final ResponseKey responseKey;
  private final SignatureAttester signatureAttester;
  private final AuditCheckpointHandler auditCheckpoints;
  private volatile KeyImportHandler keyImport;
  private volatile KeyExportHandler keyExport;
  private volatile ResealHandler reseal;
  private volatile AuthorityHandler authority;
  private volatile AuthenticateUserHandler authenticateUser;
  private final JwtSettings jwt;
  private final JwtVerifier jwtVerifier;
  private final RequestAuthorizer authorizer;
  // KMS sealing (null in local mode): its handlers run one at a time on their own thread, so a
  // slow KMS call never holds a signing thread
  private final KmsSealing kmsSealing;
  private final ExecutorService kmsExecutor;
  private final SetCredentialsHandler setCredentials;
  private final ProvisionSealingKeysHandler provision;
  private final ActivateSealingKeyHandler activateKey;
  private final UnsealSealingKeysHandler unsealKeys;
  private final EnclaveRoutes.Handlers handlers;

  public EnclaveService(Options options) {
    Objects.requireNonNull(options, "options");
    this.stateMachine = options.stateMachine();
    this.random = options.random();
    this.version = options.version();
    this.nsm = options.nsm();
    this.authorizer = new RequestAuthorizer(options.authorization(), java.time.Clock.systemUTC());
    this.jwt = options.jwt();
    this.jwtVerifier = new JwtVerifier(jwt.fetcher(), java.time.Clock.systemUTC());
    this.importKey = HpkeKeyPair.generate(random);
    this.responseKey = ResponseKey.generate(random);
    this.attestation = new AttestationHandler(nsm, responseKey.publicKey());
    this.signatureAttester = new SignatureAttester(nsm, responseKey);
    this.auditCheckpoints = new AuditCheckpointHandler(responseKey);
    this.executor = newSigningExecutor(Runtime.getRuntime().availableProcessors());
    this.kmsSealing = options.kmsSealing();
    if (kmsSealing != null) {
      this.kmsExecutor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
          new ArrayBlockingQueue<>(16), r -> {
            Thread t = new Thread(r, "enclave-kms");
            t.setDaemon(true);
            return t;
          }, new ThreadPoolExecutor.AbortPolicy());
      this.setCredentials = new SetCredentialsHandler(kmsSealing.credentials());
      this.provision = new ProvisionSealingKeysHandler(kmsSealing, stateMachine);
      this.activateKey = new ActivateSealingKeyHandler(kmsSealing, stateMachine, this::unseal);
      this.unsealKeys = new UnsealSealingKeysHandler(kmsSealing, stateMachine, this::unseal);
    } else {
      this.kmsExecutor = null;
      this.setCredentials = null;
      this.provision = null;
      this.activateKey = null;
      this.unsealKeys = null;
    }
    this.handlers = new EnclaveRoutes.Handlers(
        r -> health(),
        r -> response().setGetAttestation(attestation.handle(r.getGetAttestation())).build(),
        r -> response().setSetCredentials(setCredentials.handle(r.getSetCredentials())).build(),
        r -> response().setProvisionSealingKeys(provision.handle(r.getProvisionSealingKeys()))
            .build(),
        r -> response().setActivateSealingKey(activateKey.handle(r.getActivateSealingKey()))
            .build(),
        r -> response().setUnsealSealingKeys(unsealKeys.handle(r.getUnsealSealingKeys())).build(),
        r -> response().setGenerateKey(operations().generate(r.getGenerateKey())).build(),
        r -> {
          WalletOperations ops = operations();
          SignatureAttester.validate(r.getSign());
          return response().setSign(ops.sign(r.getSign(), signatureAttester)).build();
        },
        r -> response().setGetImportKey(ready(keyImport).getImportKey(r.getGetImportKey()))
            .build(),
        r -> response().setImportKey(ready(keyImport).importKey(r.getImportKey())).build(),
        r -> response().setExportKey(ready(keyExport).exportKey(r.getExportKey())).build(),
        r -> response().setReseal(ready(reseal).handle(r.getReseal())).build(),
        r -> response().setUpdateAuthority(ready(authority).handle(r.getUpdateAuthority()))
            .build(),
        r -> response().setAuthenticateUser(
            ready(authenticateUser).handle(r.getAuthenticateUser())).build(),
        r -> response().setSignAuditCheckpoint(
            auditCheckpoints.handle(r.getSignAuditCheckpoint())).build());
  }

  /** The state machine this service consults. */
  public EnclaveStateMachine stateMachine() {
    return stateMachine;
  }

  /**
   * Installs the sealing keys and moves SEALED -> READY. The service owns {@code provider} from
   * now on and closes it in {@link #close()}.
   *
   * @throws EnclaveStateMachine.IllegalTransitionException if the enclave is not SEALED: READY is
   *     reachable only from SEALED, so this fails closed (the enclave becomes FAILED) and
   *     {@code provider} is closed, never installed
   */
  public synchronized void unseal(SealingKeyProvider provider) {
    if (stateMachine.state() != EnclaveState.SEALED) {
      try {
        stateMachine.transitionTo(EnclaveState.READY); // not in the table from here: FAILED
      } finally {
        provider.close();
      }
    }
    WalletOperations ops =
        new WalletOperations(new ShareSealer(provider, random), random, authorizer);
    this.keyImport = new KeyImportHandler(ops, importKey, nsm);
    this.keyExport = new KeyExportHandler(ops, random);
    this.reseal = new ResealHandler(ops);
    this.authority = new AuthorityHandler(ops);
    UserSessions sessions = new UserSessions(provider);
    authorizer.useSessions(sessions);
    this.authenticateUser = new AuthenticateUserHandler(jwt.issuers(), jwtVerifier, sessions,
        random, java.time.Clock.systemUTC());
    this.operations = ops;
    this.keys = provider;
    stateMachine.transitionTo(EnclaveState.READY);
  }

  @Override
  public CompletableFuture<EnclaveResponse> handle(EnclaveRequest request) {
    try {
      EnclaveRequest.BodyCase type = request.getBodyCase();
      if (type == EnclaveRequest.BodyCase.BODY_NOT_SET) {
        return done(error(ErrorCode.INVALID_REQUEST, "request body is required"));
      }
      Optional<EnclaveRoutes.Route> route = EnclaveRoutes.route(stateMachine.state(), type);
      if (route.isEmpty()) {
        return done(error(ErrorCode.NOT_READY, "enclave is not ready"));
      }
      switch (route.get().lane()) {
        case INLINE:
          return done(dispatch(request));
        case KMS:
          if (kmsExecutor == null) {
            return done(error(ErrorCode.UNSUPPORTED, "kms sealing is not configured"));
          }
          return CompletableFuture.supplyAsync(() -> dispatch(request), kmsExecutor)
              .exceptionally(EnclaveService::unexpected);
        default:
          return CompletableFuture.supplyAsync(() -> dispatch(request), executor)
              .exceptionally(EnclaveService::unexpected);
      }
    } catch (RejectedExecutionException e) {
      return done(error(ErrorCode.RESOURCE_EXHAUSTED, "enclave is busy"));
    } catch (RuntimeException e) {
      return done(unexpected(e));
    }
  }

  /** Runs the handler of the route for the state the enclave is in now (re-checked here). */
  private EnclaveResponse dispatch(EnclaveRequest request) {
    try {
      Optional<EnclaveRoutes.Route> route =
          EnclaveRoutes.route(stateMachine.state(), request.getBodyCase());
      if (route.isEmpty()) {
        return error(ErrorCode.NOT_READY, "enclave is not ready");
      }
      return route.get().handler().apply(handlers).handle(request);
    } catch (EnclaveException e) {
      return error(e.code(), e.detail());
    } catch (EnclaveStateMachine.IllegalTransitionException e) {
      LOG.error("a request caused an illegal state transition; the enclave is FAILED");
      return error(ErrorCode.INTERNAL, "illegal state transition; enclave failed");
    } catch (RuntimeException e) {
      return unexpected(e);
    }
  }

  private WalletOperations operations() throws EnclaveException {
    return ready(operations);
  }

  /** A READY-only handler, or NOT_READY when the keys are not (or no longer) installed. */
  private static <T> T ready(T handler) throws EnclaveException {
    if (handler == null) {
      throw new EnclaveException(ErrorCode.NOT_READY, "enclave is not ready");
    }
    return handler;
  }

  private static EnclaveResponse.Builder response() {
    return EnclaveResponse.newBuilder();
  }

  private EnclaveResponse health() {
    SealingKeyProvider k = keys;
    HealthResponse.Builder h = HealthResponse.newBuilder()
        .setState(stateMachine.state())
        .setVersion(version)
        .setUptimeMillis(Duration.ofNanos(System.nanoTime() - startNanos).toMillis())
        .setNsm(nsm == null ? "unavailable" : nsm.kind());
    if (k != null && stateMachine.state() == EnclaveState.READY) {
      h.setCurrentKeyVersion(k.currentVersion()).setSealingKeySource(k.source())
          .addAllKeyVersions(k.versions());
    }
    if (kmsSealing != null) {
      h.setCredentialsExpireAtMillis(kmsSealing.credentials().expiresAtMillis())
          .setPendingKeyVersion(kmsSealing.pendingVersion());
    }
    return EnclaveResponse.newBuilder().setHealth(h).build();
  }

  private static EnclaveResponse unexpected(Throwable t) {
    Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null
        ? t.getCause() : t;
    LOG.error("request failed with an unexpected {}", cause.getClass().getName());
    return error(ErrorCode.INTERNAL, "internal error");
  }

  static EnclaveResponse error(ErrorCode code, String fixedDetail) {
    return EnclaveResponse.newBuilder()
        .setError(Error.newBuilder().setCode(code).setDetail(fixedDetail))
        .build();
  }

  private static CompletableFuture<EnclaveResponse> done(EnclaveResponse response) {
    return CompletableFuture.completedFuture(response);
  }

  /** Stops the executor and wipes the sealing keys, the HPKE import key and the response key. */
  @Override
  public synchronized void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
    if (kmsExecutor != null) {
      kmsExecutor.shutdownNow();
      try {
        kmsExecutor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      kmsSealing.close();
    }
    SealingKeyProvider k = keys;
    operations = null;
    keyImport = null;
    keyExport = null;
    reseal = null;
    authority = null;
    authenticateUser = null;
    keys = null;
    importKey.close();
    responseKey.close();
    if (k != null) {
      k.close();
    }
  }

  private static ExecutorService newSigningExecutor(int threads) {
    AtomicInteger counter = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "enclave-signer-" + counter.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(QUEUE_CAPACITY), factory, new ThreadPoolExecutor.AbortPolicy());
  }
}
