package io.nitrosign.attestation.cli;

import io.nitrosign.chains.AttestationPurpose;

import io.nitrosign.attestation.AttestationDocument;
import io.nitrosign.attestation.AttestationException;
import io.nitrosign.attestation.AttestationPolicy;
import io.nitrosign.attestation.AttestationVerifier;
import io.nitrosign.attestation.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * {@code attestation verify|show}. Exit codes: 0 valid (or shown), 1 invalid, 2 usage error
 * (unknown option, unreadable file, bad argument).
 */
public final class AttestationCli {

  public static final String USAGE = String.join("\n",
      "usage: attestation verify --doc FILE (--pcrs PCRS.json | --any-pcrs) [--at EPOCH_SECONDS]",
      "                          [--root ROOT.pem] [--nonce HEX] [--purpose NAME] [--user-data HEX]",
      "                          [--public-key HEX] [--max-age SECONDS] [--allow-debug] [--json]",
      "       attestation show --doc FILE",
      "",
      "  verify   check the COSE_Sign1 ES384 signature, the certificate chain to the pinned AWS Nitro",
      "           root G1 (or --root) at --at (default: now), then the policy: PCRs (nitro-cli JSON,",
      "           or an array of such objects for upgrades), debug mode (refused unless --allow-debug),",
      "           nonce, user_data, public_key, maximum age. Exit 0 valid, 1 invalid, 2 usage error.",
      "           --pcrs is required and every set in it must include PCR0 (the image measurement);",
      "           --any-pcrs instead skips the image check: the output then says the image was NOT",
      "           checked (it only proves that SOME Nitro enclave made the document).",
      "           --purpose fresh-signature|response-key|import-key|kms-recipient|client-request:",
      "           user_data must start with that purpose's tag (nitrosign/<purpose>/v1 and a 0x00",
      "           byte); --user-data is then the content after the tag, compared exactly.",
      "  show     print every field WITHOUT verifying anything (labelled UNVERIFIED).",
      "",
      "  FILE may hold the raw CBOR document, its base64 or its hex (detected automatically).");

  /** Printed (stdout in text mode, always stderr) when --any-pcrs skipped the image check. */
  static final String IMAGE_NOT_CHECKED = "WARNING: PCRs NOT CHECKED (--any-pcrs): the enclave IMAGE"
      + " WAS NOT VERIFIED. This document proves only that SOME Nitro enclave made it, possibly one"
      + " running any code at all; verify with --pcrs before trusting it as the appliance.";

  private AttestationCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  private static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    Deque<String> a = new ArrayDeque<>(List.of(args));
    if (a.isEmpty()) {
      err.println(USAGE);
      return 2;
    }
    String verb = a.poll();
    try {
      switch (verb) {
        case "-h", "--help", "help" -> {
          out.println(USAGE);
          return 0;
        }
        case "verify" -> {
          return verify(a, out, err);
        }
        case "show" -> {
          return show(a, out);
        }
        default -> throw new UsageException("unknown command: " + verb);
      }
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
  }

