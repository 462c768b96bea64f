package io.nitrosign.enclave.service;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.authority.RequestAuthorizer;
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
 * The enclave's request dispatcher: checks the {@link EnclaveStateMachine} allow-list, runs key
 * work on a small bounded executor, and turns every failure into a typed {@code Error} with a
 * fixed detail. Unexpected exceptions become {@code INTERNAL "internal error"}; only their class
 * name is logged.
 */
public final class EnclaveService implements RequestHandler, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EnclaveService.class);
  private static final int QUEUE_CAPACITY = 1024;

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
   * Per-boot response key (P-256, from the DRBG): the public_key of GetAttestation documents and
   * the signer of "fast" attested signatures; wiped in {@link #close()}.
   */
  private final ResponseKey responseKey;
  private final SignatureAttester signatureAttester;
  private volatile KeyImportHandler keyImport;
  private volatile KeyExportHandler keyExport;
  private volatile ResealHandler reseal;
  private volatile AuthorityHandler authority;
  private final RequestAuthorizer authorizer;
  // KMS sealing (null in local mode): its handlers run one at a time on their own thread, so a
  // slow KMS call never holds a signing thread
  private final KmsSealing kmsSealing;
  private final ExecutorService kmsExecutor;
  private final SetCredentialsHandler setCredentials;
  private final ProvisionSealingKeysHandler provision;
  private final UnsealSealingKeysHandler unsealKeys;

  /**
   * @param random the DRBG (see {@code Drbg})
   * @param version the enclave build version, reported by Health
   */
  public EnclaveService(EnclaveStateMachine stateMachine, SecureRandom random, String version) {
    this(stateMachine, random, version, null, null);
  }

  /** With an NSM device and no KMS sealing (sealing keys installed with {@link #unseal}). */
  public EnclaveService(EnclaveStateMachine stateMachine, SecureRandom random, String version,
      NsmDevice nsm) {
    this(stateMachine, random, version, nsm, null);
  }

  /** With KMS sealing and no NSM device of its own (the KMS client holds one). */
  public EnclaveService(EnclaveStateMachine stateMachine, SecureRandom random, String version,
      KmsSealing kmsSealing) {
    this(stateMachine, random, version, null, kmsSealing);
  }

  /**
   * @param nsm the NSM device (attestation documents), or null when there is none
   *     (GetAttestation and GetImportKey then answer NSM_ERROR); the caller keeps ownership
   *     and closes it
   * @param kmsSealing the KMS sealing-key lifecycle (SetCredentials, ProvisionSealingKeys,
   *     UnsealSealingKeys), or null when the keys come from elsewhere (tests); the service
   *     closes it
   */
  public EnclaveService(EnclaveStateMachine stateMachine, SecureRandom random, String version,
      NsmDevice nsm, KmsSealing kmsSealing) {
    this(stateMachine, random, version, nsm, kmsSealing, RequestAuthorizer.Settings.defaults());
  }

  /**
   * @param authorization how the enclave checks clients' signed requests (public base URL,
   *     export quorum, expiry bounds)
   */
  public EnclaveService(EnclaveStateMachine stateMachine, SecureRandom random, String version,
      NsmDevice nsm, KmsSealing kmsSealing, RequestAuthorizer.Settings authorization) {
    this.authorizer = new RequestAuthorizer(authorization, java.time.Clock.systemUTC());
    this.stateMachine = stateMachine;
    this.random = random;
    this.version = version;
    this.nsm = nsm;
    this.importKey = HpkeKeyPair.generate(random);
    this.responseKey = ResponseKey.generate(random);
    this.attestation = new AttestationHandler(nsm, responseKey.publicKey());
    this.signatureAttester = new SignatureAttester(nsm, responseKey);
    this.executor = newSigningExecutor(Runtime.getRuntime().availableProcessors());
    this.kmsSealing = kmsSealing;
    if (kmsSealing != null) {
      this.kmsExecutor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
          new ArrayBlockingQueue<>(16), r -> {
            Thread t = new Thread(r, "enclave-kms");
            t.setDaemon(true);
            return t;
          }, new ThreadPoolExecutor.AbortPolicy());
      this.setCredentials = new SetCredentialsHandler(kmsSealing.credentials());
      this.provision = new ProvisionSealingKeysHandler(kmsSealing, stateMachine, this::unseal);
      this.unsealKeys = new UnsealSealingKeysHandler(kmsSealing, stateMachine, this::unseal);
    } else {
      this.kmsExecutor = null;
      this.setCredentials = null;
      this.provision = null;
      this.unsealKeys = null;
    }
  }

  /** The state machine this service consults. */
  public EnclaveStateMachine stateMachine() {
    return stateMachine;
  }

  /**
   * Installs the sealing keys and moves SEALED -> READY. The service owns {@code provider} from
   * now on and closes it in {@link #close()}.
   *
   * @throws IllegalStateException if the enclave is not SEALED
   */
  public synchronized void unseal(SealingKeyProvider provider) {
    if (stateMachine.state() != EnclaveState.SEALED) {
      throw new IllegalStateException("unseal requires state SEALED");
    }
    WalletOperations ops =
        new WalletOperations(new ShareSealer(provider, random), random, authorizer);
    this.keyImport = new KeyImportHandler(ops, importKey, nsm);
    this.keyExport = new KeyExportHandler(ops, random);
    this.reseal = new ResealHandler(ops);
    this.authority = new AuthorityHandler(ops);
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
      if (!stateMachine.serves(type)) {
        return done(error(ErrorCode.NOT_READY, "enclave is not ready"));
      }
      if (type == EnclaveRequest.BodyCase.HEALTH) {
        return done(health());
      }
      if (isKmsLifecycle(type)) {
        if (kmsExecutor == null) {
          return done(error(ErrorCode.UNSUPPORTED, "kms sealing is not configured"));
        }
        return CompletableFuture.supplyAsync(() -> dispatchKms(request), kmsExecutor)
            .exceptionally(EnclaveService::unexpected);
      }
      return CompletableFuture.supplyAsync(() -> dispatch(request), executor)
          .exceptionally(EnclaveService::unexpected);
    } catch (RejectedExecutionException e) {
      return done(error(ErrorCode.RESOURCE_EXHAUSTED, "enclave is busy"));
    } catch (RuntimeException e) {
      return done(unexpected(e));
    }
  }

  private EnclaveResponse dispatch(EnclaveRequest request) {
    try {
      if (request.getBodyCase() == EnclaveRequest.BodyCase.GET_ATTESTATION
          && stateMachine.serves(EnclaveRequest.BodyCase.GET_ATTESTATION)) {
        return EnclaveResponse.newBuilder()
            .setGetAttestation(attestation.handle(request.getGetAttestation())).build();
      }
      WalletOperations ops = operations;
      if (ops == null || !stateMachine.serves(request.getBodyCase())) {
        return error(ErrorCode.NOT_READY, "enclave is not ready");
      }
      switch (request.getBodyCase()) {
        case GENERATE_KEY:
          return EnclaveResponse.newBuilder()
              .setGenerateKey(ops.generate(request.getGenerateKey())).build();
        case SIGN:
          SignatureAttester.validate(request.getSign());
          return EnclaveResponse.newBuilder().setSign(
              signatureAttester.attest(request.getSign(), ops.sign(request.getSign()))).build();
        case GET_IMPORT_KEY:
          return EnclaveResponse.newBuilder()
              .setGetImportKey(keyImport.getImportKey(request.getGetImportKey())).build();
        case IMPORT_KEY:
          return EnclaveResponse.newBuilder()
              .setImportKey(keyImport.importKey(request.getImportKey())).build();
        case EXPORT_KEY:
          return EnclaveResponse.newBuilder()
              .setExportKey(keyExport.exportKey(request.getExportKey())).build();
        case RESEAL:
          return EnclaveResponse.newBuilder().setReseal(reseal.handle(request.getReseal())).build();
        case UPDATE_AUTHORITY:
          return EnclaveResponse.newBuilder()
              .setUpdateAuthority(authority.handle(request.getUpdateAuthority())).build();
        default:
          return error(ErrorCode.UNSUPPORTED, "unsupported request type");
      }
    } catch (EnclaveException e) {
      return error(e.code(), e.detail());
    } catch (RuntimeException e) {
      return unexpected(e);
    }
  }

  private static boolean isKmsLifecycle(EnclaveRequest.BodyCase type) {
    return type == EnclaveRequest.BodyCase.SET_CREDENTIALS
        || type == EnclaveRequest.BodyCase.PROVISION_SEALING_KEYS
        || type == EnclaveRequest.BodyCase.UNSEAL_SEALING_KEYS;
  }

  private EnclaveResponse dispatchKms(EnclaveRequest request) {
    try {
      if (!stateMachine.serves(request.getBodyCase())) {
        return error(ErrorCode.NOT_READY, "enclave is not ready");
      }
      EnclaveResponse.Builder response = EnclaveResponse.newBuilder();
      switch (request.getBodyCase()) {
        case SET_CREDENTIALS:
          return response.setSetCredentials(setCredentials.handle(request.getSetCredentials()))
              .build();
        case PROVISION_SEALING_KEYS:
          return response.setProvisionSealingKeys(
              provision.handle(request.getProvisionSealingKeys())).build();
        case UNSEAL_SEALING_KEYS:
          return response.setUnsealSealingKeys(unsealKeys.handle(request.getUnsealSealingKeys()))
              .build();
        default:
          return error(ErrorCode.UNSUPPORTED, "unsupported request type");
      }
    } catch (EnclaveException e) {
      return error(e.code(), e.detail());
    } catch (RuntimeException e) {
      return unexpected(e);
    }
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
      h.setCredentialsExpireAtMillis(kmsSealing.credentials().expiresAtMillis());
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
