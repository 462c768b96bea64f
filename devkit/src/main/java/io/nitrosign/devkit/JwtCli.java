package io.nitrosign.devkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nitrosign.devkit.jwt.DevIssuer;
import io.nitrosign.hpke.HpkeException;
import io.nitrosign.hpke.HpkeKeyPair;
import io.nitrosign.hpke.PrivyEnvelope;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * {@code ./appliance jwt mint|show|authenticate}: the devkit JWT issuer from the command line, for
 * the README walk-through and for trying user-owned wallets without Privy's SDK.
 *
 * <ul>
 *   <li>{@code mint} prints a JWT of the devkit issuer for a subject (the user's
 *       {@code custom_user_id});
 *   <li>{@code show} prints the issuer, audience, JWKS URL and kids;
 *   <li>{@code authenticate} does what the SDK does for {@code user_jwts}: exchanges a JWT at
 *       {@code POST /v1/wallets/authenticate} for a session key, HPKE-encrypted to a key made for
 *       this call (DHKEM(P-256), HKDF-SHA256, ChaCha20-Poly1305), opens it and writes it in
 *       {@code ./appliance authkey}'s format, so {@code authkey sign --key FILE} signs with it.
 * </ul>
 */
final class JwtCli {

  static final String USAGE = String.join("\n",
      "usage: ./appliance jwt mint --sub ID [--expires-in SECONDS] [--alg ES256|RS256]",
      "       ./appliance jwt show",
      "       ./appliance jwt authenticate --jwt JWT|- --out FILE",
      "  mint          prints a JWT of the devkit issuer (LOCAL MODE ONLY) for the user whose",
      "                custom_user_id is ID; default 600 s, ES256",
      "  show          the issuer, audience, JWKS URL and key ids the enclave is started with",
      "  authenticate  exchanges the JWT for a session key (POST /v1/wallets/authenticate, as",
      "                the app in stack.env) and writes it as FILE (private, 0600) and FILE.pub,",
      "                in the format of ./appliance authkey sign --key FILE",
      "  the issuer's keys are in .local/jwt/ (NITROSIGN_HOME)");

  private static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(10);
  private static final Duration LONGEST = Duration.ofDays(1);

  private JwtCli() {}

  static int run(String[] args, Path home, InputStream in, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.println(USAGE);
      return 2;
    }
    String sub = null;
    Duration lifetime = DEFAULT_LIFETIME;
    DevIssuer.Alg alg = DevIssuer.Alg.ES256;
    String jwt = null;
    String outFile = null;
    try {
      for (int i = 1; i < args.length; i += 2) {
        String v = i + 1 < args.length ? args[i + 1] : null;
        if (v == null) {
          throw new IllegalArgumentException("option " + args[i] + " needs a value");
        }
        switch (args[i]) {
          case "--sub" -> sub = v;
          case "--expires-in" -> lifetime = lifetime(v);
          case "--alg" -> alg = DevIssuer.Alg.parse(v);
          case "--jwt" -> jwt = v;
          case "--out" -> outFile = v;
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      switch (args[0]) {
        case "mint" -> {
          if (sub == null || sub.isEmpty() || sub.length() > 256) {
            throw new IllegalArgumentException("jwt mint needs --sub (1 to 256 characters)");
          }
          out.println(DevIssuer.load(home.resolve("jwt")).mint(sub, lifetime, alg));
          return 0;
        }
        case "show" -> {
          DevIssuer issuer = DevIssuer.load(home.resolve("jwt"));
          Map<String, String> env = readEnv(home);
          out.println("issuer    " + DevIssuer.ISSUER);
          out.println("audience  " + DevIssuer.AUDIENCE);
          out.println("jwks      " + env.getOrDefault("JWT_JWKS_URL", "(not running)"));
          out.println("ca        " + issuer.caFile());
          out.println("kid ES256 " + issuer.kid(DevIssuer.Alg.ES256));
          out.println("kid RS256 " + issuer.kid(DevIssuer.Alg.RS256));
          return 0;
        }
        case "authenticate" -> {
          if (jwt == null || outFile == null) {
            throw new IllegalArgumentException("jwt authenticate needs --jwt and --out");
          }
          if (jwt.equals("-")) {
            jwt = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
          }
          return authenticate(home, jwt, Path.of(outFile), out, err);
        }
        default -> throw new IllegalArgumentException("unknown command jwt " + args[0]);
      }
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (IOException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  private static Duration lifetime(String v) {
    long seconds;
    try {
      seconds = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--expires-in takes seconds");
    }
    if (seconds < 1 || seconds > LONGEST.toSeconds()) {
      throw new IllegalArgumentException("--expires-in must be 1 to " + LONGEST.toSeconds());
    }
    return Duration.ofSeconds(seconds);
  }

  private static int authenticate(Path home, String jwt, Path outFile, PrintStream out,
      PrintStream err) throws IOException {
    Map<String, String> env = readEnv(home);
    String base = env.get("BASE_URL");
    String appId = env.get("APP_ID");
    String secret = env.get("APP_SECRET");
    if (base == null || appId == null || secret == null) {
      throw new IOException("no " + home.resolve("stack.env") + ": run ./appliance local up");
    }
    ObjectMapper json = new ObjectMapper();
    try (HpkeKeyPair recipient = HpkeKeyPair.generate(new SecureRandom())) {
      byte[] spki = PrivyEnvelope.spkiOf(recipient.publicKey());
      ObjectNode body = json.createObjectNode();
      body.put("user_jwt", jwt);
      body.put("encryption_type", "HPKE");
      body.put("recipient_public_key", Base64.getEncoder().encodeToString(spki));
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create(base + "/v1/wallets/authenticate"))
          .timeout(Duration.ofSeconds(30))
          .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
              (appId + ":" + secret).getBytes(StandardCharsets.UTF_8)))
          .header("privy-app-id", appId)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        err.println("refused: HTTP " + r.statusCode() + " " + r.body());
        return 1;
      }
      JsonNode answer = json.readTree(r.body());
      JsonNode key = answer.path("encrypted_authorization_key");
      byte[] plaintext = PrivyEnvelope.open(recipient,
          Base64.getDecoder().decode(key.path("encapsulated_key").asText()),
          Base64.getDecoder().decode(key.path("ciphertext").asText()));
      try {
        // the plaintext is the base64 PKCS#8 of the session key: authkey's private key format
        io.nitrosign.authz.RequestSigner.fromPkcs8Base64(
            new String(plaintext, StandardCharsets.US_ASCII));
        Files.deleteIfExists(outFile);
        Files.createFile(outFile, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------")));
        Files.write(outFile, plaintext);
        Files.write(outFile, new byte[] {'\n'}, java.nio.file.StandardOpenOption.APPEND);
      } finally {
        Arrays.fill(plaintext, (byte) 0);
      }
      out.println("session key written to " + outFile + " (expires at "
          + java.time.Instant.ofEpochMilli(answer.path("expires_at").asLong()) + "); the user's"
          + " wallets: " + answer.path("wallets").size());
      for (JsonNode w : answer.path("wallets")) {
        out.println("  " + w.path("id").asText() + " " + w.path("address").asText());
      }
      return 0;
    } catch (HpkeException | IllegalArgumentException e) {
      err.println("error: the session key did not open: " + e.getClass().getSimpleName());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }

  private static Map<String, String> readEnv(Path home) throws IOException {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    Path file = home.resolve("stack.env");
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (eq > 0 && !line.startsWith("#")) {
          env.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
      }
    }
    return env;
  }
}
