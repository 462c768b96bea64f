package io.nitrosign.attestation.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttestationCliTest {
  private static final String BLOCKY_AT = "1725719859";
  private static final String EVERVAULT_AT = "1695050165";
  private static final String P0 = "e72a46ca80a260fb044a125442f0c7e331813bcbaf9724d9f3857758992766f2d65710a27aa94ae3949dd54e7c9fe86a";

  @TempDir
  Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = AttestationCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path copy(String resource, String name) throws IOException {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("attestation/" + resource)) {
      Path p = dir.resolve(name);
      Files.write(p, in.readAllBytes());
      return p;
    }
  }

  private Path blocky() throws IOException {
    return copy("blocky_nitrite_2024-09-07_prod_maxfields.cbor", "blocky.cbor");
  }

  private Path evervault() throws IOException {
    return copy("evervault_ga_2023-09-18_debug.cbor", "evervault.cbor");
  }

  @Test
  void verifiesRawBase64AndHex() throws IOException {
    Path raw = blocky();
    byte[] bytes = Files.readAllBytes(raw);
    Path b64 = Files.writeString(dir.resolve("doc.b64"), Base64.getMimeEncoder().encodeToString(bytes) + "\n");
    Path hex = Files.writeString(dir.resolve("doc.hex"), HexFormat.of().formatHex(bytes));
    for (Path p : new Path[] {raw, b64, hex}) {
      Result r = run("verify", "--doc", p.toString(), "--any-pcrs", "--at", BLOCKY_AT);
      assertEquals(0, r.code(), p + ": " + r.out() + r.err());
      assertTrue(r.out().startsWith("VALID"), r.out());
    }
  }

  @Test
  void jsonOutput() throws IOException {
    Result r = run("verify", "--doc", blocky().toString(), "--any-pcrs", "--at", BLOCKY_AT, "--json");
    assertEquals(0, r.code());
    String json = r.out().trim();
    assertTrue(json.startsWith("{\"valid\":true,\"pcrs_checked\":false,\"reason\":null,\"module_id\":\"i-0a22e5c5f24d22174-enc0191cceb4289903f\""), json);
    assertTrue(json.contains("\"timestamp\":1725719859545"), json);
    assertTrue(json.contains("\"0\":\"" + P0 + "\""), json);
    assertTrue(json.endsWith("\"debug\":false,\"verified_fields\":true}"), json);

    r = run("verify", "--doc", evervault().toString(), "--any-pcrs", "--at", EVERVAULT_AT, "--json");
    assertEquals(1, r.code());
    assertTrue(r.out().startsWith("{\"valid\":false,\"pcrs_checked\":false,\"reason\":\"DEBUG_MODE\""), r.out());
    assertTrue(r.out().contains("\"debug\":true"), r.out());

    r = run("verify", "--doc", evervault().toString(), "--any-pcrs", "--at", EVERVAULT_AT, "--json", "--allow-debug");
    assertEquals(0, r.code(), r.out());
  }

  @Test
  void invalidDocumentsExitOne() throws IOException {
    assertEquals(1, run("verify", "--doc", blocky().toString(), "--any-pcrs", "--at", "1725800000").code()); // expired
    Path junk = Files.write(dir.resolve("junk"), new byte[] {1, 2, 3});
    Result r = run("verify", "--doc", junk.toString(), "--any-pcrs", "--at", BLOCKY_AT, "--json");
    assertEquals(1, r.code());
    assertTrue(r.out().contains("\"reason\":\"MALFORMED\"") && r.out().contains("\"module_id\":null"), r.out());
    // wrong nonce
    r = run("verify", "--doc", blocky().toString(), "--any-pcrs", "--at", BLOCKY_AT, "--nonce", "00");
    assertEquals(1, r.code());
    assertTrue(r.out().contains("NONCE_MISMATCH"), r.out());
  }

  @Test
  void aPurposeRequiresItsTagInUserData() throws IOException {
    // a real AWS document from another application: its user_data carries no nitrosign tag
    Result r = run("verify", "--doc", blocky().toString(), "--any-pcrs", "--at", BLOCKY_AT,
        "--purpose", "fresh-signature", "--json");
    assertEquals(1, r.code());
    assertTrue(r.out().contains("\"reason\":\"PURPOSE_MISMATCH\""), r.out());
    assertEquals(2, run("verify", "--doc", blocky().toString(), "--any-pcrs", "--purpose", "anything").code());
    assertEquals(2, run("verify", "--doc", blocky().toString(), "--any-pcrs", "--purpose", "client-request",
        "--user-data", "00".repeat(485)).code());
  }

  @Test
  void pcrFileAndRoot() throws IOException {
    Path good = Files.writeString(dir.resolve("pcrs.json"),
        "{\"Measurements\":{\"HashAlgorithm\":\"Sha384 { ... }\",\"PCR0\":\"" + P0 + "\"}}");
    assertEquals(0, run("verify", "--doc", blocky().toString(), "--at", BLOCKY_AT, "--pcrs", good.toString()).code());
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"PCR0\":\"" + P0.replace('e', 'f') + "\"}");
    Result r = run("verify", "--doc", blocky().toString(), "--at", BLOCKY_AT, "--pcrs", bad.toString(), "--json");
    assertEquals(1, r.code());
    assertTrue(r.out().contains("PCR_MISMATCH") && r.out().contains("PCR0"), r.out());
    // the AWS root given explicitly behaves like the default
    Path root = dir.resolve("root.pem");
    try (InputStream in = AttestationCli.class.getResourceAsStream("/io/nitrosign/attestation/AWS_NitroEnclaves_Root-G1.pem")) {
      Files.write(root, in.readAllBytes());
    }
    assertEquals(0, run("verify", "--doc", blocky().toString(), "--any-pcrs", "--at", BLOCKY_AT, "--root", root.toString()).code());
  }

  @Test
  void usageErrorsExitTwo() throws IOException {
    assertEquals(2, run().code());
    assertEquals(2, run("frobnicate").code());
    assertEquals(2, run("verify").code());
    assertEquals(2, run("verify", "--doc").code());
    assertEquals(2, run("verify", "--doc", dir.resolve("missing").toString()).code());
    assertEquals(2, run("verify", "--doc", blocky().toString(), "--any-pcrs", "--at", "yesterday").code());
    assertEquals(2, run("verify", "--doc", blocky().toString(), "--any-pcrs", "--nonce", "xyz").code());
    assertEquals(2, run("verify", "--doc", blocky().toString(), "--any-pcrs", "--bogus").code());
    Path notJson = Files.writeString(dir.resolve("x.json"), "nope");
    assertEquals(2, run("verify", "--doc", blocky().toString(), "--pcrs", notJson.toString()).code());
    assertEquals(2, run("verify", "--doc", blocky().toString(), "--any-pcrs", "--root", notJson.toString()).code());
    Result r = run("show");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("usage: attestation"), r.err());
    assertEquals(0, run("--help").code());
  }

  @Test
  void verifyWithoutPcrsOrAnyPcrsIsAUsageErrorNotValid() throws IOException {
    Result r = run("verify", "--doc", blocky().toString(), "--at", BLOCKY_AT);
    assertEquals(2, r.code(), r.out());
    assertFalse(r.out().contains("VALID"), r.out());
    assertTrue(r.err().contains("--pcrs FILE") && r.err().contains("--any-pcrs"), r.err());
  }

  @Test
  void pcrsAndAnyPcrsTogetherAreAUsageError() throws IOException {
    Path good = Files.writeString(dir.resolve("pcrs.json"), "{\"PCR0\":\"" + P0 + "\"}");
    Result r = run("verify", "--doc", blocky().toString(), "--at", BLOCKY_AT, "--pcrs",
        good.toString(), "--any-pcrs");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("contradict"), r.err());
  }

  @Test
  void anyPcrsSaysLoudlyThatTheImageWasNotCheckedAndStillExitsZero() throws IOException {
    Result r = run("verify", "--doc", blocky().toString(), "--at", BLOCKY_AT, "--any-pcrs");
    assertEquals(0, r.code(), r.out() + r.err());
    String first = r.out().lines().findFirst().orElse("");
    assertTrue(first.startsWith("VALID") && first.contains("ENCLAVE IMAGE NOT CHECKED"), first);
    assertTrue(r.out().contains("PCRs NOT CHECKED"), r.out());
    assertTrue(r.err().contains("PCRs NOT CHECKED"), r.err());
    r = run("verify", "--doc", blocky().toString(), "--at", BLOCKY_AT, "--any-pcrs", "--json");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("\"pcrs_checked\":false"), r.out());
    assertTrue(r.err().contains("PCRs NOT CHECKED"), r.err());
  }

  @Test
  void anyPcrsStillFailsWhenSomethingElseDoesNotVerify() throws IOException {
    Result r = run("verify", "--doc", blocky().toString(), "--at", "1725800000", "--any-pcrs");
    assertEquals(1, r.code(), r.out());
    assertTrue(r.out().startsWith("INVALID"), r.out());
  }

  @Test
  void aPcrFileWithoutPcr0IsAUsageErrorWithAClearMessage() throws IOException {
    String p1 = "11".repeat(48);
    Path noPcr0 = Files.writeString(dir.resolve("nopcr0.json"), "{\"PCR1\":\"" + p1 + "\"}");
    Result r = run("verify", "--doc", blocky().toString(), "--at", BLOCKY_AT, "--pcrs", noPcr0.toString());
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("PCR0 missing"), r.err());
    // in an upgrade array, every set must pin PCR0
    Path array = Files.writeString(dir.resolve("array.json"),
        "[{\"PCR0\":\"" + P0 + "\"},{\"PCR1\":\"" + p1 + "\"}]");
    r = run("verify", "--doc", blocky().toString(), "--at", BLOCKY_AT, "--pcrs", array.toString());
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("element 1") && r.err().contains("PCR0 missing"), r.err());
  }

  @Test
  void aPcrFileMatchingTheDocumentReportsThatThePcrsWereChecked() throws IOException {
    Path good = Files.writeString(dir.resolve("pcrs.json"), "{\"PCR0\":\"" + P0 + "\"}");
    Result r = run("verify", "--doc", blocky().toString(), "--at", BLOCKY_AT, "--pcrs",
        good.toString(), "--json");
    assertEquals(0, r.code(), r.out());
    assertTrue(r.out().startsWith("{\"valid\":true,\"pcrs_checked\":true"), r.out());
    assertFalse(r.err().contains("NOT CHECKED"), r.err());
  }

  @Test
  void showPrintsEveryFieldUnverified() throws IOException {
    Result r = run("show", "--doc", evervault().toString());
    assertEquals(0, r.code(), r.err());
    for (String s : new String[] {"UNVERIFIED", "module_id", "digest", "timestamp", "PCR15", "certificate",
        "cabundle[3]", "public_key  (absent)", "user_data   (91 bytes)", "nonce       (256 bytes)", "debug       true"}) {
      assertTrue(r.out().contains(s), s + " in " + r.out());
    }
    for (String line : r.out().split("\n")) {
      assertTrue(line.contains("UNVERIFIED"), line);
    }
  }
}
