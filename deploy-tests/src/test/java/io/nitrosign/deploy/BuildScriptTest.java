package io.nitrosign.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * eif-build/build.sh: argument handling, the checks for Docker and nitro-cli, and (with stand-ins
 * for docker and nitro-cli that record their arguments, since this machine has neither a Docker
 * daemon nor nitro-cli) the staging of the build context, the build arguments, the nitro-cli
 * command line and the pcr.json it writes.
 */
class BuildScriptTest {

  private static final String SCRIPT = Repo.EIF_BUILD.resolve("build.sh").toString();
  static final String AUTH_ARN =
      "arn:aws:kms:eu-west-1:111122223333:key/0c1d2e3f-aaaa-bbbb-cccc-111122223333";
  static final String EXEC_ARN =
      "arn:aws:kms:eu-west-1:111122223333:key/9f8e7d6c-dddd-eeee-ffff-444455556666";
  private static final List<String> KMS = List.of("--auth-key-id", AUTH_ARN,
      "--exec-key-id", EXEC_ARN, "--region", "eu-west-1", "--account-id", "111122223333",
      "--deployment-id", "prod-eu");
  private static final String URL = "https://signer.example.com";
  private static final List<String> GOOD = with(KMS, "--public-base-url", URL);
  /** Two export-quorum keys: base64 DER SPKI P-256, as './appliance authkey new' writes them. */
  private static final String K1 = p256Spki();
  private static final String K2 = p256Spki();
  private static final String PCR0 = "a".repeat(96);
  private static final String PCR1 = "b".repeat(96);
  private static final String PCR2 = "c".repeat(96);
  private static final String PCR8 = "d".repeat(96);

  private Path tmp;
  private Path bin;

  @BeforeEach
  void toolbox() throws Exception {
    tmp = Files.createTempDirectory("nitrosign-build-sh");
    bin = Files.createDirectory(tmp.resolve("bin"));
    // Only the utilities the script uses: no docker, no nitro-cli, no mvn unless a test adds one.
    for (String tool : List.of("dirname", "basename", "git", "grep", "sed", "head", "tr", "find",
        "sort", "xargs", "cp", "mkdir", "rm", "touch", "cat", "env", "sha256sum")) {
      for (String dir : System.getenv("PATH").split(":")) {
        Path p = Path.of(dir, tool);
        if (Files.isExecutable(p)) {
          Files.createSymbolicLink(bin.resolve(tool), p);
          break;
        }
      }
    }
  }

  @AfterEach
  void cleanUp() throws Exception {
    Repo.deleteTree(tmp);
  }

