package io.nitrosign.bench;

import com.google.protobuf.ByteString;
import io.nitrosign.enclave.crypto.BcFipsSetup;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.crypto.Secp256k1Signer;
import io.nitrosign.enclave.sealing.KmsSealingKeyProvider;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.enclave.service.EnclaveService;
import io.nitrosign.enclave.service.EnclaveStateMachine;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.PersonalMessage;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.WalletKey;
import io.nitrosign.wire.EnclaveAddress;
import io.nitrosign.wire.EnclaveClient;
import io.nitrosign.wire.Framing;
import io.nitrosign.wire.WireServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.jcajce.provider.BouncyCastleFipsProvider;

/**
 * Signing throughput and latency at each layer of the signing path, each printed beside the
 * baseline it should be compared with:
 *
 * <ol>
 *   <li>BC-FIPS's own ECDSA on secp256k1 through JCA (random k, and deterministic DDSA): the
 *       library baseline our signer should match;
 *   <li>our RFC 6979 low-S signer with recovery id;
 *   <li>the enclave service in process: unseal two shares (AES-GCM), rebuild and check the key,
 *       EIP-191 hash, sign, wipe;
 *   <li>the same over the wire: protobuf frames over AF_UNIX through Netty, multiplexed client;
 *   <li>optionally the full HTTP path of a running local stack (authentication, PostgreSQL audit
 *       commit), with {@code --stack-env .local/stack.env}.
 * </ol>
 *
 * <p>Usage: {@code java -jar bench/target/bench.jar [--seconds N] [--warmup N] [--threads N]
 * [--concurrency N] [--stack-env FILE] [--only crypto|enclave|wire|http]}
 */
public final class SignBench {

  private SignBench() {}