  private static int verify(Deque<String> a, PrintStream out, PrintStream err)
      throws UsageException {
    Path doc = null;
    Instant at = null;
    AttestationPolicy.Builder policy = AttestationPolicy.builder();
    AttestationVerifier verifier = null;
    boolean json = false;
    AttestationPurpose purpose = null;
    byte[] userData = null;
    boolean pcrsGiven = false;
    boolean anyPcrs = false;
    while (!a.isEmpty()) {
      String opt = a.poll();
      switch (opt) {
        case "--allow-debug" -> policy.allowDebug(true);
        case "--json" -> json = true;
        case "--any-pcrs" -> anyPcrs = true;
        case "--doc" -> doc = Path.of(value(a, opt));
        case "--at" -> at = epochSeconds(value(a, opt));
        case "--pcrs" -> {
          String text = readText(Path.of(value(a, opt)), "--pcrs");
          try {
            policy.allowedPcrSets(AttestationPolicy.pcrSetsFromJson(text));
          } catch (IllegalArgumentException e) {
            throw new UsageException("--pcrs: " + e.getMessage());
          }
          pcrsGiven = true;
        }
        case "--root" -> verifier = root(Path.of(value(a, opt)));
        case "--nonce" -> policy.expectNonce(hex(value(a, opt), opt));
        case "--user-data" -> userData = hex(value(a, opt), opt);
        case "--purpose" -> {
          String name = value(a, opt);
          purpose = AttestationPurpose.named(name).orElseThrow(() -> new UsageException(
              "--purpose: unknown purpose " + name + " (fresh-signature, response-key, import-key,"
                  + " kms-recipient, client-request)"));
        }
        case "--public-key" -> policy.expectPublicKey(hex(value(a, opt), opt));
        case "--max-age" -> policy.maxAge(java.time.Duration.ofSeconds(nonNegative(value(a, opt), opt)));
        default -> throw new UsageException("unknown option " + opt);
      }
    }
    if (doc == null) {
      throw new UsageException("verify needs --doc FILE");
    }
    if (pcrsGiven && anyPcrs) {
      throw new UsageException("--pcrs and --any-pcrs contradict each other: give one");
    }
    if (!pcrsGiven && !anyPcrs) {
      throw new UsageException("verify needs --pcrs FILE (the expected PCRs of the enclave image,"
          + " including PCR0) or, to skip the image check explicitly, --any-pcrs");
    }
    if (purpose == null) {
      policy.expectUserData(userData);
    } else if (userData == null) {
      policy.expectPurpose(purpose);
    } else {
      if (userData.length > purpose.maxContentBytes()) {
        throw new UsageException("--user-data: longer than " + purpose.maxContentBytes()
            + " bytes, the most that fits after the " + purpose.label() + " tag");
      }
      policy.expectPurpose(purpose, userData);
    }
    byte[] bytes = decodeInput(readBytes(doc, "--doc"));
    if (at == null) {
      at = Instant.now();
    }
    if (verifier == null) {
      verifier = AttestationVerifier.awsNitro();
    }
    AttestationDocument parsed = null;
    try {
      parsed = AttestationDocument.parseUnverified(bytes);
    } catch (AttestationException ignored) {
      // verify reports the same failure below
    }
    try {
      AttestationDocument d = verifier.verify(bytes, policy.build(), at).document();
      if (anyPcrs) {
        err.println(IMAGE_NOT_CHECKED);
      }
      if (json) {
        out.println(json(true, null, null, d, !anyPcrs));
      } else {
        out.println("VALID attestation document (verified at " + at + ", root sha256 "
            + verifier.rootSha256() + ")" + (anyPcrs ? " -- ENCLAVE IMAGE NOT CHECKED (--any-pcrs)" : ""));
        if (anyPcrs) {
          out.println(IMAGE_NOT_CHECKED);
        }
        printFields(d, out, "");
      }
      return 0;
    } catch (AttestationException e) {
      if (json) {
        out.println(json(false, e.reason(), e.getMessage(), parsed, !anyPcrs));
      } else {
        out.println("INVALID: " + e.getMessage());
      }
      return 1;
    }
  }

  private static int show(Deque<String> a, PrintStream out) throws UsageException {
    Path doc = null;
    while (!a.isEmpty()) {
      String opt = a.poll();
      if (opt.equals("--doc")) {
        doc = Path.of(value(a, opt));
      } else {
        throw new UsageException("unknown option " + opt);
      }
    }
    if (doc == null) {
      throw new UsageException("show needs --doc FILE");
    }
    byte[] bytes = decodeInput(readBytes(doc, "--doc"));
    AttestationDocument d;
    try {
      d = AttestationDocument.parseUnverified(bytes);
    } catch (AttestationException e) {
      out.println("cannot parse: " + e.getMessage());
      return 1;
    }
    out.println("UNVERIFIED attestation document: nothing below has been checked (use `verify`)");
    printFields(d, out, "UNVERIFIED ");
    return 0;
  }

  private static void printFields(AttestationDocument d, PrintStream out, String label) {
    HexFormat hex = HexFormat.of();
    out.println(label + "module_id   " + d.moduleId());
    out.println(label + "digest      " + d.digest());
    out.println(label + "timestamp   " + d.timestamp() + " (" + d.timestamp().toEpochMilli() + " ms)");
    out.println(label + "debug       " + d.isDebug() + (d.isDebug() ? " (PCR0 all zeros: debug-mode enclave)" : ""));
    for (Map.Entry<Integer, byte[]> e : d.pcrs().entrySet()) {
      out.printf("%sPCR%-2d       %s%n", label, e.getKey(), hex.formatHex(e.getValue()));
    }
    out.println(label + "certificate " + describe(d.certificate()));
    List<byte[]> bundle = d.cabundle();
    for (int i = 0; i < bundle.size(); i++) {
      out.println(label + "cabundle[" + i + "] " + describe(bundle.get(i)));
    }
    out.println(label + "public_key  " + optional(d.publicKey()));
    out.println(label + "user_data   " + optional(d.userData()));
    out.println(label + "purpose     " + d.userData().flatMap(AttestationPurpose::of)
        .map(p -> p.label() + " (content after the tag: "
            + HexFormat.of().formatHex(p.unwrap(d.userData().get()).get()) + ")")
        .orElse("(no nitrosign purpose tag)"));
    out.println(label + "nonce       " + optional(d.nonce()));
  }

