package io.nitrosign.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The enclave image's Java runtime, built here with eif-build/jlink.sh (the script the Dockerfile
 * runs) from eif-build/modules.txt, must be enough to run the enclave.
 *
 * <p>The enclave's code comes from its runtime class path as Maven resolved it for this module
 * (target/enclave-runtime.classpath, written by the dependency plugin): under {@code mvn test}
 * that is enclave-app/target/classes plus the dependency jars, after {@code package} it is
 * enclave-app/target/enclave-app.jar. The image holds the jar and its lib/; the classes are the
 * same code.
 */
class JlinkRuntimeTest {

  private static Path work;
  private static Path runtime;
  private static List<String> classPath;

  @BeforeAll
  static void buildRuntime() throws Exception {
    Path cpFile = Path.of("target/enclave-runtime.classpath");
    assertTrue(Files.isRegularFile(cpFile), "run through Maven: " + cpFile + " is written by the"
        + " dependency plugin in generate-test-resources");
    classPath = Arrays.stream(Files.readString(cpFile).strip().split(File.pathSeparator))
        .filter(s -> !s.isEmpty()).toList();
    assertTrue(classPath.stream().anyMatch(e -> e.contains("enclave-app")), classPath::toString);

    work = Files.createTempDirectory("nitrosign-jlink");
    runtime = work.resolve("runtime");
    Repo.Result r = Repo.run(List.of("bash", Repo.EIF_BUILD.resolve("jlink.sh").toString(),
        runtime.toString()), Repo.ROOT, Map.of("JLINK", Repo.jdkTool("jlink").toString()), 240);
    assertEquals(0, r.exit(), r.output());
  }

  @AfterAll
  static void cleanUp() throws Exception {
    Repo.deleteTree(work);
  }

