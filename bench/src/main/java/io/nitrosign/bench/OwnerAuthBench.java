package io.nitrosign.bench;

import com.google.protobuf.ByteString;
import io.nitrosign.authz.P256Key;
import io.nitrosign.authz.PrivyRequest;
import io.nitrosign.authz.RequestCheck;
import io.nitrosign.authz.RequestSigner;
import io.nitrosign.authz.RpcPayloads;
import io.nitrosign.authz.SignatureHeader;
import io.nitrosign.enclave.authority.RequestAuthorizer;
import io.nitrosign.enclave.crypto.BcFipsSetup;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.sealing.KmsSealingKeyProvider;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.enclave.service.EnclaveService;
import io.nitrosign.enclave.service.EnclaveStateMachine;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.PersonalMessage;
import io.nitrosign.proto.v1.RequestAuthorization;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.WalletAuthority;
import io.nitrosign.proto.v1.WalletKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.Security;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.bouncycastle.jcajce.provider.BouncyCastleFipsProvider;

/**
 * What owner authorization costs in the enclave (issue item 9): {@code personal_sign} through the
 * enclave service in process for an app-owned wallet (the baseline) and for a wallet owned by one
 * P-256 authorization key, whose every request carries the owner's Privy authorization signature
 * (ECDSA P-256 over RFC 8785 JSON of the request) that the enclave verifies, derives the payload
 * from and records in its replay cache.
 *
 * <p>Every request is used once (a unique message, so the replay cache accepts each owned request),
 * and all requests of a round, owned ones signed by the client, are built <b>before</b> the round
 * starts: client-side P-256 signing is outside the timed region. Rounds alternate app-owned and
 * owned, each a fixed number of requests on {@code --threads} threads, so both kinds see the same
 * machine noise; the ratio is taken over the sums of all measured rounds. A single-thread
 * breakdown of the verification steps follows (inputs reused, no replay cache).
 *
 * <p>Usage: {@code java -cp bench/target/bench.jar io.nitrosign.bench.OwnerAuthBench
 * [--rounds N] [--ops N] [--threads N] [--breakdown-seconds N]}
 */
public final class OwnerAuthBench {

  private static final String APP = "app-bench";
  private static final String BASE_URL = "https://signer.bench";

  private OwnerAuthBench() {}

  public static void main(String[] args) throws Exception {
    BcFipsSetup.preferJavaImplementation();
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opt.put(args[i], args[i + 1]);
    }
    int rounds = Integer.parseInt(opt.getOrDefault("--rounds", "5"));
    int ops = Integer.parseInt(opt.getOrDefault("--ops", "20000"));
    int threads = Integer.parseInt(opt.getOrDefault("--threads",
        Integer.toString(Runtime.getRuntime().availableProcessors())));
    int breakdownSeconds = Integer.parseInt(opt.getOrDefault("--breakdown-seconds", "3"));
    System.out.printf("nitrosign owner authorization benchmark: %d threads, java %s, bc-fips"
            + " variant %s; 1 warm-up round + %d measured rounds of %d requests per kind%n%n",
        threads, System.getProperty("java.version"),
        System.getProperty("org.bouncycastle.native.cpu_variant"), rounds, ops);
    Security.addProvider(new BouncyCastleFipsProvider());
    SecureRandom random = Drbg.create(new OsSeedSource());

    RequestSigner.KeyPairText pair = RequestSigner.generate();
    RequestSigner owner = RequestSigner.fromPkcs8Base64(pair.privateKey());
    ByteString ownerSpki = ByteString.copyFrom(Base64.getDecoder().decode(pair.publicKey()));
    KeyQuorum ownerQuorum = KeyQuorum.newBuilder().setId("").setThreshold(1)
        .addPublicKeys(ownerSpki).build();

    EnclaveStateMachine sm = new EnclaveStateMachine();
    try (EnclaveService service = new EnclaveService(EnclaveService.Options.of(sm, random, "bench")
        .withAuthorization(RequestAuthorizer.Settings.defaults().withPublicBaseUrl(BASE_URL)))) {
      sm.transitionTo(EnclaveState.SEALED);
      KmsSealingKeyProvider keys = new KmsSealingKeyProvider();
      keys.install(1, SecretBytes.random(random, KmsSealingKeyProvider.KEY_BYTES),
          SecretBytes.random(random, KmsSealingKeyProvider.KEY_BYTES));
      keys.makeCurrent(1);
      service.unseal(keys);
      WalletKey appOwned = generate(service, "bench-app-owned", WalletAuthority.newBuilder()
          .setVersion(1).setAppId(APP).setChainType("ethereum").build());
      WalletKey owned = generate(service, "bench-owned", WalletAuthority.newBuilder()
          .setVersion(1).setAppId(APP).setChainType("ethereum").setOwner(ownerQuorum).build());

      AtomicInteger serial = new AtomicInteger();
      Measure.compareInterleaved("app-owned", "owned", rounds, threads, ops, (isOwned, n) -> {
        EnclaveRequest[] batch = isOwned
            ? prepare(n, serial, owned, owner, threads)
            : prepare(n, serial, appOwned, null, threads);
        return i -> {
          EnclaveResponse x = service.handle(batch[i]).join();
          if (!x.hasSign()) {
            throw new IllegalStateException(x.getError().getCode() + ": "
                + x.getError().getDetail());
          }
        };
      });
    }

