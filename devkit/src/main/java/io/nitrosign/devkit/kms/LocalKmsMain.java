package io.nitrosign.devkit.kms;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the local KMS, or prepares its keys.
 *
 * <pre>
 * LocalKmsMain [serve] --port N --state-dir DIR --nsm-root PEM [--region R]
 *              --access-key-id ID [--secret-access-key S] [--ready-file FILE]
 * LocalKmsMain create-keys --state-dir DIR --pcr0 HEX[,HEX...] [--region R] [--update-policy]
 * </pre>
 *
 * {@code serve} listens on 127.0.0.1:N (0 picks a port), writes the port to {@code --ready-file}
 * once it accepts requests, and runs until SIGTERM. The secret access key may come from the
 * environment variable {@code NITROSIGN_LOCAL_KMS_SECRET} instead of the command line.
 *
 * <p>{@code create-keys} works on the state directory directly (run it while the server is
 * stopped): it makes sure there is an {@code auth} and an {@code exec} key whose policy allows
 * {@code kms:Decrypt} and {@code kms:GenerateDataKey} only to a recipient whose attested
 * {@code ImageSha384} (PCR0) is one of the given values, and {@code kms:DescribeKey} to anyone.
 * Existing role keys are kept (and their policy replaced only with {@code --update-policy}, for
 * an enclave upgrade: pass old and new PCR0). It prints
 * {@code {"auth":{"KeyId":..,"Arn":..},"exec":{..}}} on one line.
 */
public final class LocalKmsMain {

  private static final ObjectMapper JSON = new ObjectMapper();

  private LocalKmsMain() {}

  public static void main(String[] args) throws Exception {
    List<String> list = new ArrayList<>(List.of(args));
    String command = !list.isEmpty() && !list.get(0).startsWith("--") ? list.remove(0) : "serve";
    try {
      Map<String, String> opts = options(list);
      switch (command) {
        case "serve" -> serve(opts);
        case "create-keys" -> System.out.println(createKeys(opts));
        default -> throw new IllegalArgumentException("unknown command " + command);
      }
    } catch (IllegalArgumentException e) {
      System.err.println("local-kms: " + e.getMessage());
      System.err.println("usage: LocalKmsMain [serve] --port N --state-dir DIR --nsm-root PEM "
          + "[--region R] --access-key-id ID [--secret-access-key S] [--ready-file FILE]");
      System.err.println("       LocalKmsMain create-keys --state-dir DIR --pcr0 HEX[,HEX...] "
          + "[--region R] [--update-policy]");
      System.exit(2);
    }
  }

