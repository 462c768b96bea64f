package io.nitrosign.enclave;

import io.nitrosign.enclave.crypto.BcFipsSetup;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.kms.AttestedKmsClient;
import io.nitrosign.enclave.kms.CredentialsHolder;
import io.nitrosign.enclave.kms.KmsEndpointConfig;
import io.nitrosign.enclave.kms.KmsSealingConfig;
import io.nitrosign.enclave.nsm.NsmDevice;
import io.nitrosign.enclave.nsm.NsmException;
import io.nitrosign.enclave.sealing.LocalDevSealingKeyProvider;
import io.nitrosign.enclave.service.EnclaveService;
import io.nitrosign.enclave.service.EnclaveStateMachine;
import io.nitrosign.enclave.service.KmsSealing;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.wire.EnclaveAddress;
import io.nitrosign.wire.WireServer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.security.SecureRandom;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enclave process. Usage:
 *
 * <pre>
 * java -jar enclave-app.jar [--listen ADDRESS] [--max-frame-bytes N]
 *                           [--local-mode --local-sealing-key-dir DIR]
 *                           [--kms-auth-key-id ID --kms-exec-key-id ID --kms-region R
 *                            [--kms-endpoint URL] [--kms-vsock-proxy CID:PORT]]
 * </pre>
 *
 * <p>In production the sealing keys come from KMS: the key ids, region and route are on the
 * command line so that they are part of the measured enclave image, never chosen by the parent.
 * The enclave starts SEALED and waits for {@code SetCredentials} and then
 * {@code ProvisionSealingKeys} (first boot) or {@code UnsealSealingKeys} (every later boot).
 */
public final class EnclaveMain {

  private static final Logger LOG = LoggerFactory.getLogger(EnclaveMain.class);
  static final int EXIT_USAGE = 2;

  private EnclaveMain() {}

  /** Parsed command line. */
  record Options(EnclaveAddress listen, int maxFrameBytes, boolean localMode, Path localKeyDir,
      Optional<KmsSealingConfig> kms) {

    Options(EnclaveAddress listen, int maxFrameBytes, boolean localMode, Path localKeyDir) {
      this(listen, maxFrameBytes, localMode, localKeyDir, Optional.empty());
    }
  }

  /** Opens the NSM device the attested KMS client uses. */
  @FunctionalInterface
  interface NsmOpener {
    NsmDevice open() throws NsmException;
  }

  /** Thrown for a command-line error; the message is shown to the user. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static final String USAGE = String.join("\n",
      "usage: enclave-app [--listen ADDRESS] [--max-frame-bytes N]",
      "                   [--local-mode --local-sealing-key-dir DIR]",
      "  --listen ADDRESS            unix:/path | vsock:any:PORT | tcp:127.0.0.1:PORT"
          + " (default vsock:any:5000)",
      "  --max-frame-bytes N         largest accepted frame (default 1048576)",
      "  --local-mode                INSECURE local development: sealing keys in a file",
      "  --local-sealing-key-dir DIR directory of the local sealing-key file (with --local-mode)",
      "  --kms-auth-key-id ID        KMS key (id, ARN or alias) of the auth-share data keys",
      "  --kms-exec-key-id ID        KMS key of the exec-share data keys",
      "  --kms-region R              AWS region of KMS, e.g. eu-west-1",
      "  --kms-endpoint URL          KMS endpoint override (default https://kms.R.amazonaws.com)",
      "  --kms-vsock-proxy CID:PORT  reach KMS through the parent's vsock-proxy (e.g. 3:8000);"
          + " TLS terminates in the enclave");

  static Options parse(String[] args) throws UsageException {
    String listen = "vsock:any:5000";
    int maxFrame = 1 << 20;
    boolean localMode = false;
    Path keyDir = null;
    String authKeyId = null;
    String execKeyId = null;
    String region = null;
    String endpoint = null;
    String vsockProxy = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--listen":
          listen = value(args, ++i, a);
          break;
        case "--max-frame-bytes":
          String v = value(args, ++i, a);
          try {
            maxFrame = Integer.parseInt(v);
          } catch (NumberFormatException e) {
            throw new UsageException("--max-frame-bytes needs a number");
          }
          if (maxFrame < 1024) {
            throw new UsageException("--max-frame-bytes must be at least 1024");
          }
          break;
        case "--local-mode":
          localMode = true;
          break;
        case "--local-sealing-key-dir":
          keyDir = Path.of(value(args, ++i, a));
          break;
        case "--kms-auth-key-id":
          authKeyId = value(args, ++i, a);
          break;
        case "--kms-exec-key-id":
          execKeyId = value(args, ++i, a);
          break;
        case "--kms-region":
          region = value(args, ++i, a);
          break;
        case "--kms-endpoint":
          endpoint = value(args, ++i, a);
          break;
        case "--kms-vsock-proxy":
          vsockProxy = value(args, ++i, a);
          break;
        case "--help":
        case "-h":
          throw new UsageException("");
        default:
          throw new UsageException("unknown argument: " + a);
      }
    }
    if (keyDir != null && !localMode) {
      throw new UsageException("--local-sealing-key-dir requires --local-mode");
    }
    if (localMode && keyDir == null) {
      throw new UsageException("--local-mode requires --local-sealing-key-dir");
    }
    EnclaveAddress address;
    try {
      address = EnclaveAddress.parse(listen);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--listen: " + e.getMessage());
    }
    Optional<KmsSealingConfig> kms = Optional.empty();
    boolean anyKms = authKeyId != null || execKeyId != null || region != null || endpoint != null
        || vsockProxy != null;
    if (anyKms) {
      if (localMode) {
        throw new UsageException("--local-mode and the --kms-* options exclude each other");
      }
      if (authKeyId == null || execKeyId == null || region == null) {
        throw new UsageException(
            "KMS sealing needs --kms-auth-key-id, --kms-exec-key-id and --kms-region");
      }
      try {
        Optional<URI> override = Optional.empty();
        if (endpoint != null) {
          override = Optional.of(new URI(endpoint));
        }
        Optional<KmsEndpointConfig.VsockProxy> proxy =
            Optional.ofNullable(vsockProxy).map(KmsEndpointConfig.VsockProxy::parse);
        kms = Optional.of(new KmsSealingConfig(authKeyId, execKeyId,
            new KmsEndpointConfig(region, override, proxy)));
      } catch (URISyntaxException e) {
        throw new UsageException("--kms-endpoint is not a URL");
      } catch (IllegalArgumentException e) {
        throw new UsageException("KMS options: " + e.getMessage());
      }
    }
    return new Options(address, maxFrame, localMode, keyDir, kms);
  }

  private static String value(String[] args, int i, String flag) throws UsageException {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new UsageException(flag + " needs a value");
    }
    return args[i];
  }

  public static void main(String[] args) throws InterruptedException {
    BcFipsSetup.preferJavaImplementation();
    Options options;
    try {
      options = parse(args);
    } catch (UsageException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println("enclave-app: " + e.getMessage());
      }
      System.err.println(USAGE);
      System.exit(e.getMessage().isEmpty() ? 0 : EXIT_USAGE);
      return;
    }
    System.exit(run(options, EnclaveMain::openNsm));
  }

  /**
   * The NSM device for the attested KMS client. The JNA {@code /dev/nsm} device is built in a
   * separate change; until it is wired here, a KMS-configured enclave reports the device as
   * unavailable and stays SEALED.
   */
  private static NsmDevice openNsm() throws NsmException {
    throw new NsmException(NsmException.Code.DEVICE_UNAVAILABLE,
        "no NSM device implementation in this build");
  }

