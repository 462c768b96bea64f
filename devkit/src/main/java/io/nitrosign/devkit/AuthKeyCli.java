package io.nitrosign.devkit;

import io.nitrosign.authz.RequestSigner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * {@code ./appliance authkey new|sign}: the small signing helper of the README walk-through, for
 * callers without Privy's SDK. {@code new} writes a P-256 authorization key pair in the SDK's
 * format; {@code sign} prints the {@code privy-authorization-signature} value for one request,
 * signed exactly as {@code @privy-io/node} signs it.
 */
final class AuthKeyCli {

  static final String USAGE = String.join("\n",
      "usage: ./appliance authkey new --out FILE",
      "       ./appliance authkey sign --key FILE --app-id ID --url URL [--method POST]",
      "                   [--body FILE|-] [--expiry MILLIS] [--idempotency-key K]",
      "  new    writes a P-256 key pair: FILE (private key, base64 DER PKCS#8, mode 0600) and",
      "         FILE.pub (public key, base64 DER SPKI: what owner.public_key takes)",
      "  sign   prints the base64 DER signature over the request (RFC 8785 JSON of",
      "         {version, method, url, body, headers}); send it as privy-authorization-signature",
      "         with the same privy-request-expiry (and privy-idempotency-key, if given)");

  private AuthKeyCli() {}

  static int run(String[] args, java.io.InputStream in, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.println(USAGE);
      return 2;
    }
    String out_ = null;
    String key = null;
    String appId = null;
    String url = null;
    String method = "POST";
    String body = null;
    String expiry = null;
    String idem = null;
    try {
      for (int i = 1; i < args.length; i++) {
        String v = i + 1 < args.length ? args[i + 1] : null;
        if (v == null) {
          throw new IllegalArgumentException("option " + args[i] + " needs a value");
        }
        switch (args[i]) {
          case "--out" -> out_ = v;
          case "--key" -> key = v;
          case "--app-id" -> appId = v;
          case "--url" -> url = v;
          case "--method" -> method = v;
          case "--body" -> body = v;
          case "--expiry" -> expiry = v;
          case "--idempotency-key" -> idem = v;
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
        i++;
      }
      if (args[0].equals("new")) {
        if (out_ == null) {
          throw new IllegalArgumentException("authkey new needs --out FILE");
        }
        RequestSigner.KeyPairText pair = RequestSigner.generate();
        Path priv = Path.of(out_);
        Files.writeString(priv, pair.privateKey() + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(Path.of(out_ + ".pub"), pair.publicKey() + "\n", StandardCharsets.UTF_8);
        out.println(pair.publicKey());
        return 0;
      }
      if (!args[0].equals("sign") || key == null || appId == null || url == null) {
        throw new IllegalArgumentException("authkey sign needs --key, --app-id and --url");
      }
      String text = body == null ? ""
          : body.equals("-") ? new String(in.readAllBytes(), StandardCharsets.UTF_8)
          : Files.readString(Path.of(body), StandardCharsets.UTF_8);
      RequestSigner signer = RequestSigner.fromPkcs8Base64(Files.readString(Path.of(key)));
      out.println(signer.signRequest(method, url, text, appId, idem, expiry));
      return 0;
    } catch (RuntimeException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (IOException e) {
      err.println("cannot read or write a file: " + e.getMessage());
      return 1;
    }
  }
}
