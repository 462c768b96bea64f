package io.nitrosign.bench;

import com.google.protobuf.ByteString;
import io.nitrosign.chains.bitcoin.Hashes;
import io.nitrosign.chains.bitcoin.Psbt;
import io.nitrosign.chains.bitcoin.Secp256k1Points;
import io.nitrosign.chains.bitcoin.Transaction;
import io.nitrosign.chains.ethereum.EthTransaction;
import io.nitrosign.enclave.crypto.BcFipsSetup;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.sealing.KmsSealingKeyProvider;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.enclave.service.EnclaveService;
import io.nitrosign.enclave.service.EnclaveStateMachine;
import io.nitrosign.proto.v1.BitcoinPsbt;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.EthereumTransaction;
import io.nitrosign.proto.v1.EthereumTypedData;
import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SolanaTransaction;
import io.nitrosign.proto.v1.WalletKey;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.security.Security;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.jcajce.provider.BouncyCastleFipsProvider;

/**
 * What decoding the transaction inside the enclave costs: the enclave service in process signing
 * each chain's payload, beside the raw 32-byte digest (secp256k1) and raw bytes (Ed25519) of the
 * same wallets as baselines. Every row includes unsealing both shares, rebuilding and checking the
 * key, and wiping; the difference to its baseline is the decoder and digest work.
 *
 * <p>Usage: {@code java -cp bench/target/bench.jar io.nitrosign.bench.ChainSignBench [--seconds N]
 * [--warmup N] [--threads N]}
 */
public final class ChainSignBench {

  private ChainSignBench() {}

