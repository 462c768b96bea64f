package io.nitrosign.devkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nitrosign.attestation.AttestationException;
import io.nitrosign.attestation.AttestationPolicy;
import io.nitrosign.attestation.AttestationVerifier;
import io.nitrosign.chains.AttestationPurpose;
import io.nitrosign.hpke.Hpke;
import io.nitrosign.hpke.HpkeException;
import io.nitrosign.hpke.ImportEnvelope;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ./appliance wallet import}: brings an existing private key into the enclave without the
 * parent host ever seeing it.
 *
 * <ol>
 *   <li>asks the parent for the enclave's per-boot HPKE key, with a fresh random nonce;
 *   <li>verifies the attestation document that vouches for that key: signature and chain to the
 *       trusted root, the expected PCRs, our nonce, the key itself, user_data = the import-key
 *       purpose tag (no document made for another purpose), at most 5 minutes old;
 *   <li>encrypts the key to it (HPKE, RFC 9180; aad = the wallet id) and submits the ciphertext.
 * </ol>
 *
 * Exit codes: 0 imported, 1 failed (including an attestation that does not verify), 2 usage.
 */
public final class WalletImportCli {

  static final String USAGE = String.join("\n",
      "usage: ./appliance wallet import [--key-file FILE|-] [--chain-type TYPE]",
      "           [--stack-env FILE] [--root ROOT.pem] [--pcrs PCRS.json]",
      "  --key-file FILE   the private key as hex (32 bytes: a secp256k1 scalar, or for solana",
      "                    and stellar the Ed25519 seed); - or absent: standard input",
      "  --chain-type TYPE ethereum (default), solana, stellar, bitcoin, bitcoin-testnet",
      "  --stack-env FILE  BASE_URL, APP_ID, APP_SECRET (default .local/stack.env)",
      "  --root ROOT.pem   trusted attestation root (default: local mode's .local/nsm/root.pem;",
      "                    pass --root aws for the AWS Nitro root)",
      "  --pcrs FILE       expected PCRs, as nitro-cli prints them (default .local/nsm/pcrs.json)");

  private WalletImportCli() {}