  static int run(Options options) throws InterruptedException {
    return run(options, EnclaveMain::openNsm);
  }

  static int run(Options options, NsmOpener nsmOpener) throws InterruptedException {
    String version = EnclaveMain.class.getPackage().getImplementationVersion();
    EnclaveStateMachine stateMachine = new EnclaveStateMachine();
    LOG.info("nitrosign enclave {} starting, state {}", version, stateMachine.state());
    SecureRandom drbg = Drbg.create(new OsSeedSource());
    KmsSealing kmsSealing = null;
    if (options.kms().isPresent()) {
      KmsSealingConfig kms = options.kms().get();
      try {
        NsmDevice nsm = nsmOpener.open();
        CredentialsHolder credentials = new CredentialsHolder(Clock.systemUTC());
        kmsSealing = new KmsSealing(kms, credentials,
            AttestedKmsClient.create(kms.endpoint(), credentials, nsm, drbg));
      } catch (NsmException e) {
        LOG.error("KMS sealing configured but the NSM device is unavailable ({}); the enclave"
            + " stays SEALED and serves Health only", e.code());
      }
    }
    EnclaveService service = new EnclaveService(stateMachine, drbg,
        version == null ? "dev" : version, kmsSealing);
    WireServer server;
    try {
      server = WireServer.start(options.listen(), options.maxFrameBytes(), service);
    } catch (Exception e) {
      LOG.error("cannot listen on {}: {}", options.listen(), e.getClass().getName());
      stateMachine.fail();
      service.close();
      return 1;
    }
    stateMachine.transitionTo(EnclaveState.SEALED);
    LOG.info("listening on {}, state {}", options.listen(), stateMachine.state());

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("shutting down: closing server and wiping keys");
      try {
        server.close();
      } catch (RuntimeException e) {
        LOG.warn("server close failed: {}", e.getClass().getName());
      }
      service.close();
      stopped.countDown();
    }, "enclave-shutdown"));

    if (options.localMode()) {
      LOG.warn("*** LOCAL MODE: sealing keys come from a PLAIN FILE in {}. INSECURE: never use"
          + " this with real keys or funds. ***", options.localKeyDir());
      try {
        service.unseal(LocalDevSealingKeyProvider.openOrCreate(options.localKeyDir(), drbg));
      } catch (Exception e) {
        LOG.error("cannot load local sealing keys from {}: {}", options.localKeyDir(),
            e.getClass().getName());
        stateMachine.fail();
      }
    } else if (kmsSealing != null) {
      LOG.info("sealing keys come from KMS (auth key {}, exec key {}, region {}{}); waiting for"
          + " SetCredentials and ProvisionSealingKeys or UnsealSealingKeys",
          options.kms().get().authKeyId(), options.kms().get().execKeyId(),
          options.kms().get().endpoint().region(),
          options.kms().get().endpoint().vsockProxy().map(p -> ", via vsock proxy " + p.cid()
              + ":" + p.port()).orElse(""));
    } else {
      LOG.warn("no sealing-key source: neither --kms-* options nor --local-mode were given; the"
          + " enclave stays SEALED and serves Health only");
    }
    LOG.info("enclave state {}", stateMachine.state());
    stopped.await();
    return 0;
  }
}
