package io.nitrosign.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * eif-build/artifacts.sha256 and eif-build/checksums.sh: the committed list is exactly the
 * third-party jars of enclave-app's current runtime class path (target/enclave-runtime.classpath,
 * the same resolution as the copy-dependencies that fills enclave-app/target/lib), so a
 * dependency change fails this test until the list is regenerated; and the check refuses a
 * tampered jar.
 */
class ArtifactChecksumsTest {

  private static final Path LIST = Repo.EIF_BUILD.resolve("artifacts.sha256");
  private static final Path SCRIPT = Repo.EIF_BUILD.resolve("checksums.sh");
  private static final Pattern LINE = Pattern.compile("([0-9a-f]{64})  lib/([A-Za-z0-9._+-]+\\.jar)");

  private Path tmp;

  @BeforeEach
  void makeTemp() throws Exception {
    tmp = Files.createTempDirectory("nitrosign-checksums");
  }

  @AfterEach
  void cleanUp() throws Exception {
    Repo.deleteTree(tmp);
  }

  private static List<Path> classPath() throws Exception {
    Path cpFile = Path.of("target/enclave-runtime.classpath");
    assertTrue(Files.isRegularFile(cpFile), "run through Maven: " + cpFile + " is written by the"
        + " dependency plugin in generate-test-resources");
    return Arrays.stream(Files.readString(cpFile).strip().split(File.pathSeparator))
        .filter(s -> !s.isEmpty()).map(Path::of).toList();
  }

  /** Entries that are this repository's modules (target/classes, or a jar under io/nitrosign). */
  private static boolean own(Path entry) {
    return entry.startsWith(Repo.ROOT) || entry.toString().replace('\\', '/').contains("/io/nitrosign/");
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static Map<String, String> committed() throws Exception {
    Map<String, String> m = new TreeMap<>();
    for (String line : Files.readAllLines(LIST)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher matcher = LINE.matcher(line);
      assertTrue(matcher.matches(), "not 'SHA256  lib/NAME.jar': " + line);
      assertTrue(m.put(matcher.group(2), matcher.group(1)) == null, "listed twice: " + line);
    }
    return m;
  }

  @Test
  void theCommittedListIsExactlyTheThirdPartyJarsOfTheEnclaveRuntimeClassPath() throws Exception {
    Map<String, String> actual = new TreeMap<>();
    for (Path entry : classPath()) {
      if (!own(entry)) {
        assertTrue(entry.getFileName().toString().endsWith(".jar"), entry.toString());
        actual.put(entry.getFileName().toString(), sha256(entry));
      }
    }
    assertFalse(actual.isEmpty(), "no third-party jar on the class path");
    assertEquals(actual, committed(), "eif-build/artifacts.sha256 is out of date: after a deliberate"
        + " dependency change regenerate it (eif-build/checksums.sh) and review the diff");
  }

  @Test
  void everyOwnModuleOnTheClassPathIsOneTheCheckExemptsByName() throws Exception {
    String script = Files.readString(SCRIPT);
    Matcher m = Pattern.compile("OWN_JAR_RE='([^']+)'").matcher(script);
    assertTrue(m.find(), "OWN_JAR_RE in checksums.sh");
    Pattern ownJar = Pattern.compile(m.group(1));
    for (Path entry : classPath()) {
      if (own(entry) && entry.startsWith(Repo.ROOT)) {
        String module = Repo.ROOT.relativize(entry).getName(0).toString();
        if (!module.equals("enclave-app")) { // enclave-app.jar is staged apart from lib/
          assertTrue(ownJar.matcher(module + "-0.1.0-SNAPSHOT.jar").matches(), module);
        }
      }
    }
    // and a third-party jar is never exempt
    assertFalse(ownJar.matcher("cbor-4.5.4.jar").matches());
    assertFalse(ownJar.matcher("chains-evil.jar").matches());
  }

  private Path stageRealJars() throws Exception {
    Path lib = Files.createDirectory(tmp.resolve("lib"));
    for (Path entry : classPath()) {
      if (!own(entry)) {
        Files.copy(entry, lib.resolve(entry.getFileName().toString()));
      }
    }
    return lib;
  }

  private static Repo.Result check(Path lib) throws Exception {
    return Repo.run(List.of("bash", SCRIPT.toString(), "check", lib.toString()), Repo.ROOT, null, 60);
  }

  @Test
  void theCheckAcceptsTheCurrentJars() throws Exception {
    Repo.Result r = check(stageRealJars());
    assertEquals(0, r.exit(), r.output());
  }

  @Test
  void theCheckRefusesATamperedJar() throws Exception {
    Path lib = stageRealJars();
    Path victim = lib.resolve(committed().keySet().iterator().next());
    byte[] bytes = Files.readAllBytes(victim);
    bytes[bytes.length / 2] ^= 1;
    Files.write(victim, bytes);
    Repo.Result r = check(lib);
    assertEquals(1, r.exit(), r.output());
    assertTrue(r.output().contains("MISMATCH lib/" + victim.getFileName()), r.output());
  }

  @Test
  void theCheckRefusesAnAddedOrARemovedJar() throws Exception {
    Path lib = stageRealJars();
    Files.writeString(lib.resolve("helpful-1.0.jar"), "PK");
    String removed = committed().keySet().iterator().next();
    Files.delete(lib.resolve(removed));
    Repo.Result r = check(lib);
    assertEquals(1, r.exit(), r.output());
    assertTrue(r.output().contains("UNLISTED lib/helpful-1.0.jar"), r.output());
    assertTrue(r.output().contains("MISSING lib/" + removed), r.output());
  }

  @Test
  void theCheckRefusesAMalformedList() throws Exception {
    Path lib = stageRealJars();
    Path list = Files.writeString(tmp.resolve("list"), "abc lib/x.jar\n");
    Repo.Result r = Repo.run(List.of("bash", SCRIPT.toString(), "check", lib.toString(),
        list.toString()), Repo.ROOT, null, 60);
    assertEquals(1, r.exit(), r.output());
    assertTrue(r.output().contains("line 1"), r.output());
  }

  @Test
  void generateWritesTheListTheCheckAccepts() throws Exception {
    Path lib = stageRealJars();
    Repo.Result r = Repo.run(List.of("bash", SCRIPT.toString(), "generate", lib.toString()),
        Repo.ROOT, null, 60);
    assertEquals(0, r.exit(), r.output());
    assertEquals(Files.readString(LIST), r.output(), "regenerating from the same jars changes nothing");
  }
}
