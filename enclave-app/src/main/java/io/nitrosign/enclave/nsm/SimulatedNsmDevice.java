package io.nitrosign.enclave.nsm;

import com.upokecenter.cbor.CBORObject;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LOCAL MODE ONLY: a software stand-in for the Nitro Security Module, for running the enclave on
 * a laptop. It answers the same CBOR requests as the hardware (through {@link NsmCodec}) and
 * issues attestation documents in exactly the AWS format, but they are signed by the devkit's own
 * root CA ({@link SimulatedNsmCa}), not by AWS: <b>they prove nothing about isolation</b>, and a
 * verifier accepts them only when explicitly told to trust that root.
 *
 * <p>Document: an untagged COSE_Sign1 {@code [protected, {}, payload, signature]}; protected is
 * the bstr of {@code {1: -35}} (ES384); the payload map has, in AWS's order, {@code module_id,
 * digest ("SHA384"), timestamp (ms), pcrs (0..15 -> 48 bytes), certificate (leaf DER), cabundle
 * ([root, intermediate] DER), public_key, user_data, nonce} (the last three null when absent); the
 * signature is raw r||s (48+48 bytes) ECDSA P-384/SHA-384 over the Sig_structure
 * {@code ["Signature1", protected, h'', payload]}, by a per-boot leaf key.
 *
 * <p>Chain: root (the devkit's, loaded from disk) -> intermediate (CA, created at boot, 30 days)
 * -> leaf (created at boot, valid 3 hours like AWS's, replaced when less than an hour remains).
 *
 * <p>PCRs: PCR0 is {@link #measurePcr0()}, the SHA-384 of the enclave's own code, so changing the
 * enclave changes its measurement; PCR1 = SHA-384("nitrosign-simulated-kernel"), PCR2 =
 * SHA-384("nitrosign-simulated-application"); every other PCR (including 3, 4 and 8, which on
 * Nitro hold the IAM role, instance id and signing certificate) is 48 zero bytes.
 */
public final class SimulatedNsmDevice extends CborNsmDevice {

  private static final Logger LOG = LoggerFactory.getLogger(SimulatedNsmDevice.class);

  static final int DOCUMENT_PCRS = 16;
  static final int MAX_PCRS = 32;
  static final int PCR_BYTES = 48;
  static final int RANDOM_BYTES = 256;
  static final Duration LEAF_VALIDITY = Duration.ofHours(3);
  static final Duration LEAF_MIN_REMAINING = Duration.ofHours(1);
  static final Duration INTERMEDIATE_VALIDITY = Duration.ofDays(30);
  static final String KERNEL_LABEL = "nitrosign-simulated-kernel";
  static final String APPLICATION_LABEL = "nitrosign-simulated-application";
  /** The COSE protected header {1: -35} (alg: ES384). */
  static final byte[] PROTECTED_HEADER = CBORObject.NewOrderedMap().Add(1, -35).EncodeToBytes();

  private final Clock clock;
  private final SecureRandom random;
  private final SimulatedNsmCa.Authority root;
  private final String moduleId;
  private final byte[][] pcrs;
  private SimulatedNsmCa.Authority intermediate;
  private SimulatedNsmCa.Authority leaf;
  private boolean closed;

  /**
   * @param caDir the directory of the devkit's root CA ({@code root.pem}, {@code root.key})
   * @param localMode must be true: the simulated NSM exists for local mode only
   * @throws IllegalStateException when {@code localMode} is false
   */
  public SimulatedNsmDevice(Path caDir, boolean localMode)
      throws IOException, GeneralSecurityException {
    this(caDir, localMode, Clock.systemUTC());
  }

  SimulatedNsmDevice(Path caDir, boolean localMode, Clock clock)
      throws IOException, GeneralSecurityException {
    if (!localMode) {
      throw new IllegalStateException(
          "the simulated NSM is for local mode only; refusing without localMode=true");
    }
    SimulatedNsmCa.installProvider();
    this.clock = clock;
    this.random = Drbg.create(new OsSeedSource());
    this.root = SimulatedNsmCa.load(caDir);
    byte[] id = new byte[8];
    random.nextBytes(id);
    this.moduleId = "i-simulated-enc" + HexFormat.of().formatHex(id);
    this.pcrs = new byte[MAX_PCRS][];
    for (int i = 0; i < MAX_PCRS; i++) {
      pcrs[i] = simulatedPcr(i);
    }
    rotate(clock.instant());
    LOG.warn("*** SIMULATED NSM: attestation documents are signed by the LOCAL devkit root in {},"
        + " NOT by AWS. They are NOT trustworthy and prove nothing about isolation. Local"
        + " development only. ***", caDir);
    LOG.warn("simulated NSM module {} PCR0 {}", moduleId, HexFormat.of().formatHex(pcrs[0]));
  }

  @Override
  public String kind() {
    return "simulated";
  }

  /** The root certificate verifiers must be told to trust for these documents. */
  public X509Certificate rootCertificate() {
    return root.certificate();
  }

  @Override
  synchronized byte[] exchange(byte[] request) throws NsmException {
    if (closed) {
      throw NsmCodec.error(NsmException.Code.DEVICE_UNAVAILABLE);
    }
    if (request.length > NsmIoctl.REQUEST_MAX_BYTES) {
      throw NsmCodec.error(NsmException.Code.INPUT_TOO_LARGE);
    }
    try {
      return process(NsmCodec.decodeRequest(request));
    } catch (NsmException e) {
      return NsmCodec.encodeErrorResponse(e.code());
    }
  }

  /** The module side: one decoded request to its CBOR response. */
  private byte[] process(NsmCodec.Request request) throws NsmException {
    if (request instanceof NsmCodec.GetRandom) {
      byte[] r = new byte[RANDOM_BYTES];
      random.nextBytes(r);
      try {
        return NsmCodec.encodeGetRandomResponse(r);
      } finally {
        java.util.Arrays.fill(r, (byte) 0);
      }
    }
    if (request instanceof NsmCodec.DescribePcr d) {
      if (d.index() >= MAX_PCRS) {
        throw NsmCodec.error(NsmException.Code.INVALID_INDEX);
      }
      return NsmCodec.encodeDescribePcrResponse(
          new Pcr(d.index() < DOCUMENT_PCRS, pcrs[d.index()].clone()));
    }
    if (request instanceof NsmCodec.DescribeNsm) {
      return NsmCodec.encodeDescribeNsmResponse(description());
    }
    NsmCodec.Attestation a = (NsmCodec.Attestation) request;
    for (byte[] field : new byte[][] {a.userData(), a.nonce(), a.publicKey()}) {
      if (field != null && field.length > MAX_FIELD_BYTES) {
        throw NsmCodec.error(NsmException.Code.INPUT_TOO_LARGE);
      }
    }
    try {
      return NsmCodec.encodeAttestationResponse(document(a));
    } catch (GeneralSecurityException e) {
      LOG.error("simulated NSM could not sign a document: {}", e.getClass().getName());
      throw NsmCodec.error(NsmException.Code.INTERNAL_ERROR);
    }
  }

  private Description description() {
    return new Description(1, 0, 0, moduleId, MAX_PCRS,
        IntStream.range(0, DOCUMENT_PCRS).boxed().collect(Collectors.toUnmodifiableList()),
        "SHA384");
  }

  private byte[] document(NsmCodec.Attestation a) throws GeneralSecurityException {
    Instant now = clock.instant();
    if (now.plus(LEAF_MIN_REMAINING).isAfter(leaf.certificate().getNotAfter().toInstant())) {
      rotate(now);
    }
    CBORObject pcrMap = CBORObject.NewOrderedMap();
    for (int i = 0; i < DOCUMENT_PCRS; i++) {
      pcrMap.Add(i, pcrs[i].clone());
    }
    CBORObject cabundle = CBORObject.NewArray()
        .Add(root.certificate().getEncoded())
        .Add(intermediate.certificate().getEncoded());
    CBORObject payload = CBORObject.NewOrderedMap()
        .Add("module_id", moduleId)
        .Add("digest", "SHA384")
        .Add("timestamp", now.toEpochMilli())
        .Add("pcrs", pcrMap)
        .Add("certificate", leaf.certificate().getEncoded())
        .Add("cabundle", cabundle)
        .Add("public_key", orNull(a.publicKey()))
        .Add("user_data", orNull(a.userData()))
        .Add("nonce", orNull(a.nonce()));
    byte[] payloadBytes = payload.EncodeToBytes();
    byte[] toSign = sigStructure(PROTECTED_HEADER, payloadBytes);
    Signature s = Signature.getInstance(SimulatedNsmCa.SIGNATURE_ALGORITHM,
        SimulatedNsmCa.PROVIDER);
    s.initSign(leaf.key(), random);
    s.update(toSign);
    byte[] signature = derToRaw(s.sign(), PCR_BYTES);
    return CBORObject.NewArray()
        .Add(PROTECTED_HEADER.clone())
        .Add(CBORObject.NewOrderedMap())
        .Add(payloadBytes)
        .Add(signature)
        .EncodeToBytes();
  }

  private static CBORObject orNull(byte[] b) {
    return b == null ? CBORObject.Null : CBORObject.FromObject(b.clone());
  }

  /** COSE (RFC 9052 section 4.4) Sig_structure for COSE_Sign1 with empty external_aad. */
  static byte[] sigStructure(byte[] protectedHeader, byte[] payload) {
    return CBORObject.NewArray()
        .Add("Signature1")
        .Add(protectedHeader)
        .Add(new byte[0])
        .Add(payload)
        .EncodeToBytes();
  }

  /** An ASN.1 {@code SEQUENCE {r INTEGER, s INTEGER}} to fixed-width big-endian r||s. */
  static byte[] derToRaw(byte[] der, int width) throws GeneralSecurityException {
    ASN1Sequence seq = ASN1Sequence.getInstance(der);
    if (seq.size() != 2) {
      throw new GeneralSecurityException("bad ECDSA signature encoding");
    }
    byte[] out = new byte[2 * width];
    BigInteger[] rs = {ASN1Integer.getInstance(seq.getObjectAt(0)).getValue(),
        ASN1Integer.getInstance(seq.getObjectAt(1)).getValue()};
    for (int i = 0; i < 2; i++) {
      byte[] v = rs[i].toByteArray();
      int start = v.length > width ? v.length - width : 0;
      if (rs[i].signum() < 0 || v.length - start > width || (start > 0 && v[0] != 0)) {
        throw new GeneralSecurityException("bad ECDSA signature value");
      }
      System.arraycopy(v, start, out, (i + 1) * width - (v.length - start), v.length - start);
    }
    return out;
  }

  /** New intermediate when needed, and always a new leaf. */
  private void rotate(Instant now) throws GeneralSecurityException {
    Instant rootEnd = root.certificate().getNotAfter().toInstant();
    if (intermediate == null || now.plus(LEAF_VALIDITY)
        .isAfter(intermediate.certificate().getNotAfter().toInstant())) {
      KeyPair k = SimulatedNsmCa.newP384(random);
      Instant end = min(now.plus(INTERMEDIATE_VALIDITY), rootEnd);
      X509Certificate c = SimulatedNsmCa.issue(
          new X500Name("CN=i-simulated.local.nitro-enclaves (SIMULATED),O=nitrosign devkit"),
          k.getPublic(), X500Name.getInstance(
              root.certificate().getSubjectX500Principal().getEncoded()),
          root.key(), root.certificate(), now.minus(Duration.ofMinutes(5)), end, true, random);
      intermediate = new SimulatedNsmCa.Authority(c, k.getPrivate());
    }
    KeyPair k = SimulatedNsmCa.newP384(random);
    Instant end = min(now.plus(LEAF_VALIDITY),
        intermediate.certificate().getNotAfter().toInstant());
    X509Certificate c = SimulatedNsmCa.issue(
        new X500Name("CN=" + moduleId + ".local.simulated,O=nitrosign devkit"), k.getPublic(),
        X500Name.getInstance(intermediate.certificate().getSubjectX500Principal().getEncoded()),
        intermediate.key(), intermediate.certificate(), now.minus(Duration.ofSeconds(3)), end,
        false, random);
    leaf = new SimulatedNsmCa.Authority(c, k.getPrivate());
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  @Override
  public synchronized void close() {
    closed = true;
    leaf = null;
    intermediate = null;
  }

  // --- PCR0 -----------------------------------------------------------------------------------

  /**
   * The simulated PCR0: SHA-384 over the enclave's own code. When running from a jar: the jar,
   * then every {@code lib/*.jar} beside it in name order. When running from a classes directory
   * (tests): every regular file under it in order of its '/'-separated relative path. Each file
   * contributes {@code u32 name length || name (UTF-8) || u64 content length || content}, where
   * name is the jar's file name, {@code lib/<name>}, or the relative path.
   */
  /**
   * The simulated device's PCR {@code index}: PCR0 measures the enclave's code, PCR1 and PCR2 are
   * fixed labels, every other PCR is zero.
   */
  public static byte[] simulatedPcr(int index) {
    return switch (index) {
      case 0 -> measurePcr0();
      case 1 -> sha384(KERNEL_LABEL.getBytes(StandardCharsets.US_ASCII));
      case 2 -> sha384(APPLICATION_LABEL.getBytes(StandardCharsets.US_ASCII));
      default -> new byte[PCR_BYTES];
    };
  }

  public static byte[] measurePcr0() {
    try {
      Path code = Path.of(SimulatedNsmDevice.class.getProtectionDomain().getCodeSource()
          .getLocation().toURI());
      MessageDigest md = sha384();
      if (Files.isDirectory(code)) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(code)) {
          files = walk.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        List<String> names = new ArrayList<>();
        for (Path f : files) {
          names.add(code.relativize(f).toString().replace(java.io.File.separatorChar, '/'));
        }
        names.sort(null);
        for (String n : names) {
          measureFile(md, n, code.resolve(n));
        }
      } else {
        measureFile(md, code.getFileName().toString(), code);
        Path lib = code.resolveSibling("lib");
        if (Files.isDirectory(lib)) {
          List<Path> jars;
          try (Stream<Path> list = Files.list(lib)) {
            jars = list.filter(p -> p.getFileName().toString().endsWith(".jar"))
                .sorted((x, y) -> x.getFileName().toString().compareTo(y.getFileName().toString()))
                .collect(Collectors.toList());
          }
          for (Path j : jars) {
            measureFile(md, "lib/" + j.getFileName(), j);
          }
        }
      }
      return md.digest();
    } catch (IOException | URISyntaxException | RuntimeException e) {
      throw new IllegalStateException("cannot measure the enclave code for PCR0", e);
    }
  }

  private static void measureFile(MessageDigest md, String name, Path file) throws IOException {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    md.update(ByteBuffer.allocate(4).putInt(n.length).array());
    md.update(n);
    md.update(ByteBuffer.allocate(8).putLong(Files.size(file)).array());
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      int r;
      while ((r = in.read(buf)) > 0) {
        md.update(buf, 0, r);
      }
    }
  }

  private static MessageDigest sha384() {
    SimulatedNsmCa.installProvider();
    try {
      return MessageDigest.getInstance("SHA-384", SimulatedNsmCa.PROVIDER);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-384 unavailable", e);
    }
  }

  static byte[] sha384(byte[] data) {
    return sha384().digest(data);
  }
}