  @Test
  void moduleListCoversEverythingJdepsFindsInTheEnclaveClassPath() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Repo.jdkTool("jdeps").toString(),
        "--print-module-deps", "--ignore-missing-deps", "--multi-release", "17",
        "--class-path", String.join(File.pathSeparator, classPath)));
    cmd.addAll(classPath);
    Repo.Result r = Repo.run(cmd, Repo.ROOT, null, 180);
    assertEquals(0, r.exit(), r.output());
    String last = r.output().strip().lines().reduce((a, b) -> b).orElse("");
    Set<String> needed = new TreeSet<>(Arrays.asList(last.split(",")));
    assertTrue(needed.contains("java.base"), "unexpected jdeps output: " + r.output());
    Set<String> missing = new TreeSet<>(needed);
    missing.removeAll(Repo.jlinkModules());
    assertTrue(missing.isEmpty(), "eif-build/modules.txt lacks " + missing + " (jdeps: " + needed + ")");
  }

  /**
   * The image's lib/ is enclave-app/target/lib, written by the dependency plugin's
   * copy-dependencies (runtime scope) in enclave-app/pom.xml, and build.sh copies every jar in it.
   * So the authorization module and its RFC 8785 number formatter (java-json-canonicalization)
   * are in the image exactly when they are on the enclave's runtime class path, which is what
   * this test resolves, and when the copy is not narrowed.
   */
  @Test
  void imageLibGetsTheAuthorizationModuleAndJavaJsonCanonicalization() throws Exception {
    assertTrue(classPath.stream().anyMatch(e -> e.matches(".*[/\\\\]authorization([/\\\\].*|-[^/\\\\]*\\.jar)")),
        "the authorization module is on the enclave's runtime class path: " + classPath);
    assertTrue(classPath.stream().anyMatch(e -> Path.of(e).getFileName().toString()
        .matches("java-json-canonicalization-.*\\.jar")),
        "java-json-canonicalization is on the enclave's runtime class path: " + classPath);

    var pom = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(Repo.ROOT.resolve("enclave-app/pom.xml").toFile());
    var executions = pom.getElementsByTagName("execution");
    org.w3c.dom.Element copy = null;
    for (int i = 0; i < executions.getLength(); i++) {
      var e = (org.w3c.dom.Element) executions.item(i);
      if (e.getTextContent().contains("copy-dependencies")) {
        copy = e;
      }
    }
    assertTrue(copy != null, "enclave-app/pom.xml copies its dependencies into target/lib");
    assertEquals("package", copy.getElementsByTagName("phase").item(0).getTextContent());
    var conf = (org.w3c.dom.Element) copy.getElementsByTagName("configuration").item(0);
    assertEquals("${project.build.directory}/lib",
        conf.getElementsByTagName("outputDirectory").item(0).getTextContent());
    assertEquals("runtime", conf.getElementsByTagName("includeScope").item(0).getTextContent());
    for (int i = 0; i < conf.getChildNodes().getLength(); i++) {
      String name = conf.getChildNodes().item(i).getNodeName();
      assertFalse(name.startsWith("exclude") || name.equals("excludeTransitive")
          || name.startsWith("include") && !name.equals("includeScope"),
          "the copy is narrowed by <" + name + ">: the image would lack jars the class path has");
    }
    String buildSh = Files.readString(Repo.EIF_BUILD.resolve("build.sh"));
    assertTrue(buildSh.contains("find \"$artifacts/lib\" -maxdepth 1 -name '*.jar'"),
        "build.sh copies every jar of lib/ into the image");

    // After `mvn package` the directory exists: then check it directly.
    Path lib = Repo.ROOT.resolve("enclave-app/target/lib");
    if (Files.isDirectory(lib)) {
      try (var jars = Files.list(lib)) {
        List<String> names = jars.map(p -> p.getFileName().toString()).toList();
        assertTrue(names.stream().anyMatch(n -> n.startsWith("java-json-canonicalization-")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("authorization-")), names.toString());
      }
    }
  }

  @Test
  void runtimeHasExactlyTheListedModulesAndNoCdsArchive() throws Exception {
    String release = Files.readString(runtime.resolve("release"));
    String line = release.lines().filter(l -> l.startsWith("MODULES=")).findFirst().orElseThrow();
    Set<String> inRuntime = new TreeSet<>(Arrays.asList(
        line.substring("MODULES=".length()).replace("\"", "").strip().split("\\s+")));
    // jlink adds what the listed modules require (java.logging, java.xml, ...), nothing else
    assertTrue(inRuntime.containsAll(Repo.jlinkModules()), inRuntime.toString());
    assertFalse(inRuntime.contains("jdk.jdwp.agent"), "no debugger agent in the enclave runtime");
    assertFalse(inRuntime.contains("jdk.attach"), "no attach API in the enclave runtime");
    try (var files = Files.walk(runtime)) {
      List<Path> jsa = files.filter(p -> p.toString().endsWith(".jsa")).toList();
      assertTrue(jsa.isEmpty(), "a CDS archive is not reproducible: " + jsa);
    }
    assertFalse(Files.exists(runtime.resolve("include")), "--no-header-files");
    assertFalse(Files.exists(runtime.resolve("man")), "--no-man-pages");
  }

  @Test
  void enclaveStartsFromTheRuntimeInLocalModeAndReachesSealed() throws Exception {
    String java = runtime.resolve("bin/java").toString();
    String cp = String.join(File.pathSeparator, classPath);
    Path ca = work.resolve("nsm-ca");
    Repo.Result init = Repo.run(List.of(java, "-cp", cp, "io.nitrosign.enclave.nsm.SimulatedNsmCa",
        "init", ca.toString()), Repo.ROOT, null, 120);
    assertEquals(0, init.exit(), init.output());
    assertTrue(Files.isRegularFile(ca.resolve("root.pem")), init.output());

    Path socket = work.resolve("run/e.sock");
    Path log = work.resolve("enclave.log");
    Process enclave = new ProcessBuilder(java, "-cp", cp, "io.nitrosign.enclave.EnclaveMain",
        "--listen", "unix:" + socket, "--local-mode", "--nsm", "simulated",
        "--simulated-nsm-ca", ca.toString(), "--kms-auth-key-id",
        "arn:aws:kms:us-east-1:111122223333:key/0000a001-0000-4000-8000-000000000001",
        "--kms-exec-key-id",
        "arn:aws:kms:us-east-1:111122223333:key/0000e001-0000-4000-8000-000000000002",
        "--kms-region", "us-east-1", "--kms-account-id", "111122223333",
        "--deployment-id", "jlink-test", "--kms-endpoint", "http://127.0.0.1:1",
        // the authorization options the production image bakes in (the export quorum's keys
        // are decoded at start, on bc-fips's curve arithmetic)
        "--public-base-url", "https://signer.example.com",
        "--export-quorum", "2:" + BuildScriptTest.p256Spki() + "," + BuildScriptTest.p256Spki())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      // Wait for the outcome, not for a time: the loop ends when the enclave is SEALED or gone.
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!(Files.exists(socket) && logText(log).contains("state SEALED"))) {
        assertTrue(enclave.isAlive(), () -> "the enclave exited: " + logText(log));
        assertTrue(System.nanoTime() < giveUp, () -> "the enclave never became SEALED: " + logText(log));
        Thread.sleep(100);
      }
      assertFalse(logText(log).contains("NoClassDefFoundError"), logText(log));
    } finally {
      enclave.destroy();
      if (!enclave.waitFor(30, TimeUnit.SECONDS)) {
        enclave.destroyForcibly();
        enclave.waitFor();
      }
    }
    assertTrue(logText(log).contains("shutting down"), logText(log));
    assertFalse(Files.exists(socket), "the socket file is removed on shutdown");
  }

  private static String logText(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (java.io.IOException e) {
      return "<" + e + ">";
    }
  }
}
