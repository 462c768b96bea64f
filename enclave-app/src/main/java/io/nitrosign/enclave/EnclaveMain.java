package io.nitrosign.enclave;

import io.nitrosign.enclave.crypto.BcFipsSetup;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.sealing.LocalDevSealingKeyProvider;
import io.nitrosign.enclave.service.EnclaveService;
import io.nitrosign.enclave.service.EnclaveStateMachine;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.wire.EnclaveAddress;
import io.nitrosign.wire.WireServer;
import java.nio.file.Path;
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
 * </pre>
 *
 * <p>Without {@code --local-mode} the enclave needs KMS for its sealing keys; until that exists it
 * stays SEALED (serving Health only) and says why.
 */
public final class EnclaveMain {

  private static final Logger LOG = LoggerFactory.getLogger(EnclaveMain.class);
  static final int EXIT_USAGE = 2;

  private EnclaveMain() {}

  /** Parsed command line. */
  record Options(EnclaveAddress listen, int maxFrameBytes, boolean localMode, Path localKeyDir) {}

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
      "  --local-sealing-key-dir DIR directory of the local sealing-key file (with --local-mode)");

  static Options parse(String[] args) throws UsageException {
    String listen = "vsock:any:5000";
    int maxFrame = 1 << 20;
    boolean localMode = false;
    Path keyDir = null;
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
    return new Options(address, maxFrame, localMode, keyDir);
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
    System.exit(run(options));
  }

  static int run(Options options) throws InterruptedException {
    String version = EnclaveMain.class.getPackage().getImplementationVersion();
    EnclaveStateMachine stateMachine = new EnclaveStateMachine();
    LOG.info("nitrosign enclave {} starting, state {}", version, stateMachine.state());
    SecureRandom drbg = Drbg.create(new OsSeedSource());
    EnclaveService service =
        new EnclaveService(stateMachine, drbg, version == null ? "dev" : version);
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
    } else {
      LOG.warn("no sealing-key source: KMS support is not built yet and --local-mode was not"
          + " given; the enclave stays SEALED and serves Health only");
    }
    LOG.info("enclave state {}", stateMachine.state());
    stopped.await();
    return 0;
  }
}