  static int run(String[] args, Path home, InputStream stdin, PrintStream out, PrintStream err) {
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        err.println(USAGE);
        return 2;
      }
      opt.put(args[i], args[++i]);
    }
    for (String k : opt.keySet()) {
      if (!k.matches("--(key-file|chain-type|stack-env|root|pcrs)")) {
        err.println("unknown option " + k);
        err.println(USAGE);
        return 2;
      }
    }
    byte[] key = null;
    try {
      String keyFile = opt.getOrDefault("--key-file", "-");
      String hex = (keyFile.equals("-") ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8)
          : Files.readString(Path.of(keyFile), StandardCharsets.UTF_8)).trim();
      if (hex.startsWith("0x")) {
        hex = hex.substring(2);
      }
      if (!hex.matches("[0-9a-fA-F]{64}")) {
        err.println("error: the private key must be 32 bytes of hex");
        return 1;
      }
      key = HexFormat.of().parseHex(hex);
      Map<String, String> env = readEnv(Path.of(opt.getOrDefault("--stack-env",
          home.resolve("stack.env").toString())));
      X509Certificate root = "aws".equals(opt.get("--root")) ? null
          : AttestationVerifier.readCertificate(Files.readAllBytes(Path.of(opt.getOrDefault(
              "--root", home.resolve("nsm").resolve("root.pem").toString()))));
      String pcrs = Files.readString(Path.of(opt.getOrDefault("--pcrs",
          home.resolve("nsm").resolve("pcrs.json").toString())), StandardCharsets.UTF_8);
      Map<Integer, byte[]> expected;
      try {
        expected = AttestationPolicy.pcrsFromNitroCliJson(pcrs); // requires PCR0
      } catch (IllegalArgumentException e) {
        err.println("error: --pcrs: " + e.getMessage() + "; the key was NOT sent");
        return 2;
      }
      JsonNode wallet = importKey(env, opt.getOrDefault("--chain-type", "ethereum"), key, root,
          expected, err);
      out.println(wallet.toString());
      return 0;
    } catch (ImportException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (IOException | java.security.cert.CertificateException e) {
      err.println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } finally {
      if (key != null) {
        Arrays.fill(key, (byte) 0);
      }
    }
  }

  /** A failure with a message for the person at the terminal. */
  static final class ImportException extends Exception {
    ImportException(String message) {
      super(message, null, false, false);
    }
  }

  static JsonNode importKey(Map<String, String> env, String chainType, byte[] key,
      X509Certificate root, Map<Integer, byte[]> pcrs, PrintStream log)
      throws IOException, ImportException {
    ObjectMapper json = new ObjectMapper();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String base = require(env, "BASE_URL");
    String auth = "Basic " + Base64.getEncoder().encodeToString((require(env, "APP_ID") + ":"
        + require(env, "APP_SECRET")).getBytes(StandardCharsets.UTF_8));
    SecureRandom random = new SecureRandom();
    byte[] nonce = new byte[32];
    random.nextBytes(nonce);

    ObjectNode init = json.createObjectNode();
    init.put("chain_type", chainType);
    init.put("encryption_type", "HPKE");
    init.put("entropy_type", "private-key");
    init.put("nonce", HexFormat.of().formatHex(nonce));
    JsonNode initReply = post(http, json, base + "/v1/wallets/import/init", auth, init);
    String walletId = initReply.path("wallet_id").asText();
    byte[] hpkeKey = Base64.getDecoder().decode(initReply.path("encryption_public_key").asText());
    byte[] document = Base64.getDecoder().decode(initReply.path("attestation_document").asText());

    AttestationVerifier verifier = root == null ? AttestationVerifier.awsNitro()
        : AttestationVerifier.withRoot(root);
    try {
      verifier.verify(document, AttestationPolicy.builder().addAllowedPcrSet(pcrs)
          .expectNonce(nonce).expectPublicKey(hpkeKey)
          .expectPurpose(AttestationPurpose.IMPORT_KEY, null)
          .maxAge(Duration.ofMinutes(5)).build(),
          Instant.now());
    } catch (AttestationException e) {
      throw new ImportException("the enclave's attestation did not verify (" + e.reason() + ": "
          + e.getMessage() + "); the key was NOT sent");
    }
    log.println("attestation verified: the import key belongs to an enclave with the expected"
        + " PCRs");

    Hpke.Sealed sealed;
    try {
      sealed = ImportEnvelope.seal(hpkeKey, walletId, key, random);
    } catch (HpkeException e) {
      throw new ImportException("could not encrypt to the enclave's key (" + e.reason() + ")");
    }
    ObjectNode w = json.createObjectNode();
    w.put("wallet_id", walletId);
    w.put("chain_type", chainType);
    w.put("encryption_type", "HPKE");
    w.put("entropy_type", "private-key");
    w.put("encapsulated_key", Base64.getEncoder().encodeToString(sealed.enc()));
    w.put("ciphertext", Base64.getEncoder().encodeToString(sealed.ciphertext()));
    ObjectNode submit = json.createObjectNode();
    submit.set("wallet", w);
    return post(http, json, base + "/v1/wallets/import/submit", auth, submit);
  }

  private static JsonNode post(HttpClient http, ObjectMapper json, String url, String auth,
      JsonNode body) throws IOException, ImportException {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(30)).header("Authorization", auth)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode reply = r.body() == null || r.body().isBlank() ? json.createObjectNode()
          : json.readTree(r.body());
      if (r.statusCode() != 200) {
        throw new ImportException(url.substring(url.indexOf("/v1/")) + " answered HTTP "
            + r.statusCode() + ": " + reply.path("error").asText(r.body()));
      }
      return reply;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImportException("interrupted");
    }
  }

  private static String require(Map<String, String> env, String key) throws ImportException {
    String v = env.get(key);
    if (v == null || v.isBlank()) {
      throw new ImportException(key + " missing from the stack env file (run ./appliance local up)");
    }
    return v;
  }

  static Map<String, String> readEnv(Path file) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (eq > 0 && !line.startsWith("#")) {
        env.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    return env;
  }
}