  private static String optional(Optional<byte[]> v) {
    return v.map(b -> "(" + b.length + " bytes) " + HexFormat.of().formatHex(b)).orElse("(absent)");
  }

  private static String describe(byte[] der) {
    String sha = HexFormat.of().formatHex(sha256(der));
    try {
      X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
      return c.getSubjectX500Principal() + " | not before " + c.getNotBefore().toInstant()
          + " | not after " + c.getNotAfter().toInstant() + " | sha256 " + sha;
    } catch (CertificateException | RuntimeException e) {
      return "(" + der.length + " bytes, not a parsable certificate) sha256 " + sha;
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Raw CBOR if it starts like a COSE_Sign1 (array of 4, or tag 18), else hex, else base64. */
  static byte[] decodeInput(byte[] raw) {
    if (raw.length > 0 && ((raw[0] & 0xff) == 0x84 || (raw[0] & 0xff) == 0xd2)) {
      return raw;
    }
    String text = new String(raw, StandardCharsets.US_ASCII).replaceAll("\\s+", "");
    if (!text.isEmpty() && text.length() % 2 == 0 && text.matches("[0-9a-fA-F]+")) {
      return HexFormat.of().parseHex(text);
    }
    try {
      return text.contains("-") || text.contains("_")
          ? Base64.getUrlDecoder().decode(text) : Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return raw; // not text either: let the parser report it as malformed
    }
  }

  static String json(boolean valid, Reason reason, String message, AttestationDocument d,
      boolean pcrsChecked) {
    StringBuilder b = new StringBuilder("{\"valid\":").append(valid);
    b.append(",\"pcrs_checked\":").append(pcrsChecked);
    b.append(",\"reason\":").append(reason == null ? "null" : str(reason.name()));
    if (message != null) {
      b.append(",\"message\":").append(str(message));
    }
    if (d != null) {
      b.append(",\"module_id\":").append(str(d.moduleId()));
      b.append(",\"timestamp\":").append(d.timestamp().toEpochMilli());
      b.append(",\"timestamp_iso\":").append(str(d.timestamp().toString()));
      b.append(",\"pcrs\":{");
      SortedMap<Integer, byte[]> pcrs = d.pcrs();
      boolean first = true;
      for (Map.Entry<Integer, byte[]> e : pcrs.entrySet()) {
        b.append(first ? "" : ",").append(str(String.valueOf(e.getKey()))).append(':')
            .append(str(HexFormat.of().formatHex(e.getValue())));
        first = false;
      }
      b.append("},\"debug\":").append(d.isDebug());
      b.append(",\"verified_fields\":").append(valid);
    } else {
      b.append(",\"module_id\":null,\"timestamp\":null,\"pcrs\":null,\"debug\":null");
    }
    return b.append('}').toString();
  }

  static String str(String s) {
    return io.nitrosign.chains.json.JsonStrings.quoted(s);
  }

  private static String value(Deque<String> a, String opt) throws UsageException {
    String v = a.poll();
    if (v == null || v.startsWith("--")) {
      throw new UsageException("option " + opt + " needs a value");
    }
    return v;
  }

  private static Instant epochSeconds(String v) throws UsageException {
    try {
      return Instant.ofEpochSecond(Long.parseLong(v.trim()));
    } catch (RuntimeException e) {
      throw new UsageException("--at: not a number of seconds since the epoch: " + v);
    }
  }

  private static long nonNegative(String v, String opt) throws UsageException {
    try {
      long n = Long.parseLong(v.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException(opt + ": not a non-negative number: " + v);
    }
  }

  private static byte[] hex(String v, String opt) throws UsageException {
    try {
      return HexFormat.of().parseHex(v.trim());
    } catch (IllegalArgumentException e) {
      throw new UsageException(opt + ": not hex");
    }
  }

  private static byte[] readBytes(Path p, String opt) throws UsageException {
    try {
      long size = Files.size(p);
      if (size > 4L * AttestationDocument.MAX_DOCUMENT_BYTES) {
        throw new UsageException(opt + ": " + p + " is too large (" + size + " bytes)");
      }
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UsageException(opt + ": cannot read " + p + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static String readText(Path p, String opt) throws UsageException {
    return new String(readBytes(p, opt), StandardCharsets.UTF_8);
  }

  private static AttestationVerifier root(Path p) throws UsageException {
    try {
      return AttestationVerifier.withRoot(AttestationVerifier.readCertificate(readBytes(p, "--root")));
    } catch (CertificateException | IllegalArgumentException e) {
      throw new UsageException("--root: " + p + " is not a CA certificate (" + e.getMessage() + ")");
    }
  }
}