  private static Map<String, String> options(List<String> args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + a);
      }
      if (a.equals("--update-policy")) {
        out.put(a, "true");
      } else if (i + 1 < args.size()) {
        out.put(a, args.get(++i));
      } else {
        throw new IllegalArgumentException(a + " needs a value");
      }
    }
    return out;
  }

  private static String required(Map<String, String> opts, String name) {
    String v = opts.get(name);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException(name + " is required");
    }
    return v;
  }

  private static void serve(Map<String, String> opts) throws Exception {
    int port = Integer.parseInt(required(opts, "--port"));
    Path stateDir = Path.of(required(opts, "--state-dir"));
    X509Certificate root = readRoot(Path.of(required(opts, "--nsm-root")));
    String region = opts.getOrDefault("--region", "us-east-1");
    String accessKeyId = required(opts, "--access-key-id");
    String secret = opts.getOrDefault("--secret-access-key",
        System.getenv("NITROSIGN_LOCAL_KMS_SECRET"));
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("--secret-access-key (or NITROSIGN_LOCAL_KMS_SECRET) "
          + "is required");
    }
    LocalKeyStore keys = LocalKeyStore.open(stateDir, region);
    AttestationCheck check = attestationCheck(root);
    LocalKmsServer server = LocalKmsServer.start(new LocalKms(keys, check, Clock.systemUTC()),
        accessKeyId, secret, port, Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "local-kms-stop"));
    if (opts.containsKey("--ready-file")) {
      Path ready = Path.of(opts.get("--ready-file"));
      Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
      Files.writeString(tmp, Integer.toString(server.port()), StandardCharsets.UTF_8);
      Files.move(tmp, ready, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    System.out.println("local KMS ready on " + server.endpoint() + " (state " + stateDir + ")");
    stopped.await();
  }

  /**
   * The attestation check the server uses. The {@code attestation} module's verifier is not part
   * of this build yet, so requests with a Recipient are refused (fail closed) with a message that
   * says so; integrating it replaces this method's body with the adapter over {@code
   * AttestationVerifier.withRoot(root)}.
   */
  static AttestationCheck attestationCheck(X509Certificate root) {
    return new AttestationModuleCheck(root);
  }

  static X509Certificate readRoot(Path pem) throws IOException {
    try (InputStream in = Files.newInputStream(pem)) {
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(in);
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      System.err.println("local-kms: trusting NSM root " + cert.getSubjectX500Principal()
          + " sha256 " + HexFormat.of().formatHex(sha));
      return cert;
    } catch (CertificateException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalArgumentException("--nsm-root " + pem + " is not a PEM certificate");
    }
  }

  /** Creates (or finds) the auth and exec keys; returns the one-line JSON to print. */
  static String createKeys(Map<String, String> opts) throws IOException {
    Path stateDir = Path.of(required(opts, "--state-dir"));
    String region = opts.getOrDefault("--region", "us-east-1");
    List<String> pcr0s = new ArrayList<>();
    for (String p : required(opts, "--pcr0").split(",")) {
      String hex = p.trim().toLowerCase(java.util.Locale.ROOT);
      if (!hex.matches("[0-9a-f]{96}")) {
        throw new IllegalArgumentException("--pcr0 must be 96 hex digits (SHA-384), got " + p);
      }
      pcr0s.add(hex);
    }
    boolean update = opts.containsKey("--update-policy");
    LocalKeyStore keys = LocalKeyStore.open(stateDir, region);
    KeyPolicy policy = KeyPolicy.parse(enclavePolicy(pcr0s));
    ObjectNode out = JSON.createObjectNode();
    for (String role : List.of("auth", "exec")) {
      KmsKey key = keys.byRole(role).orElse(null);
      if (key == null) {
        key = keys.create("nitrosign " + role + " sealing key (local mode)", policy, role);
      } else if (update) {
        key = keys.setPolicy(key.keyId(), policy);
      }
      ObjectNode n = out.putObject(role);
      n.put("KeyId", key.id());
      n.put("Arn", key.arn());
    }
    return JSON.writeValueAsString(out);
  }

  /**
   * The key policy for the enclave's sealing keys: Decrypt and GenerateDataKey only for a
   * recipient attested with one of the given PCR0 values; DescribeKey for anyone.
   */
  public static String enclavePolicy(List<String> pcr0s) {
    ObjectNode root = JSON.createObjectNode();
    root.put("Version", "2012-10-17");
    ArrayNode st = root.putArray("Statement");
    ObjectNode enclave = st.addObject();
    enclave.put("Sid", "EnclaveOnly");
    enclave.put("Effect", "Allow");
    enclave.putObject("Principal").put("AWS", "arn:aws:iam::" + LocalKeyStore.ACCOUNT
        + ":role/nitrosign-enclave");
    enclave.putArray("Action").add("kms:Decrypt").add("kms:GenerateDataKey");
    enclave.put("Resource", "*");
    ArrayNode values = enclave.putObject("Condition").putObject("StringEqualsIgnoreCase")
        .putArray(RequestContext.IMAGE_SHA384);
    pcr0s.forEach(values::add);
    ObjectNode describe = st.addObject();
    describe.put("Sid", "Describe");
    describe.put("Effect", "Allow");
    describe.putObject("Principal").put("AWS", "arn:aws:iam::" + LocalKeyStore.ACCOUNT + ":root");
    describe.put("Action", "kms:DescribeKey");
    describe.put("Resource", "*");
    return root.toString();
  }
}