    if (breakdownSeconds > 0) {
      breakdown(owner, ownerSpki, ownerQuorum, Duration.ofSeconds(breakdownSeconds));
    }
  }

  /**
   * {@code n} single-use personal_sign requests for {@code wallet}, each with a unique message;
   * signed by {@code owner} (in {@code threads} threads, untimed) when it is not null.
   */
  private static EnclaveRequest[] prepare(int n, AtomicInteger serial, WalletKey wallet,
      RequestSigner owner, int threads) {
    int first = serial.getAndAdd(n);
    String path = "/v1/wallets/" + wallet.getWalletId() + "/rpc";
    String expiry = Long.toString(System.currentTimeMillis() + 600_000);
    EnclaveRequest[] out = new EnclaveRequest[n];
    IntStream.range(0, n).parallel().forEach(i -> {
      String message = String.format("withdraw 1.5 ETH to 0xabc, ref %010d", first + i);
      SignRequest.Builder sign = SignRequest.newBuilder().setKey(wallet).setPersonalMessage(
          PersonalMessage.newBuilder().setMessage(ByteString.copyFromUtf8(message)));
      if (owner != null) {
        sign.setAuthorization(authorization(owner, path, body(message), expiry));
      }
      out[i] = EnclaveRequest.newBuilder().setRequestId(first + i).setSign(sign).build();
    });
    return out;
  }

  private static String body(String message) {
    return "{\"method\":\"personal_sign\",\"chain_type\":\"ethereum\",\"params\":{\"message\":\""
        + message + "\",\"encoding\":\"utf-8\"}}";
  }

  /** What the parent forwards for a request the client signed (as the SDK signs it). */
  private static RequestAuthorization authorization(RequestSigner owner, String path, String body,
      String expiry) {
    String url = BASE_URL + path;
    return RequestAuthorization.newBuilder().setMethod("POST").setUrl(url)
        .setBody(ByteString.copyFrom(body, StandardCharsets.UTF_8)).setAppId(APP)
        .setRequestExpiry(expiry)
        .setSignatures(owner.signRequest("POST", url, body, APP, null, expiry)).build();
  }

  private static WalletKey generate(EnclaveService service, String walletId,
      WalletAuthority authority) {
    EnclaveResponse r = service.handle(EnclaveRequest.newBuilder().setRequestId(1)
        .setGenerateKey(GenerateKeyRequest.newBuilder().setWalletId(walletId)
            .setCurve(Curve.SECP256K1).setOwner(authority.toByteString())).build()).join();
    if (!r.hasGenerateKey()) {
      throw new IllegalStateException(r.getError().getCode() + ": " + r.getError().getDetail());
    }
    return r.getGenerateKey().getKey();
  }

  /** Each step of the owned wallet's extra work, one thread, the same input over and over. */
  private static void breakdown(RequestSigner owner, ByteString ownerSpki, KeyQuorum quorum,
      Duration seconds) throws Exception {
    String path = "/v1/wallets/bench-owned/rpc";
    String message = "withdraw 1.5 ETH to 0xabc, ref 0000000001";
    String body = body(message);
    String expiry = Long.toString(System.currentTimeMillis() + 600_000);
    RequestAuthorization auth = authorization(owner, path, body, expiry);
    byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
    Map<String, Object> parsed = PrivyRequest.parseObjectBody(bodyBytes);
    byte[] payload = PrivyRequest.signedPayload("POST", auth.getUrl(), parsed, APP, null, expiry);
    byte[] signature = SignatureHeader.parse(auth.getSignatures()).get(0);
    P256Key key = P256Key.cached(ownerSpki.toByteArray());
    RequestCheck.Bounds bounds = RequestCheck.Bounds.defaults(BASE_URL);
    SignRequest request = SignRequest.newBuilder().setPersonalMessage(PersonalMessage.newBuilder()
        .setMessage(ByteString.copyFromUtf8(message))).setAuthorization(auth).build();
    Duration warm = Duration.ofSeconds(1);

    System.out.printf("breakdown, 1 thread (%d s each; inputs reused):%n", seconds.toSeconds());
    System.out.printf("%-58s %10s %9s%n", "step", "ops/s", "us/op");
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {"RequestCheck.check (everything below but derive)", (Measure.Op) () -> {
      if (!RequestCheck.check(auth, "POST", path, APP, List.of(quorum), bounds,
          System.currentTimeMillis()).ok()) {
        throw new IllegalStateException("refused");
      }
    }});
    rows.add(new Object[] {"  P256Key.verify (cached key)", (Measure.Op) () -> {
      if (!key.verify(payload, signature)) {
        throw new IllegalStateException("bad signature");
      }
    }});
    rows.add(new Object[] {"  P256Key.cached lookup (SPKI copy, map)",
        (Measure.Op) () -> P256Key.cached(ownerSpki.toByteArray())});
    rows.add(new Object[] {"  strict JSON parse of the body",
        (Measure.Op) () -> PrivyRequest.parseObjectBody(bodyBytes)});
    rows.add(new Object[] {"  RFC 8785 signed payload", (Measure.Op) () ->
        PrivyRequest.signedPayload("POST", auth.getUrl(), parsed, APP, null, expiry)});
    rows.add(new Object[] {"RpcPayloads.derive + payloadOnly equals", (Measure.Op) () -> {
      if (!RpcPayloads.derive(parsed, "ethereum").equals(RpcPayloads.payloadOnly(request))) {
        throw new IllegalStateException("mismatch");
      }
    }});
    rows.add(new Object[] {"(client) RequestSigner.signRequest, JDK SunEC", (Measure.Op) () ->
        owner.signRequest("POST", auth.getUrl(), body, APP, null, expiry)});
    for (Object[] row : rows) {
      Measure.Result r = Measure.run((String) row[0], 1, warm, seconds, (Measure.Op) row[1]);
      System.out.printf("%-58s %10.0f %9.1f%n", r.name(), r.opsPerSecond(),
          1e6 / r.opsPerSecond());
    }
  }
}
