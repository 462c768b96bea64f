package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./appliance attestation ...} delegates to the attestation CLI. */
class ApplianceAttestationTest {

  private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
    return Appliance.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void verifiesARealDocument(@TempDir Path dir) throws Exception {
    Path doc = dir.resolve("doc.cbor");
    try (InputStream in = getClass().getClassLoader()
        .getResourceAsStream("attestation/blocky_nitrite_2024-09-07_prod_maxfields.cbor")) {
      Files.write(doc, in.readAllBytes());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(0, run(out, err, "attestation", "verify", "--doc", doc.toString(), "--any-pcrs", "--at", "1725719859", "--json"));
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("{\"valid\":true"), out.toString(StandardCharsets.UTF_8));
    assertEquals(1, run(out, err, "attestation", "verify", "--doc", doc.toString(), "--any-pcrs", "--at", "1735719859"));
    assertEquals(0, run(out, err, "attestation", "show", "--doc", doc.toString()));
  }

  @Test
  void usage() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(2, run(out, err, "attestation"));
    assertEquals(2, run(out, err, "attestation", "verify"));
    assertEquals(0, run(out, err, "--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("./appliance attestation verify"));
  }
}