  private Repo.Result build(List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(bashPath(), SCRIPT));
    cmd.addAll(args);
    Path list = tmp.resolve("artifacts.sha256");
    if (Files.exists(list) && !args.contains("--checksums")) {
      cmd.addAll(List.of("--checksums", list.toString())); // the stand-in jars' own list
    }
    Map<String, String> env = new HashMap<>();
    env.put("PATH", bin.toString());
    env.put("SOURCE_DATE_EPOCH", "1700000000");
    return Repo.run(cmd, Repo.ROOT, env, 60);
  }

  private static String bashPath() {
    for (String dir : System.getenv("PATH").split(":")) {
      if (Files.isExecutable(Path.of(dir, "bash"))) {
        return Path.of(dir, "bash").toString();
      }
    }
    return "/bin/bash";
  }

  static String p256Spki() {
    try {
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
      g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
      return java.util.Base64.getEncoder().encodeToString(g.generateKeyPair().getPublic().getEncoded());
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static String sha256(String content) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> with(List<String> base, String... more) {
    List<String> l = new ArrayList<>(base);
    l.addAll(Arrays.asList(more));
    return l;
  }

  private void fake(String name, String script) throws Exception {
    Path p = bin.resolve(name);
    Files.writeString(p, "#!" + bashPath() + "\n" + script);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void helpExitsZeroAndDescribesTheOptions() throws Exception {
    Repo.Result r = build(List.of("--help"));
    assertEquals(0, r.exit(), r.output());
    for (String opt : List.of("--auth-key-id", "--exec-key-id", "--region", "--vsock-port",
        "--proxy-port", "--signing-cert", "--signing-key", "--out", "--public-base-url",
        "--allow-any-origin", "--export-quorum", "--account-id", "--deployment-id")) {
      assertTrue(r.output().contains(opt), opt + " missing from --help:\n" + r.output());
    }
  }

  @Test
  void usageErrorsExitTwoWithAMessage() throws Exception {
    Map<List<String>, String> cases = new java.util.LinkedHashMap<>();
    cases.put(List.of(), "--auth-key-id is required");
    cases.put(List.of("--auth-key-id", "a", "--exec-key-id", "b"), "--region is required");
    cases.put(with(GOOD, "--bogus"), "unknown argument: --bogus");
    cases.put(List.of("--auth-key-id"), "--auth-key-id needs a value");
    cases.put(List.of("--auth-key-id", "a", "--exec-key-id", "b", "--region", "Europe"),
        "not an AWS region");
    cases.put(List.of("--auth-key-id", "a", "--exec-key-id", "b", "--region", "eu-west-1"),
        "--account-id is required");
    cases.put(List.of("--auth-key-id", "a", "--exec-key-id", "b", "--region", "eu-west-1",
        "--account-id", "111122223333"), "--deployment-id is required");
    List<String> rest = List.of("--region", "eu-west-1", "--account-id", "111122223333",
        "--deployment-id", "prod-eu", "--public-base-url", URL);
    cases.put(with(List.of("--auth-key-id", "alias/nitrosign-auth", "--exec-key-id", EXEC_ARN),
        rest.toArray(String[]::new)), "not a KMS key ARN");
    cases.put(with(List.of("--auth-key-id", "0c1d2e3f-aaaa-bbbb-cccc-111122223333",
        "--exec-key-id", EXEC_ARN), rest.toArray(String[]::new)), "not a KMS key ARN");
    cases.put(with(List.of("--auth-key-id", AUTH_ARN.replace("eu-west-1", "us-east-1"),
        "--exec-key-id", EXEC_ARN), rest.toArray(String[]::new)), "not a KMS key ARN");
    cases.put(with(List.of("--auth-key-id", AUTH_ARN, "--exec-key-id",
        EXEC_ARN.replace("111122223333", "444455556666")), rest.toArray(String[]::new)),
        "not a KMS key ARN");
    cases.put(with(List.of("--auth-key-id", AUTH_ARN, "--exec-key-id", AUTH_ARN),
        rest.toArray(String[]::new)), "two different keys");
    cases.put(with(List.of("--auth-key-id", AUTH_ARN, "--exec-key-id", EXEC_ARN, "--region",
        "eu-west-1", "--account-id", "1111-2222-3333", "--deployment-id", "d")),
        "not a 12-digit AWS account id");
    cases.put(with(List.of("--auth-key-id", AUTH_ARN, "--exec-key-id", EXEC_ARN, "--region",
        "eu-west-1", "--account-id", "111122223333", "--deployment-id", "prod eu")),
        "--deployment-id: 1 to 64");
    cases.put(with(GOOD, "--vsock-port", "80a"), "ports must be numbers");
    cases.put(with(GOOD, "--proxy-port", "0"), "ports must be numbers");
    cases.put(with(GOOD, "--signing-cert", "/etc/hostname"), "go together");
    cases.put(with(GOOD, "--signing-cert", "/nonexistent.pem", "--signing-key", "/nonexistent.key"),
        "cannot read");
    // the public base URL is measured into the image: required, https, no trailing slash
    cases.put(KMS, "--public-base-url is required");
    cases.put(with(KMS, "--public-base-url"), "--public-base-url needs a value");
    cases.put(with(KMS, "--public-base-url", URL + "/"), "not an https URL without a trailing slash");
    cases.put(with(KMS, "--public-base-url", "http://signer.example.com"), "not an https URL");
    cases.put(with(KMS, "--public-base-url", "signer.example.com"), "not an https URL");
    cases.put(with(KMS, "--public-base-url", "https://signer.example.com/a b"), "not an https URL");
    cases.put(with(GOOD, "--allow-any-origin"), "exclude each other");
    // the export quorum: M:KEY1,KEY2,... with P-256 SPKI keys, 1 <= M <= N, no key twice
    cases.put(with(GOOD, "--export-quorum", K1), "--export-quorum: not M:KEY1,KEY2");
    cases.put(with(GOOD, "--export-quorum", "0:" + K1), "--export-quorum: not M:KEY1,KEY2");
    cases.put(with(GOOD, "--export-quorum", "1:" + K1 + ","), "--export-quorum: not M:KEY1,KEY2");
    cases.put(with(GOOD, "--export-quorum", "1:" + K1.substring(0, 40)), "--export-quorum: not M:KEY1,KEY2");
    cases.put(with(GOOD, "--export-quorum", "1:" + rsaSpki()), "--export-quorum: not M:KEY1,KEY2");
    cases.put(with(GOOD, "--export-quorum", "3:" + K1 + "," + K2), "threshold 3 is more than the 2 keys");
    cases.put(with(GOOD, "--export-quorum", "1:" + K1 + "," + K1), "listed twice");
    for (Map.Entry<List<String>, String> c : cases.entrySet()) {
      Repo.Result r = build(c.getKey());
      assertEquals(2, r.exit(), c.getKey() + ":\n" + r.output());
      assertTrue(r.output().contains(c.getValue()), c.getKey() + ": expected '" + c.getValue()
          + "' in:\n" + r.output());
    }
  }

  private static String rsaSpki() {
    try {
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
      g.initialize(1024);
      return java.util.Base64.getEncoder().encodeToString(g.generateKeyPair().getPublic().getEncoded());
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void refusesToBuildWithoutThePublicBaseUrlAndSaysHowToOptOut() throws Exception {
    fakeBuildHost();
    Repo.Result r = build(with(KMS, "--out", tmp.resolve("out").toString(), "--artifacts",
        tmp.resolve("artifacts").toString()));
    assertEquals(2, r.exit(), r.output());
    assertTrue(r.output().contains("--public-base-url is required"), r.output());
    assertTrue(r.output().contains("--allow-any-origin"), "names the explicit opt-out: " + r.output());
    assertFalse(Files.exists(tmp.resolve("calls.log")), "nothing was built");
  }

  @Test
  void explainsAMissingDocker() throws Exception {
    Repo.Result r = build(GOOD);
    assertEquals(3, r.exit(), r.output());
    assertTrue(r.output().contains("docker not found"), r.output());
    assertTrue(r.output().contains("nitro-cli"), r.output());
  }

  @Test
  void explainsADockerWithoutDaemon() throws Exception {
    fake("docker", "exit 1\n");
    Repo.Result r = build(GOOD);
    assertEquals(3, r.exit(), r.output());
    assertTrue(r.output().contains("cannot reach a Docker daemon"), r.output());
  }

  @Test
  void explainsAMissingNitroCli() throws Exception {
    fake("docker", "exit 0\n");
    Repo.Result r = build(GOOD);
    assertEquals(3, r.exit(), r.output());
    assertTrue(r.output().contains("nitro-cli not found"), r.output());
  }

  /** Stand-ins: docker records its arguments; nitro-cli prints measurements the way it does. */
  private Path fakeBuildHost() throws Exception {
    Path log = tmp.resolve("calls.log");
    fake("docker", "echo \"docker $*\" >> '" + log + "'\n"
        + "if [ \"$1\" = buildx ] && [ \"$2\" = version ]; then exit 1; fi\nexit 0\n");
    fake("nitro-cli", "echo \"nitro-cli $*\" >> '" + log + "'\n"
        + "signed=no; for a in \"$@\"; do [ \"$a\" = --signing-certificate ] && signed=yes; done\n"
        + "echo 'Start building the Enclave Image...'\n"
        + "cat <<JSON\n{\n  \"Measurements\": {\n    \"HashAlgorithm\": \"Sha384 { ... }\",\n"
        + "    \"PCR0\": \"" + PCR0.toUpperCase() + "\",\n    \"PCR1\": \"" + PCR1 + "\",\n"
        + "    \"PCR2\": \"" + PCR2 + "\"$( [ $signed = yes ] && printf ',\\n    \"PCR8\": \"" + PCR8
        + "\"' )\n  }\n}\nJSON\n");
    Path artifacts = Files.createDirectories(tmp.resolve("artifacts/lib"));
    Files.writeString(artifacts.resolveSibling("enclave-app.jar"), "not really a jar");
    Files.writeString(artifacts.resolve("b.jar"), "b");
    Files.writeString(artifacts.resolve("a.jar"), "a");
    Files.writeString(tmp.resolve("artifacts.sha256"), "# stand-ins\n"
        + sha256("a") + "  lib/a.jar\n" + sha256("b") + "  lib/b.jar\n");
    return log;
  }

  @Test
  void aTamperedJarStopsTheBuildBeforeDockerBuild() throws Exception {
    Path log = fakeBuildHost();
    Files.writeString(tmp.resolve("artifacts/lib/b.jar"), "b, with a backdoor");
    Repo.Result r = build(with(GOOD, "--out", tmp.resolve("out").toString(),
        "--artifacts", tmp.resolve("artifacts").toString()));
    assertEquals(1, r.exit(), r.output());
    assertTrue(r.output().contains("MISMATCH lib/b.jar"), r.output());
    assertFalse(Files.readString(log).contains("docker build"), Files.readString(log));
  }

  @Test
  void anUnlistedOrMissingJarStopsTheBuildBeforeDockerBuild() throws Exception {
    Path log = fakeBuildHost();
    Files.writeString(tmp.resolve("artifacts/lib/extra-1.0.jar"), "extra");
    Files.delete(tmp.resolve("artifacts/lib/a.jar"));
    Repo.Result r = build(with(GOOD, "--out", tmp.resolve("out").toString(),
        "--artifacts", tmp.resolve("artifacts").toString()));
    assertEquals(1, r.exit(), r.output());
    assertTrue(r.output().contains("UNLISTED lib/extra-1.0.jar"), r.output());
    assertTrue(r.output().contains("MISSING lib/a.jar"), r.output());
    assertFalse(Files.readString(log).contains("docker build"), Files.readString(log));
  }

  @Test
  void theRepositorysOwnModuleJarsNeedNoChecksum() throws Exception {
    Path log = fakeBuildHost();
    Files.writeString(tmp.resolve("artifacts/lib/chains-0.1.0-SNAPSHOT.jar"), "built from source");
    Repo.Result r = build(with(GOOD, "--out", tmp.resolve("out").toString(),
        "--artifacts", tmp.resolve("artifacts").toString()));
    assertEquals(0, r.exit(), r.output());
    assertTrue(Files.readString(log).contains("docker build"), Files.readString(log));
  }

  @Test
  void buildsTheImageThenTheEifAndWritesThePcrs() throws Exception {
    Path log = fakeBuildHost();
    Path out = tmp.resolve("out");
    Repo.Result r = build(with(GOOD, "--vsock-port", "5005", "--out", out.toString(),
        "--artifacts", tmp.resolve("artifacts").toString()));
    assertEquals(0, r.exit(), r.output());

    String calls = Files.readString(log);
    String dockerBuild = calls.lines().filter(l -> l.startsWith("docker build ")).findFirst()
        .orElseThrow(() -> new AssertionError(calls));
    for (String arg : List.of("SOURCE_DATE_EPOCH=1700000000", "REGION=eu-west-1", "VSOCK_PORT=5005",
        "PROXY_PORT=8000", "AUTH_KEY_ID=" + GOOD.get(1), "EXEC_KEY_ID=" + GOOD.get(3),
        "ACCOUNT_ID=111122223333", "DEPLOYMENT_ID=prod-eu",
        "PUBLIC_BASE_URL=" + URL + " ", "ALLOW_ANY_ORIGIN=no ", "EXPORT_QUORUM= ")) {
      assertTrue(dockerBuild.contains("--build-arg " + arg), arg + " in " + dockerBuild);
    }
    assertTrue(calls.contains("nitro-cli build-enclave --docker-uri nitrosign-enclave:build"
        + " --output-file " + out.resolve("nitrosign.eif")), calls);
    assertFalse(calls.contains("--signing-certificate"), calls);

    Path context = out.resolve("context");
    for (String f : List.of("Dockerfile", "jlink.sh", "modules.txt", "enclave-app.jar",
        "lib/a.jar", "lib/b.jar")) {
      assertTrue(Files.isRegularFile(context.resolve(f)), f);
      assertEquals(1700000000L, Files.getLastModifiedTime(context.resolve(f)).toMillis() / 1000, f);
    }

    JsonNode m = new ObjectMapper().readTree(out.resolve("pcr.json").toFile()).get("Measurements");
    assertEquals(PCR0, m.get("PCR0").asText(), "lower-case hex");
    assertEquals(PCR1, m.get("PCR1").asText());
    assertEquals(PCR2, m.get("PCR2").asText());
    assertFalse(m.has("PCR8"), "unsigned image: no PCR8");
  }

  @Test
  void theExportQuorumAndThePublicBaseUrlBecomeBuildArguments() throws Exception {
    Path log = fakeBuildHost();
    String quorum = "2:" + K1 + "," + K2;
    Repo.Result r = build(with(KMS, "--public-base-url", "https://wallets.example.com:8443/api",
        "--export-quorum", quorum, "--out", tmp.resolve("out").toString(), "--artifacts",
        tmp.resolve("artifacts").toString()));
    assertEquals(0, r.exit(), r.output());
    String dockerBuild = Files.readString(log).lines().filter(l -> l.startsWith("docker build "))
        .findFirst().orElseThrow();
    assertTrue(dockerBuild.contains("--build-arg PUBLIC_BASE_URL=https://wallets.example.com:8443/api "),
        dockerBuild);
    assertTrue(dockerBuild.contains("--build-arg EXPORT_QUORUM=" + quorum + " "), dockerBuild);
    assertTrue(dockerBuild.contains("--build-arg ALLOW_ANY_ORIGIN=no "), dockerBuild);
  }

  @Test
  void allowAnyOriginIsAnExplicitChoiceThatReachesTheDockerfile() throws Exception {
    Path log = fakeBuildHost();
    Repo.Result r = build(with(KMS, "--allow-any-origin", "--out", tmp.resolve("out").toString(),
        "--artifacts", tmp.resolve("artifacts").toString()));
    assertEquals(0, r.exit(), r.output());
    String dockerBuild = Files.readString(log).lines().filter(l -> l.startsWith("docker build "))
        .findFirst().orElseThrow();
    assertTrue(dockerBuild.contains("--build-arg PUBLIC_BASE_URL= "), dockerBuild);
    assertTrue(dockerBuild.contains("--build-arg ALLOW_ANY_ORIGIN=yes "), dockerBuild);
  }

  @Test
  void aSignedImageGetsPcr8() throws Exception {
    Path log = fakeBuildHost();
    Path cert = Files.writeString(tmp.resolve("cert.pem"), "cert");
    Path key = Files.writeString(tmp.resolve("key.pem"), "key");
    Path out = tmp.resolve("out");
    Repo.Result r = build(with(GOOD, "--out", out.toString(), "--artifacts",
        tmp.resolve("artifacts").toString(), "--signing-cert", cert.toString(), "--signing-key",
        key.toString()));
    assertEquals(0, r.exit(), r.output());
    assertTrue(Files.readString(log).contains("--signing-certificate " + cert + " --private-key " + key));
    JsonNode m = new ObjectMapper().readTree(out.resolve("pcr.json").toFile()).get("Measurements");
    assertEquals(PCR8, m.get("PCR8").asText());
    assertEquals(PCR0, m.get("PCR0").asText());
  }

  @Test
  void missingMeasurementsFailTheBuild() throws Exception {
    fakeBuildHost();
    fake("nitro-cli", "echo '{\"error\": \"E19\"}'\n");
    Repo.Result r = build(with(GOOD, "--out", tmp.resolve("out").toString(), "--artifacts",
        tmp.resolve("artifacts").toString()));
    assertEquals(1, r.exit(), r.output());
    assertTrue(r.output().contains("no PCR0, PCR1 and PCR2"), r.output());
  }
}
