package io.nitrosign.enclave;

import io.nitrosign.enclave.crypto.BcFipsSetup;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.crypto.SeedSource;
import io.nitrosign.authz.P256Key;
import io.nitrosign.authz.Quorums;
import io.nitrosign.enclave.authority.RequestAuthorizer;
import io.nitrosign.enclave.kms.PinnedTrust;
import io.nitrosign.enclave.users.JwtIssuer;
import io.nitrosign.enclave.users.JwtSettings;
import io.nitrosign.enclave.users.TlsJwksFetcher;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.enclave.kms.AttestedKmsClient;
import io.nitrosign.enclave.kms.CredentialsHolder;
import io.nitrosign.enclave.kms.KmsEndpointConfig;
import io.nitrosign.enclave.kms.KmsSealingConfig;
import io.nitrosign.enclave.nsm.JnaNsmDevice;
import io.nitrosign.enclave.nsm.NsmDevice;
import io.nitrosign.enclave.nsm.NsmException;
import io.nitrosign.enclave.nsm.NsmSeedSource;
import io.nitrosign.enclave.nsm.SimulatedNsmDevice;
import io.nitrosign.enclave.service.EnclaveService;
import io.nitrosign.enclave.service.EnclaveStateMachine;
import io.nitrosign.enclave.service.KmsSealing;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.wire.EnclaveAddress;
import io.nitrosign.wire.WireServer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enclave process. Usage:
 *
 * <pre>
 * java -jar enclave-app.jar [--listen ADDRESS] [--max-frame-bytes N] [--max-connections N]
 *                           [--max-pending-request-bytes N]
 *                           [--max-pending-request-bytes-per-connection N]
 *                           [--nsm nitro|simulated [--simulated-nsm-ca DIR] --local-mode]
 *                           --kms-auth-key-id ARN --kms-exec-key-id ARN --kms-region R
 *                           --kms-account-id ACCOUNT --deployment-id ID
 *                           [--kms-endpoint URL] [--kms-vsock-proxy CID:PORT]
 *                           [--jwt-issuer issuer=URL,audience=AUD,jwks=URL[,proxy=CID:PORT]]...
 *                           [--jwt-trust-roots FILE]
 * </pre>
 *
 * <p>The NSM ({@code /dev/nsm}; the simulated one only with {@code --local-mode}) seeds the DRBG
 * together with the OS, answers GetAttestation, and vouches for the per-boot RSA key KMS encrypts
 * data keys to. Without a working NSM the enclave does not crash-loop: it stays FAILED and serves
 * Health only.
 *
 * <p>Sealing keys come from KMS only: the key ARNs, account, region, deployment id and route are
 * on the command line so that they are part of the measured enclave image, never chosen by the
 * parent. Key ids must be full key ARNs in the configured account and region: an alias or a bare
 * key id would be resolved in whatever account the parent's credentials belong to. The enclave
 * starts SEALED and waits for {@code SetCredentials} and then {@code ProvisionSealingKeys} (first
 * boot) or {@code UnsealSealingKeys} (every later boot). In local mode the KMS is the devkit's
 * local KMS, which checks the simulated NSM's documents against the key policy exactly as AWS does.
 */
public final class EnclaveMain {

  private static final Logger LOG = LoggerFactory.getLogger(EnclaveMain.class);
  static final int EXIT_USAGE = 2;

  private EnclaveMain() {}