  public static void main(String[] args) throws Exception {
    BcFipsSetup.preferJavaImplementation();
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opt.put(args[i], args[i + 1]);
    }
    Duration measure = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("--seconds", "5")));
    Duration warmup = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("--warmup", "3")));
    int threads = Integer.parseInt(opt.getOrDefault("--threads",
        Integer.toString(Runtime.getRuntime().availableProcessors())));
    System.out.printf("nitrosign chain payload benchmark: %d threads, java %s, %d s warm-up,"
        + " %d s measured%n%n", threads, System.getProperty("java.version"), warmup.toSeconds(),
        measure.toSeconds());
    Security.addProvider(new BouncyCastleFipsProvider());
    SecureRandom random = Drbg.create(new OsSeedSource());

    EnclaveStateMachine sm = new EnclaveStateMachine();
    try (EnclaveService service = new EnclaveService(
        EnclaveService.Options.of(sm, random, "bench"))) {
      sm.transitionTo(EnclaveState.SEALED);
      KmsSealingKeyProvider keys = new KmsSealingKeyProvider();
      keys.install(1, SecretBytes.random(random, KmsSealingKeyProvider.KEY_BYTES),
          SecretBytes.random(random, KmsSealingKeyProvider.KEY_BYTES));
      keys.makeCurrent(1);
      service.unseal(keys);
      WalletKey secp = generate(service, Curve.SECP256K1);
      WalletKey ed = generate(service, Curve.ED25519);

      List<Row> rows = new ArrayList<>();
      byte[] digest = new byte[32];
      random.nextBytes(digest);
      rows.add(new Row("secp256k1 raw digest (baseline)", true,
          SignRequest.newBuilder().setKey(secp).setDigest(ByteString.copyFrom(digest))));
      rows.add(new Row("eth_signTransaction EIP-1559 (transfer)", false,
          SignRequest.newBuilder().setKey(secp).setEthereumTransaction(EthereumTransaction
              .newBuilder().setUnsignedTransaction(ByteString.copyFrom(eip1559()))
              .setExpectedChainId(1))));
      rows.add(new Row("eth_signTypedData_v4 (EIP-712 Mail)", false,
          SignRequest.newBuilder().setKey(secp).setEthereumTypedData(EthereumTypedData
              .newBuilder().setJson(ByteString.copyFromUtf8(MAIL)))));
      rows.add(new Row("signPsbt P2WPKH, 1 input", false,
          SignRequest.newBuilder().setKey(secp).setBitcoinPsbt(BitcoinPsbt.newBuilder()
              .setPsbt(ByteString.copyFrom(p2wpkhPsbt(secp.getPublicKey().toByteArray()))))));
      byte[] raw = new byte[32];
      random.nextBytes(raw);
      rows.add(new Row("Ed25519 raw 32 bytes (baseline)", true,
          SignRequest.newBuilder().setKey(ed).setRawMessage(ByteString.copyFrom(raw))));
      rows.add(new Row("Solana signTransaction (system transfer)", false,
          SignRequest.newBuilder().setKey(ed).setSolanaTransaction(SolanaTransaction.newBuilder()
              .setMessage(ByteString.copyFrom(solanaTransfer(ed.getPublicKey().toByteArray()))))));

      System.out.printf("%-44s %9s %9s %9s  %s%n", "payload", "ops/s", "p50 ms", "p99 ms",
          "vs baseline");
      Measure.Result baseline = null;
      for (Row row : rows) {
        EnclaveRequest request = EnclaveRequest.newBuilder().setRequestId(1).setSign(row.request)
            .build();
        EnclaveResponse probe = service.handle(request).join();
        if (!probe.hasSign()) {
          System.out.printf("%-44s refused: %s %s%n", row.name, probe.getError().getCode(),
              probe.getError().getDetail());
          continue;
        }
        Measure.Result r = Measure.run(row.name, threads, warmup, measure, () -> {
          EnclaveResponse x = service.handle(request).join();
          if (!x.hasSign()) {
            throw new IllegalStateException(x.getError().getCode().name());
          }
        });
        if (row.baseline) {
          baseline = r;
        }
        System.out.printf("%-44s %9.0f %9.3f %9.3f  x%.2f%n", r.name(), r.opsPerSecond(),
            r.p50Millis(), r.p99Millis(), r.opsPerSecond() / baseline.opsPerSecond());
      }
    }
  }

  private record Row(String name, boolean baseline, SignRequest.Builder request) {}

  private static WalletKey generate(EnclaveService service, Curve curve) {
    EnclaveResponse r = service.handle(EnclaveRequest.newBuilder().setRequestId(1)
        .setGenerateKey(GenerateKeyRequest.newBuilder().setWalletId("bench-" + curve.getNumber())
            .setCurve(curve)).build()).join();
    return r.getGenerateKey().getKey();
  }

  /** An EIP-1559 ETH transfer on mainnet (unsigned envelope). */
  private static byte[] eip1559() {
    Map<String, Object> tx = new LinkedHashMap<>();
    tx.put("type", "0x2");
    tx.put("chainId", "0x1");
    tx.put("nonce", "0x2a");
    tx.put("maxPriorityFeePerGas", "0x3b9aca00");
    tx.put("maxFeePerGas", "0x6fc23ac00");
    tx.put("gas", "0x5208");
    tx.put("to", "0x3535353535353535353535353535353535353535");
    tx.put("value", "0xde0b6b3a7640000");
    tx.put("data", "0x");
    return EthTransaction.fromJson(tx, false).signingPayload();
  }

  /** EIP-712's own example (the Mail message). */
  private static final String MAIL = "{\"types\":{\"EIP712Domain\":[{\"name\":\"name\",\"type\":"
      + "\"string\"},{\"name\":\"version\",\"type\":\"string\"},{\"name\":\"chainId\",\"type\":"
      + "\"uint256\"},{\"name\":\"verifyingContract\",\"type\":\"address\"}],\"Person\":[{\"name\":"
      + "\"name\",\"type\":\"string\"},{\"name\":\"wallet\",\"type\":\"address\"}],\"Mail\":[{"
      + "\"name\":\"from\",\"type\":\"Person\"},{\"name\":\"to\",\"type\":\"Person\"},{\"name\":"
      + "\"contents\",\"type\":\"string\"}]},\"primaryType\":\"Mail\",\"domain\":{\"name\":"
      + "\"Ether Mail\",\"version\":\"1\",\"chainId\":1,\"verifyingContract\":"
      + "\"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC\"},\"message\":{\"from\":{\"name\":\"Cow\","
      + "\"wallet\":\"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826\"},\"to\":{\"name\":\"Bob\","
      + "\"wallet\":\"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB\"},\"contents\":\"Hello, Bob!\"}}";

  /**
   * A PSBT spending one P2WPKH output of the wallet (non_witness_utxo and witness_utxo, as the
   * signer requires for segwit v0) to one P2WPKH output.
   */
  private static byte[] p2wpkhPsbt(byte[] uncompressed) {
    byte[] spk = new byte[22];
    spk[1] = 0x14;
    System.arraycopy(Hashes.hash160(Secp256k1Points.compress(uncompressed)), 0, spk, 2, 20);
    Transaction previous = new Transaction(2,
        List.of(new Transaction.Input(new byte[32], 0, new byte[0], 0xffffffffL, List.of())),
        List.of(new Transaction.Output(100_000, spk)), 0);
    Transaction tx = new Transaction(2,
        List.of(new Transaction.Input(previous.txid(), 0, new byte[0], 0xfffffffdL, List.of())),
        List.of(new Transaction.Output(90_000, spk)), 0);
    return Psbt.create(tx, List.of(List.of(Psbt.nonWitnessUtxoEntry(previous),
        Psbt.witnessUtxoEntry(100_000, spk)))).serialize();
  }

  /** A legacy Solana message: the wallet (fee payer) transfers 1 SOL with the System program. */
  private static byte[] solanaTransfer(byte[] wallet) {
    ByteArrayOutputStream m = new ByteArrayOutputStream();
    m.write(1);
    m.write(0);
    m.write(1);
    m.write(3);
    m.writeBytes(wallet);
    byte[] recipient = new byte[32];
    recipient[0] = 7;
    m.writeBytes(recipient);
    m.writeBytes(new byte[32]); // System program: 11111111111111111111111111111111
    byte[] blockhash = new byte[32];
    blockhash[31] = 1;
    m.writeBytes(blockhash);
    m.write(1);
    m.write(2); // program index
    m.write(2);
    m.write(0);
    m.write(1);
    ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    data.putInt(2).putLong(1_000_000_000L);
    m.write(12);
    m.writeBytes(data.array());
    return m.toByteArray();
  }
}
