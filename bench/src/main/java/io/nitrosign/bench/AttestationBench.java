package io.nitrosign.bench;

import com.upokecenter.cbor.CBORObject;
import io.nitrosign.attestation.AttestationDocument;
import io.nitrosign.attestation.AttestationPolicy;
import io.nitrosign.attestation.AttestationVerifier;
import io.nitrosign.attestation.Es384;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Attestation verification on one core: the bare ES384 check of the document's COSE signature
 * (baseline), parse only, and the full verification (parse, COSE signature, chain to the pinned
 * root with every certificate signature and a PKIX second opinion, policy).
 *
 * <pre>
 * java -cp bench/target/bench.jar io.nitrosign.bench.AttestationBench \
 *     --doc ../shared/testdata/attestation/blocky_nitrite_2024-09-07_prod_maxfields.cbor --at 1725719859
 * </pre>
 */
public final class AttestationBench {

  private AttestationBench() {}

  public static void main(String[] args) throws Exception {
    Path doc = null;
    Instant at = Instant.ofEpochSecond(1725719859);
    Duration warmup = Duration.ofSeconds(3);
    Duration measure = Duration.ofSeconds(5);
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--doc" -> doc = Path.of(args[i + 1]);
        case "--at" -> at = Instant.ofEpochSecond(Long.parseLong(args[i + 1]));
        case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(args[i + 1]));
        case "--seconds" -> measure = Duration.ofSeconds(Long.parseLong(args[i + 1]));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (doc == null) {
      for (String p : List.of("../shared/testdata/attestation/blocky_nitrite_2024-09-07_prod_maxfields.cbor",
          "/work/shared/testdata/attestation/blocky_nitrite_2024-09-07_prod_maxfields.cbor")) {
        if (Files.exists(Path.of(p))) {
          doc = Path.of(p);
          break;
        }
      }
      if (doc == null) {
        System.err.println("usage: AttestationBench --doc FILE.cbor [--at EPOCH_SECONDS] [--warmup S] [--seconds S]");
        System.exit(2);
      }
    }
    byte[] bytes = Files.readAllBytes(doc);
    Instant when = at;
    AttestationVerifier verifier = AttestationVerifier.awsNitro();
    AttestationPolicy policy = AttestationPolicy.builder().allowDebug(true).build();
    verifier.verify(bytes, policy, when); // fail fast if the document does not verify

    // the baseline: only the ES384 check of the COSE signature, through the verifier's own core
    AttestationDocument d = AttestationDocument.parseUnverified(bytes);
    CBORObject cose = CBORObject.DecodeFromBytes(bytes);
    CBORObject sigStructure = CBORObject.NewArray();
    sigStructure.Add("Signature1");
    sigStructure.Add(cose.get(0));
    sigStructure.Add(CBORObject.FromObject(new byte[0]));
    sigStructure.Add(cose.get(2));
    byte[] toBeSigned = sigStructure.EncodeToBytes();
    byte[] signature = cose.get(3).GetByteString();
    var leafKey = Es384.requireP384(AttestationVerifier.readCertificate(d.certificate()).getPublicKey());

    System.out.printf("nitrosign attestation benchmark: 1 thread, java %s, document %s (%d bytes), "
        + "warm-up %ds, measured %ds%n", System.getProperty("java.version"), doc.getFileName(),
        bytes.length, warmup.toSeconds(), measure.toSeconds());
    Measure.Result base = Measure.run("bare ES384 check of the COSE signature (baseline)", 1, warmup,
        measure, () -> {
          if (!Es384.verifyRaw(leafKey, toBeSigned, signature)) {
            throw new IllegalStateException("baseline signature did not verify");
          }
        });
    Measure.Result parse = Measure.run("parse only (parseUnverified)", 1, warmup, measure,
        () -> AttestationDocument.parseUnverified(bytes));
    Measure.Result full = Measure.run("full verify (signature, chain, PKIX, policy)", 1, warmup, measure,
        () -> verifier.verify(bytes, policy, when));
    System.out.printf("%-50s %10s %9s %9s %9s%n", "operation", "ops/s", "p50 ms", "p99 ms", "vs base");
    for (Measure.Result r : List.of(base, parse, full)) {
      System.out.printf("%-50s %10.0f %9.3f %9.3f %9.2f%n", r.name(), r.opsPerSecond(), r.p50Millis(),
          r.p99Millis(), r.opsPerSecond() / base.opsPerSecond());
    }
  }
}