  /** Parsed command line. */
  record Options(EnclaveAddress listen, int maxFrameBytes, WireServer.Limits limits,
      boolean localMode, NsmKind nsm, Path simulatedNsmCa, Optional<KmsSealingConfig> kms,
      RequestAuthorizer.Settings authorization, java.util.Map<String, JwtIssuer> jwtIssuers,
      Path jwtTrustRoots) {}

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
      "usage: enclave-app [--listen ADDRESS] [--max-frame-bytes N] [--nsm nitro|simulated]",
      "                   --kms-auth-key-id ARN --kms-exec-key-id ARN --kms-region R",
      "                   --kms-account-id ACCOUNT --deployment-id ID [...]",
      "  --listen ADDRESS            unix:/path | vsock:any:PORT | tcp:127.0.0.1:PORT"
          + " (default vsock:any:5000)",
      "  --max-frame-bytes N         largest accepted frame (default 1048576)",
      "  --max-connections N         connections open at once; more are closed at once"
          + " (default " + WireServer.Limits.DEFAULT_MAX_CONNECTIONS + ")",
      "  --max-pending-request-bytes N  bytes of requests read but not yet answered, all"
          + " connections (default " + WireServer.Limits.DEFAULT_MAX_PENDING_BYTES + ")",
      "  --max-pending-request-bytes-per-connection N  the same, per connection (default "
          + WireServer.Limits.DEFAULT_MAX_PENDING_BYTES_PER_CONNECTION + ")",
      "  --nsm nitro|simulated       NSM device (default nitro: /dev/nsm); simulated needs"
          + " --local-mode",
      "  --simulated-nsm-ca DIR      the devkit's simulated NSM root CA (with --nsm simulated)",
      "  --local-mode                INSECURE local development: allows the simulated NSM",
      "  --kms-auth-key-id ARN       KMS key of the auth-share data keys: a full key ARN,"
          + " arn:aws:kms:R:ACCOUNT:key/UUID (no aliases, no bare key ids)",
      "  --kms-exec-key-id ARN       KMS key of the exec-share data keys (a key ARN likewise)",
      "  --kms-region R              AWS region of KMS, e.g. eu-west-1; both key ARNs must be in it",
      "  --kms-account-id ACCOUNT    AWS account (12 digits) both key ARNs must be in",
      "  --deployment-id ID          this deployment's name (1-64 of A-Z a-z 0-9 . _ -), bound"
          + " into every data key as the KMS encryption context",
      "  --kms-endpoint URL          KMS endpoint override (default https://kms.R.amazonaws.com)",
      "  --kms-vsock-proxy CID:PORT  reach KMS through the parent's vsock-proxy (e.g. 3:8000);"
          + " TLS terminates in the enclave",
      "  --public-base-url URL       the API's public base URL clients sign requests for"
          + " (e.g. https://signer.example.com); without it only the path is checked",
      "  --export-quorum M:K1,K2,..  M-of-N base64 DER P-256 keys that authorize exporting"
          + " app-owned wallets (default: none, such exports are refused)",
      "  --jwt-issuer issuer=URL,audience=AUD,jwks=https://HOST/PATH[,proxy=CID:PORT]",
      "                              an issuer of user JWTs (repeatable); its JWKS is fetched"
          + " over TLS in the enclave, through the vsock proxy when given",
      "  --jwt-trust-roots FILE      PEM roots the JWKS servers must chain to (required with"
          + " --jwt-issuer; nothing else is trusted)");

  static Options parse(String[] args) throws UsageException {
    String listen = "vsock:any:5000";
    int maxFrame = 1 << 20;
    WireServer.Limits defaults = WireServer.Limits.defaults();
    long maxConnections = defaults.maxConnections();
    long maxPending = defaults.maxPendingBytes();
    long maxPendingPerConnection = defaults.maxPendingBytesPerConnection();
    boolean localMode = false;
    NsmKind nsm = NsmKind.NITRO;
    Path nsmCa = null;
    String authKeyId = null;
    String execKeyId = null;
    String publicBaseUrl = "";
    String exportQuorum = null;
    String region = null;
    String accountId = null;
    String deploymentId = null;
    String endpoint = null;
    String vsockProxy = null;
    java.util.Map<String, JwtIssuer> jwtIssuers = new java.util.LinkedHashMap<>();
    Path jwtTrustRoots = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--listen" -> listen = value(args, ++i, a);
        case "--max-frame-bytes" -> {
          String v = value(args, ++i, a);
          try {
            maxFrame = Integer.parseInt(v);
          } catch (NumberFormatException e) {
            throw new UsageException("--max-frame-bytes needs a number");
          }
          if (maxFrame < 1024) {
            throw new UsageException("--max-frame-bytes must be at least 1024");
          }
        }
        case "--max-connections" ->
            maxConnections = positive(value(args, ++i, a), a, Integer.MAX_VALUE);
        case "--max-pending-request-bytes" ->
            maxPending = positive(value(args, ++i, a), a, Long.MAX_VALUE);
        case "--max-pending-request-bytes-per-connection" ->
            maxPendingPerConnection = positive(value(args, ++i, a), a, Long.MAX_VALUE);
        case "--local-mode" -> localMode = true;
        case "--nsm" -> {
          String kind = value(args, ++i, a);
          if (kind.equals("nitro")) {
            nsm = NsmKind.NITRO;
          } else if (kind.equals("simulated")) {
            nsm = NsmKind.SIMULATED;
          } else {
            throw new UsageException("--nsm must be nitro or simulated");
          }
        }
        case "--simulated-nsm-ca" -> nsmCa = Path.of(value(args, ++i, a));
        case "--kms-auth-key-id" -> authKeyId = value(args, ++i, a);
        case "--kms-exec-key-id" -> execKeyId = value(args, ++i, a);
        case "--kms-region" -> region = value(args, ++i, a);
        case "--kms-account-id" -> accountId = value(args, ++i, a);
        case "--deployment-id" -> deploymentId = value(args, ++i, a);
        case "--kms-endpoint" -> endpoint = value(args, ++i, a);
        case "--kms-vsock-proxy" -> vsockProxy = value(args, ++i, a);
        case "--public-base-url" -> publicBaseUrl = value(args, ++i, a);
        case "--export-quorum" -> exportQuorum = value(args, ++i, a);
        case "--jwt-issuer" -> {
          JwtIssuer issuer;
          try {
            issuer = JwtIssuer.parse(value(args, ++i, a));
          } catch (IllegalArgumentException e) {
            throw new UsageException("--jwt-issuer: " + e.getMessage());
          }
          if (jwtIssuers.put(issuer.issuer(), issuer) != null) {
            throw new UsageException("--jwt-issuer: an issuer is given twice");
          }
        }
        case "--jwt-trust-roots" -> jwtTrustRoots = Path.of(value(args, ++i, a));
        case "--help", "-h" -> throw new UsageException("");
        default -> throw new UsageException("unknown argument: " + a);
      }
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
    if (maxPendingPerConnection < maxFrame) {
      throw new UsageException(
          "--max-pending-request-bytes-per-connection must be at least --max-frame-bytes");
    }
    if (maxPending < maxPendingPerConnection) {
      throw new UsageException("--max-pending-request-bytes must be at least"
          + " --max-pending-request-bytes-per-connection");
    }
    WireServer.Limits limits = new WireServer.Limits((int) maxConnections,
        defaults.maxInFlightPerConnection(), maxPendingPerConnection, maxPending);
    Optional<KmsSealingConfig> kms = Optional.empty();
    boolean anyKms = authKeyId != null || execKeyId != null || region != null || endpoint != null
        || vsockProxy != null || accountId != null || deploymentId != null;
    if (anyKms) {
      if (authKeyId == null || execKeyId == null || region == null || accountId == null
          || deploymentId == null) {
        throw new UsageException("KMS sealing needs --kms-auth-key-id, --kms-exec-key-id,"
            + " --kms-region, --kms-account-id and --deployment-id");
      }
      try {
        Optional<URI> override = endpoint == null ? Optional.empty() : Optional.of(new URI(endpoint));
        Optional<KmsEndpointConfig.VsockProxy> proxy =
            Optional.ofNullable(vsockProxy).map(KmsEndpointConfig.VsockProxy::parse);
        kms = Optional.of(new KmsSealingConfig(authKeyId, execKeyId, accountId, deploymentId,
            new KmsEndpointConfig(region, override, proxy)));
      } catch (URISyntaxException e) {
        throw new UsageException("--kms-endpoint is not a URL");
      } catch (IllegalArgumentException e) {
        throw new UsageException("KMS options: " + e.getMessage());
      }
    }
    EnclaveAddress address;
    try {
      address = EnclaveAddress.parse(listen);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--listen: " + e.getMessage());
    }
    if (!publicBaseUrl.isEmpty()
        && !publicBaseUrl.matches("https?://[A-Za-z0-9.:\\[\\]-]+(/[A-Za-z0-9._~/-]*[^/])?")) {
      throw new UsageException("--public-base-url must be an http(s) URL without a trailing slash");
    }
    RequestAuthorizer.Settings authorization = RequestAuthorizer.Settings.defaults()
        .withPublicBaseUrl(publicBaseUrl)
        .withExportQuorum(Optional.ofNullable(exportQuorum == null ? null : exportQuorum(exportQuorum)));
    if (!jwtIssuers.isEmpty() && jwtTrustRoots == null) {
      throw new UsageException("--jwt-issuer requires --jwt-trust-roots");
    }
    return new Options(address, maxFrame, limits, localMode, nsm, nsmCa, kms, authorization,
        jwtIssuers, jwtTrustRoots);
  }

  /** {@code M:KEY1,KEY2,...}: an M-of-N quorum of base64 DER SPKI P-256 keys. */
  static KeyQuorum exportQuorum(String spec) throws UsageException {
    int colon = spec.indexOf(':');
    KeyQuorum.Builder q = KeyQuorum.newBuilder().setId("export");
    try {
      q.setThreshold(Integer.parseInt(spec.substring(0, Math.max(colon, 0))));
      for (String k : spec.substring(colon + 1).split(",")) {
        q.addPublicKeys(com.google.protobuf.ByteString.copyFrom(P256Key.fromSpkiBase64(k.trim()).spki()));
      }
      KeyQuorum built = q.build();
      Quorums.validate(built);
      return built;
    } catch (IllegalArgumentException e) {
      throw new UsageException("--export-quorum must be M:KEY1,KEY2,... with base64 DER P-256 keys"
          + " and 1 <= M <= the number of keys");
    }
  }

  /** Every certificate in a PEM file. */
  static java.util.List<java.security.cert.X509Certificate> readRoots(Path file)
      throws java.io.IOException, java.security.GeneralSecurityException {
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      java.util.List<java.security.cert.X509Certificate> out = new java.util.ArrayList<>();
      for (java.security.cert.Certificate c : java.security.cert.CertificateFactory
          .getInstance("X.509").generateCertificates(in)) {
        out.add((java.security.cert.X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException("no certificates");
      }
      return out;
    }
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

  private static long positive(String v, String flag, long max) throws UsageException {
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " needs a number");
    }
    if (n < 1 || n > max) {
      throw new UsageException(flag + " must be a positive number");
    }
    return n;
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
    boolean fatal = false;
    try {
      nsm = openNsm(options);
    } catch (NsmException | RuntimeException | java.io.IOException
        | java.security.GeneralSecurityException e) {
      LOG.error("cannot open the {} NSM device ({}): the enclave will stay FAILED and serve"
          + " Health only", options.nsm().name().toLowerCase(java.util.Locale.ROOT), reason(e));
      fatal = true;
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
      fatal = true;
      drbg = Drbg.create(new OsSeedSource());
    }

    KmsSealing kmsSealing = null;
    if (options.kms().isPresent() && nsm != null) {
      KmsSealingConfig kms = options.kms().get();
      CredentialsHolder credentials = new CredentialsHolder(Clock.systemUTC());
      kmsSealing = new KmsSealing(kms, credentials,
          AttestedKmsClient.create(kms.endpoint(), credentials, nsm, drbg));
    }
    final NsmDevice device = nsm;
    JwtSettings jwt = JwtSettings.none();
    if (!options.jwtIssuers().isEmpty()) {
      try {
        jwt = new JwtSettings(options.jwtIssuers(), new TlsJwksFetcher(
            PinnedTrust.of(readRoots(options.jwtTrustRoots())).sslContext(drbg)));
        LOG.info("user JWTs accepted from {} issuer(s): {}", options.jwtIssuers().size(),
            options.jwtIssuers().keySet());
      } catch (java.io.IOException | java.security.GeneralSecurityException
          | IllegalArgumentException e) {
        LOG.error("cannot read --jwt-trust-roots ({}): user authentication is off",
            e.getClass().getName());
      }
    }
    EnclaveService service = new EnclaveService(new EnclaveService.Options(stateMachine, drbg,
        version == null ? "dev" : version, device, kmsSealing, options.authorization(), jwt));
    WireServer server;
    try {
      server = WireServer.start(options.listen(), options.maxFrameBytes(), options.limits(),
          service);
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

    if (fatal) {
      stateMachine.fail();
    } else if (kmsSealing != null) {
      KmsSealingConfig kms = options.kms().get();
      LOG.info("sealing keys come from KMS (auth key {}, exec key {}, region {}, deployment {}{});"
          + " waiting for SetCredentials and ProvisionSealingKeys or UnsealSealingKeys",
          kms.authKeyId(), kms.execKeyId(), kms.endpoint().region(), kms.deploymentId(), kms.endpoint().vsockProxy()
              .map(p -> ", via vsock proxy " + p.cid() + ":" + p.port()).orElse(""));
    } else {
      LOG.warn("no sealing-key source: no --kms-* options were given; the enclave stays SEALED"
          + " and serves Health and GetAttestation only");
    }
    LOG.info("enclave state {}", stateMachine.state());
    stopped.await();
    return 0;
  }
}
