package io.nitrosign.enclave;

import io.nitrosign.enclave.crypto.BcFipsSetup;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.crypto.SeedSource;
import io.nitrosign.enclave.nsm.JnaNsmDevice;
import io.nitrosign.enclave.nsm.NsmDevice;
import io.nitrosign.enclave.nsm.NsmException;
import io.nitrosign.enclave.nsm.NsmSeedSource;
import io.nitrosign.enclave.nsm.SimulatedNsmDevice;
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
 *                           [--nsm nitro|simulated] [--simulated-nsm-ca DIR]
 * </pre>
 *
 * <p>The NSM ({@code /dev/nsm}, or the simulated one in local mode) seeds the DRBG together with
 * the OS and answers GetAttestation. Without a working NSM the enclave does not crash-loop: it
 * stays FAILED and serves Health, except in local mode without {@code --nsm}, where it goes on
 * without attestation (OS-seeded DRBG; GetAttestation answers NSM_ERROR).
 *
 * <p>Without {@code --local-mode} the enclave needs KMS for its sealing keys; until that exists it
 * stays SEALED (serving Health only) and says why.
 */
public final class EnclaveMain {

  private static final Logger LOG = LoggerFactory.getLogger(EnclaveMain.class);
  static final int EXIT_USAGE = 2;

  private EnclaveMain() {}

  /** Parsed command line. */
  record Options(EnclaveAddress listen, int maxFrameBytes, boolean localMode, Path localKeyDir,
      NsmKind nsm, boolean nsmExplicit, Path simulatedNsmCa) {}

  /** Which NSM device to use. */
  enum NsmKind { NITRO, SIMULATED }

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
      "  --nsm nitro|simulated       NSM device (default nitro: /dev/nsm); simulated needs"
          + " --local-mode",
      "  --simulated-nsm-ca DIR      the devkit's simulated NSM root CA (with --nsm simulated)");

  static Options parse(String[] args) throws UsageException {
    String listen = "vsock:any:5000";
    int maxFrame = 1 << 20;
    boolean localMode = false;
    Path keyDir = null;
    NsmKind nsm = NsmKind.NITRO;
    boolean nsmExplicit = false;
    Path nsmCa = null;
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
        case "--nsm":
          String kind = value(args, ++i, a);
          if (kind.equals("nitro")) {
            nsm = NsmKind.NITRO;
          } else if (kind.equals("simulated")) {
            nsm = NsmKind.SIMULATED;
          } else {
            throw new UsageException("--nsm must be nitro or simulated");
          }
          nsmExplicit = true;
          break;
        case "--simulated-nsm-ca":
          nsmCa = Path.of(value(args, ++i, a));
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
    if (nsm == NsmKind.SIMULATED && !localMode) {
      throw new UsageException("--nsm simulated requires --local-mode");
    }
    if (nsm == NsmKind.SIMULATED && nsmCa == null) {
      throw new UsageException("--nsm simulated requires --simulated-nsm-ca");
    }
    if (nsmCa != null && nsm != NsmKind.SIMULATED) {
      throw new UsageException("--simulated-nsm-ca requires --nsm simulated");
    }
    EnclaveAddress address;
    try {
      address = EnclaveAddress.parse(listen);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--listen: " + e.getMessage());
    }
    return new Options(address, maxFrame, localMode, keyDir, nsm, nsmExplicit, nsmCa);
  }

  private static NsmDevice openNsm(Options options)
      throws NsmException, java.io.IOException, java.security.GeneralSecurityException {
    if (options.nsm() == NsmKind.SIMULATED) {
      return new SimulatedNsmDevice(options.simulatedNsmCa(), options.localMode());
    }
    NsmDevice device = JnaNsmDevice.open();
    LOG.info("NSM device {} opened", JnaNsmDevice.DEVICE);
    return device;
  }

  /** A log-safe reason: an NSM code or an exception class, never exception text. */
  private static String reason(Exception e) {
    return e instanceof NsmException n ? n.code().name() : e.getClass().getName();
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
    NsmDevice nsm = null;
    boolean nsmFatal = false;
    try {
      nsm = openNsm(options);
    } catch (NsmException | RuntimeException | java.io.IOException
        | java.security.GeneralSecurityException e) {
      if (options.localMode() && !options.nsmExplicit()) {
        LOG.warn("no NSM device ({}): local mode without --nsm, so attestation is UNAVAILABLE"
            + " (GetAttestation answers NSM_ERROR) and the DRBG is seeded from the OS only",
            reason(e));
      } else {
        LOG.error("cannot open the {} NSM device ({}): the enclave will stay FAILED and serve"
            + " Health only", options.nsm().name().toLowerCase(java.util.Locale.ROOT), reason(e));
        nsmFatal = true;
      }
    }
    SecureRandom drbg;
    try {
      drbg = nsm == null ? Drbg.create(new OsSeedSource())
          : Drbg.create(SeedSource.mix(new NsmSeedSource(nsm), new OsSeedSource()));
      if (nsm != null) {
        LOG.info("DRBG seeded from NSM GetRandom ({}) mixed with the OS source", nsm.kind());
      }
    } catch (IllegalStateException e) {
      LOG.error("seeding the DRBG from the NSM failed ({}): the enclave will stay FAILED",
          e.getMessage());
      nsm.close();
      nsm = null;
      nsmFatal = true;
      drbg = Drbg.create(new OsSeedSource());
    }
    final NsmDevice device = nsm;
    EnclaveService service =
        new EnclaveService(stateMachine, drbg, version == null ? "dev" : version, device);
    WireServer server;
    try {
      server = WireServer.start(options.listen(), options.maxFrameBytes(), service);
    } catch (Exception e) {
      LOG.error("cannot listen on {}: {}", options.listen(), e.getClass().getName());
      stateMachine.fail();
      service.close();
      if (device != null) {
        device.close();
      }
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
      if (device != null) {
        device.close();
      }
      stopped.countDown();
    }, "enclave-shutdown"));

    if (nsmFatal) {
      stateMachine.fail();
    } else if (options.localMode()) {
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