  public static void main(String[] args) throws Exception {
    // The same BC-FIPS set-up as the enclave process (see BcFipsSetup for why and the numbers).
    BcFipsSetup.preferJavaImplementation();
    Map<String, String> opt = options(args);
    Duration measure = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("--seconds", "5")));
    Duration warmup = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("--warmup", "3")));
    int cores = Runtime.getRuntime().availableProcessors();
    int threads = Integer.parseInt(opt.getOrDefault("--threads", Integer.toString(cores)));
    int concurrency = Integer.parseInt(opt.getOrDefault("--concurrency", "16"));
    String only = opt.getOrDefault("--only", "all");
    System.out.printf("nitrosign sign benchmark: %d cores, java %s, bc-fips variant %s,"
            + " %d s warm-up, %d s measured%n%n", cores, System.getProperty("java.version"),
        System.getProperty("org.bouncycastle.native.cpu_variant"), warmup.toSeconds(),
        measure.toSeconds());

    Security.addProvider(new BouncyCastleFipsProvider());
    SecureRandom random = Drbg.create(new OsSeedSource());
    byte[] digest = new byte[32];
    random.nextBytes(digest);
    List<Measure.Result> results = new ArrayList<>();

    // 1. library baselines
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC", "BCFIPS");
    kpg.initialize(new ECGenParameterSpec("secp256k1"), random);
    KeyPair kp = kpg.generateKeyPair();
    for (String alg : List.of("SHA256withECDSA", "SHA256withECDDSA")) {
      if (!only.equals("all") && !only.equals("crypto")) {
        break;
      }
      ThreadLocal<Signature> sig = ThreadLocal.withInitial(() -> {
        try {
          Signature s = Signature.getInstance(alg, "BCFIPS");
          s.initSign(kp.getPrivate(), random);
          return s;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      results.add(Measure.run("bc-fips JCA " + alg + " (baseline)", threads, warmup, measure,
          () -> {
            Signature s = sig.get();
            s.update(digest);
            s.sign();
          }));
      print(results);
    }

    // 2. our signer
    byte[] key = new byte[32];
    do {
      random.nextBytes(key);
    } while (!Secp256k1Signer.isValidPrivateKey(key));
    try (Secp256k1Signer signer = Secp256k1Signer.create(new SecretBytes(key))) {
      if (!only.equals("all") && !only.equals("crypto")) {
        throw new SkipStage();
      }
      results.add(Measure.run("our RFC 6979 signer (low-S, recid)", threads, warmup, measure,
          () -> signer.sign(digest)));
      print(results);
    } catch (SkipStage skipped) {
      // not selected
    }

    // 3. the enclave service in process
    Path tmp = Files.createTempDirectory("nitrosign-bench");
    EnclaveStateMachine sm = new EnclaveStateMachine();
    try (EnclaveService service = new EnclaveService(
        EnclaveService.Options.of(sm, random, "bench"))) {
      sm.transitionTo(EnclaveState.SEALED);
      // The enclave's own provider, loaded with random data keys as KMS would hand them over.
      KmsSealingKeyProvider keys = new KmsSealingKeyProvider();
      keys.install(1, SecretBytes.random(random, KmsSealingKeyProvider.KEY_BYTES),
          SecretBytes.random(random, KmsSealingKeyProvider.KEY_BYTES));
      keys.makeCurrent(1);
      service.unseal(keys);
      EnclaveResponse gen = service.handle(EnclaveRequest.newBuilder().setRequestId(1)
          .setGenerateKey(GenerateKeyRequest.newBuilder().setWalletId("bench-wallet")
              .setCurve(Curve.SECP256K1)).build()).join();
      WalletKey wallet = gen.getGenerateKey().getKey();
      EnclaveRequest sign = EnclaveRequest.newBuilder().setRequestId(2)
          .setSign(SignRequest.newBuilder().setKey(wallet).setPersonalMessage(
              PersonalMessage.newBuilder().setMessage(
                  ByteString.copyFromUtf8("withdraw 1.5 ETH to 0xabc, ref 123456")))).build();
      if (only.equals("all") || only.equals("enclave")) {
      results.add(Measure.run("enclave service in process", threads, warmup, measure, () -> {
        EnclaveResponse r = service.handle(sign).join();
        if (!r.hasSign()) {
          throw new IllegalStateException(r.getError().getCode().name());
        }
      }));
      print(results);
      }

      // 4. over the wire (AF_UNIX)
      EnclaveAddress addr = EnclaveAddress.parse("unix:" + tmp.resolve("enclave.sock"));
      if (only.equals("all") || only.equals("wire")) {
      try (WireServer server = WireServer.start(addr, Framing.DEFAULT_MAX_FRAME_BYTES, service);
          EnclaveClient client = EnclaveClient.start(EnclaveClient.Config.defaults(addr))) {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!client.isConnected() && System.nanoTime() < until) {
          Thread.sleep(20);
        }
        results.add(Measure.run("enclave over AF_UNIX (" + concurrency + " in flight)",
            concurrency, warmup, measure, () -> {
              EnclaveResponse r = client.call(sign.toBuilder(), Duration.ofSeconds(10)).get();
              if (!r.hasSign()) {
                throw new IllegalStateException(r.getError().getCode().name());
              }
            }));
        print(results);
      }
      }
    }

    // 5. the full HTTP path of a running stack
    String stackEnv = opt.get("--stack-env");
    if (stackEnv != null && (only.equals("all") || only.equals("http"))) {
      results.add(httpBench(Path.of(stackEnv), concurrency, warmup, measure));
      print(results);
    } else {
      System.out.println("(full HTTP path skipped: start ./appliance local up and pass"
          + " --stack-env .local/stack.env)");
    }
    System.out.println();
    System.out.println("ratios are ops/s relative to the first baseline at the same thread count;"
        + " the wire and HTTP rows run with more callers in flight.");
  }

  /** Thrown to leave a stage that --only did not select. */
  private static final class SkipStage extends RuntimeException {
    SkipStage() {
      super(null, null, false, false);
    }
  }

  private static Measure.Result httpBench(Path envFile, int concurrency, Duration warmup,
      Duration measure) throws Exception {
    Map<String, String> env = Measure.stackEnv(envFile);
    String base = env.get("BASE_URL");
    String auth = "Basic " + Base64.getEncoder().encodeToString(
        (env.get("APP_ID") + ":" + env.get("APP_SECRET")).getBytes(StandardCharsets.UTF_8));
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/wallets"))
        .header("Authorization", auth).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"chain_type\":\"ethereum\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    Matcher m = Pattern.compile("\"id\":\"([a-z0-9]+)\"").matcher(created.body());
    if (created.statusCode() != 200 || !m.find()) {
      throw new IllegalStateException("could not create a wallet: HTTP " + created.statusCode());
    }
    HttpRequest rpc = HttpRequest.newBuilder(URI.create(base + "/v1/wallets/" + m.group(1) + "/rpc"))
        .header("Authorization", auth).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"method\":\"personal_sign\",\"params\":"
            + "{\"message\":\"withdraw 1.5 ETH to 0xabc, ref 123456\",\"encoding\":\"utf-8\"}}"))
        .build();
    return Measure.run("full HTTP path (auth, audit commit; " + concurrency + " clients)",
        concurrency, warmup, measure, () -> {
          HttpResponse<Void> r = http.send(rpc, HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode());
          }
        });
  }

  private static void print(List<Measure.Result> results) {
    Measure.Result base = results.get(0); // with --only, the first row selected
    Measure.Result r = results.get(results.size() - 1);
    if (results.size() == 1) {
      System.out.printf("%-58s %8s %9s %9s %9s%n", "layer", "threads", "ops/s", "p50 ms",
          "p99 ms");
    }
    System.out.printf("%-58s %8d %9.0f %9.3f %9.3f   x%.2f%n", r.name(), r.threads(),
        r.opsPerSecond(), r.p50Millis(), r.p99Millis(), r.opsPerSecond() / base.opsPerSecond());
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        System.err.println("usage: bench [--seconds N] [--warmup N] [--threads N]"
            + " [--concurrency N] [--stack-env FILE]");
        System.exit(2);
      }
      m.put(args[i], args[++i]);
    }
    return m;
  }
}
