package io.nitrosign.devkit.jwt;

import io.nitrosign.chains.Pem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * LOCAL MODE ONLY: the devkit's OpenID-style JWT issuer, standing in for the identity provider
 * whose JWTs an app's users present ({@code authorization_context.user_jwts}). It has
 *
 * <ul>
 *   <li>two signing keys, an ES256 (P-256) and an RS256 (RSA 2048) key, each with a {@code kid}
 *       (its RFC 7638 JWK thumbprint), published as a JWKS;
 *   <li>its own TLS certificate authority and a server certificate for 127.0.0.1 and localhost,
 *       because the enclave fetches the JWKS only over TLS to a pinned root
 *       ({@code --jwt-trust-roots}, here {@link #caFile()}).
 * </ul>
 *
 * All of it lives in one directory ({@code .local/jwt/}), made on first use and reused after, so
 * a JWT minted before {@code ./appliance local down} still verifies after the next {@code up},
 * and the enclave's trust root does not change under wallets already made. Private keys are
 * PKCS#8 PEM files of mode 0600. The JWTs it mints are real (JDK crypto, the verifier in the
 * enclave is independent of it); only the keys' custody is a development one.
 */
public final class DevIssuer {

  /** The {@code iss} of every JWT this issuer mints (independent of the port it listens on). */
  public static final String ISSUER = "https://issuer.devkit.nitrosign.local";
  /** The {@code aud} of every JWT this issuer mints, and the enclave's configured audience. */
  public static final String AUDIENCE = "nitrosign-local";
  /** Where the server publishes the JWKS. */
  public static final String JWKS_PATH = "/.well-known/jwks.json";
  /** OpenID discovery document (issuer and jwks_uri), for tools that start from the issuer. */
  public static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

  static final String CA_CERT = "ca.pem";
  static final String CA_KEY = "ca.key";
  static final String SERVER_CERT = "server.pem";
  static final String SERVER_KEY = "server.key";
  static final String ES256_KEY = "es256.key";
  static final String ES256_PUBLIC = "es256.pub";
  static final String RS256_KEY = "rs256.key";

  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final Duration SERVER_VALIDITY = Duration.ofDays(397);
  /** A server certificate closer than this to its end is replaced (same CA) at load. */
  private static final Duration SERVER_RENEW = Duration.ofDays(30);
  private static final char[] KEYSTORE_PASSWORD = "devkit-issuer".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The two JWS algorithms the enclave accepts. */
  public enum Alg {
    ES256, RS256;

    /** Parses {@code ES256} or {@code RS256} (any case). */
    public static Alg parse(String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("alg must be ES256 or RS256");
      }
    }
  }

  private final Path dir;
  private final X509Certificate ca;
  private final X509Certificate server;
  private final PrivateKey serverKey;
  private final KeyPair es256;
  private final KeyPair rs256;

  private DevIssuer(Path dir, X509Certificate ca, X509Certificate server, PrivateKey serverKey,
      KeyPair es256, KeyPair rs256) {
    this.dir = dir;
    this.ca = ca;
    this.server = server;
    this.serverKey = serverKey;
    this.es256 = es256;
    this.rs256 = rs256;
  }

  /**
   * The issuer kept in {@code dir}: loaded when it is there, made (directory 0700, keys 0600)
   * when it is not. A server certificate about to expire is replaced under the same CA.
   *
   * @throws IOException when the directory holds part of an issuer only, or files that do not
   *     belong together
   */
  public static DevIssuer loadOrCreate(Path dir) throws IOException {
    try {
      boolean any = false;
      boolean all = true;
      for (String f : new String[] {CA_CERT, CA_KEY, ES256_KEY, ES256_PUBLIC, RS256_KEY}) {
        boolean e = Files.exists(dir.resolve(f));
        any |= e;
        all &= e;
      }
      if (any && !all) {
        throw new IOException("half a devkit JWT issuer in " + dir
            + ": restore the missing files or remove the directory (JWTs minted before and"
            + " the enclave's --jwt-trust-roots change with it)");
      }
      if (!any) {
        create(dir);
      }
      return load(dir);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("devkit JWT issuer in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The issuer kept in {@code dir}; fails when there is none (nothing is created). */
  public static DevIssuer load(Path dir) throws IOException {
    if (!Files.exists(dir.resolve(CA_CERT))) {
      throw new IOException("no devkit JWT issuer in " + dir + " (./appliance local up makes it)");
    }
    try {
      X509Certificate ca = certificate(Files.readString(dir.resolve(CA_CERT)));
      PrivateKey caKey = privateKey(dir.resolve(CA_KEY), "EC");
      requirePair(ca.getPublicKey(), caKey, "SHA256withECDSA", CA_KEY + " and " + CA_CERT);
      if (!Files.exists(dir.resolve(SERVER_CERT)) || !Files.exists(dir.resolve(SERVER_KEY))
          || renewalDue(certificate(Files.readString(dir.resolve(SERVER_CERT))))) {
        issueServerCertificate(dir, ca, caKey);
      }
      X509Certificate server = certificate(Files.readString(dir.resolve(SERVER_CERT)));
      server.verify(ca.getPublicKey());
      PrivateKey serverKey = privateKey(dir.resolve(SERVER_KEY), "EC");
      requirePair(server.getPublicKey(), serverKey, "SHA256withECDSA", SERVER_KEY);
      ECPrivateKey es = (ECPrivateKey) privateKey(dir.resolve(ES256_KEY), "EC");
      RSAPrivateCrtKey rs = (RSAPrivateCrtKey) privateKey(dir.resolve(RS256_KEY), "RSA");
      KeyPair esPair = new KeyPair(publicKey(dir.resolve(ES256_PUBLIC), "EC"), es);
      KeyPair rsPair = new KeyPair(KeyFactory.getInstance("RSA").generatePublic(
          new RSAPublicKeySpec(rs.getModulus(), rs.getPublicExponent())), rs);
      requirePair(esPair.getPublic(), es, "SHA256withECDSA", ES256_KEY);
      return new DevIssuer(dir, ca, server, serverKey, esPair, rsPair);
    } catch (GeneralSecurityException | OperatorCreationException | ClassCastException e) {
      throw new IOException("devkit JWT issuer in " + dir + " does not load: " + e.getMessage(),
          e);
    }
  }

  /** The directory the issuer is kept in. */
  public Path dir() {
    return dir;
  }

  /** The CA certificate (PEM) the server's certificate chains to: the enclave's trust root. */
  public Path caFile() {
    return dir.resolve(CA_CERT);
  }

  public X509Certificate caCertificate() {
    return ca;
  }

  /** The kid of the key of {@code alg}: its RFC 7638 JWK thumbprint. */
  public String kid(Alg alg) {
    return thumbprint(alg == Alg.ES256 ? es256.getPublic() : rs256.getPublic());
  }

  /** The JSON Web Key Set of both signing keys (public halves only). */
  public String jwks() {
    return "{\"keys\":[" + jwk(es256.getPublic(), true) + "," + jwk(rs256.getPublic(), true)
        + "]}";
  }

  /** A TLS server context presenting this issuer's server certificate (and the CA after it). */
  public SSLContext serverContext() throws GeneralSecurityException, IOException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", serverKey, KEYSTORE_PASSWORD, new Certificate[] {server, ca});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, KEYSTORE_PASSWORD);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, RANDOM);
    return ctx;
  }

  /**
   * A JWT for {@code subject}: {@code iss} {@link #ISSUER}, {@code aud} {@link #AUDIENCE},
   * {@code iat} now, {@code exp} now + {@code expiresIn} (negative: already expired), signed with
   * the key of {@code alg} and naming its kid.
   */
  public String mint(String subject, Duration expiresIn, Alg alg) {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", ISSUER);
    claims.put("aud", AUDIENCE);
    claims.put("sub", subject);
    claims.put("iat", now);
    claims.put("exp", now + expiresIn.toSeconds());
    return mint(alg, claims);
  }

  /** A JWT with exactly these claims (strings and numbers), signed with the key of {@code alg}. */
  public String mint(Alg alg, Map<String, Object> claims) {
    KeyPair key = alg == Alg.ES256 ? es256 : rs256;
    return sign(alg, kid(alg), key.getPrivate(), claims);
  }

  /**
   * A compact JWS: header {@code {"alg","typ":"JWT","kid"}}, the claims as a JSON object, the
   * signature of {@code key} (ES256: r || s, 64 bytes; RS256: PKCS#1 v1.5). Also for keys that are
   * not this issuer's, to make JWTs the enclave must refuse.
   */
  public static String sign(Alg alg, String kid, PrivateKey key, Map<String, Object> claims) {
    String header = b64(("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\",\"kid\":" + quote(kid) + "}")
        .getBytes(StandardCharsets.UTF_8));
    StringBuilder json = new StringBuilder("{");
    claims.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append(quote(k))
        .append(':').append(v instanceof Number ? v.toString() : quote(String.valueOf(v))));
    String payload = b64(json.append('}').toString().getBytes(StandardCharsets.UTF_8));
    try {
      Signature s = Signature.getInstance(alg == Alg.ES256 ? "SHA256withECDSAinP1363Format"
          : "SHA256withRSA");
      s.initSign(key);
      s.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
      return header + "." + payload + "." + b64(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a JWT with " + alg, e);
    }
  }

  /** A fresh key pair for {@code alg} (P-256 or RSA 2048), e.g. a key no JWKS publishes. */
  public static KeyPair generate(Alg alg) {
    try {
      if (alg == Alg.ES256) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048, RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + alg + " key", e);
    }
  }

  /** The RFC 7638 thumbprint (base64url SHA-256 of the canonical JWK) of a public key. */
  public static String thumbprint(PublicKey key) {
    try {
      return b64(MessageDigest.getInstance("SHA-256")
          .digest(jwk(key, false).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------------------ internals

  /**
   * The JWK of a public key; {@code full} adds kid, alg and use, otherwise only the required
   * members in lexicographic order (the thumbprint input).
   */
  private static String jwk(PublicKey key, boolean full) {
    if (key instanceof ECPublicKey ec) {
      String x = b64(fixed32(ec.getW().getAffineX()));
      String y = b64(fixed32(ec.getW().getAffineY()));
      String required = "\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + x + "\",\"y\":\"" + y + "\"";
      return full ? "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + x + "\",\"y\":\"" + y
          + "\",\"use\":\"sig\",\"alg\":\"ES256\",\"kid\":\"" + thumbprint(key) + "\"}"
          : "{" + required + "}";
    }
    RSAPublicKey rsa = (RSAPublicKey) key;
    String e = b64(unsigned(rsa.getPublicExponent()));
    String n = b64(unsigned(rsa.getModulus()));
    return full ? "{\"kty\":\"RSA\",\"n\":\"" + n + "\",\"e\":\"" + e
        + "\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + thumbprint(key) + "\"}"
        : "{\"e\":\"" + e + "\",\"kty\":\"RSA\",\"n\":\"" + n + "\"}";
  }

  private static void create(Path dir)
      throws IOException, GeneralSecurityException, OperatorCreationException {
    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwx------")));
    KeyPair caKey = generate(Alg.ES256);
    X500Name subject = new X500Name(
        "CN=nitrosign devkit JWT issuer CA (LOCAL MODE ONLY),O=nitrosign devkit");
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(CA_VALIDITY)), subject,
        caKey.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
    b.addExtension(Extension.keyUsage, true,
        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    X509Certificate ca = new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));
    KeyPair es = generate(Alg.ES256);
    writePrivate(dir.resolve(ES256_KEY), es.getPrivate());
    Pem.writeAtomically(dir.resolve(ES256_PUBLIC), Pem.encode("PUBLIC KEY", es.getPublic().getEncoded()), false);
    writePrivate(dir.resolve(RS256_KEY), generate(Alg.RS256).getPrivate());
    writePrivate(dir.resolve(CA_KEY), caKey.getPrivate());
    // the certificate last: its presence is what marks a complete issuer
    Pem.writeAtomically(dir.resolve(CA_CERT), Pem.encode("CERTIFICATE", ca.getEncoded()), false);
    issueServerCertificate(dir, ca, caKey.getPrivate());
  }

  private static void issueServerCertificate(Path dir, X509Certificate ca, PrivateKey caKey)
      throws IOException, GeneralSecurityException, OperatorCreationException {
    KeyPair key = generate(Alg.ES256);
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
        X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), serial(),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(SERVER_VALIDITY)),
        new X500Name("CN=127.0.0.1,O=nitrosign devkit"), key.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    b.addExtension(Extension.extendedKeyUsage, false,
        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
        new GeneralName(GeneralName.dNSName, "localhost")}));
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey)));
    writePrivate(dir.resolve(SERVER_KEY), key.getPrivate());
    Pem.writeAtomically(dir.resolve(SERVER_CERT), Pem.encode("CERTIFICATE", cert.getEncoded()), false);
  }

  private static boolean renewalDue(X509Certificate c) {
    return c.getNotAfter().toInstant().isBefore(Instant.now().plus(SERVER_RENEW));
  }

  private static PublicKey publicKey(Path file, String type)
      throws IOException, GeneralSecurityException {
    return KeyFactory.getInstance(type).generatePublic(
        new java.security.spec.X509EncodedKeySpec(Pem.decode(Files.readString(file), "PUBLIC KEY")));
  }

  private static void requirePair(PublicKey pub, PrivateKey priv, String alg, String what)
      throws GeneralSecurityException {
    byte[] probe = "nitrosign devkit issuer probe".getBytes(StandardCharsets.US_ASCII);
    Signature s = Signature.getInstance(alg);
    s.initSign(priv);
    s.update(probe);
    byte[] sig = s.sign();
    Signature v = Signature.getInstance(alg);
    v.initVerify(pub);
    v.update(probe);
    if (!v.verify(sig)) {
      throw new GeneralSecurityException(what + " do not belong together");
    }
  }

  private static X509Certificate certificate(String pem) throws IOException,
      GeneralSecurityException {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Pem.decode(pem, "CERTIFICATE")));
  }

  private static PrivateKey privateKey(Path file, String type)
      throws IOException, GeneralSecurityException {
    byte[] der = Pem.decode(Files.readString(file), "PRIVATE KEY");
    try {
      return KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(der));
    } finally {
      java.util.Arrays.fill(der, (byte) 0);
    }
  }

  private static void writePrivate(Path file, PrivateKey key) throws IOException {
    byte[] der = key.getEncoded();
    try {
      Pem.writeAtomically(file, Pem.encode("PRIVATE KEY", der), true);
    } finally {
      java.util.Arrays.fill(der, (byte) 0);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM).setBit(63);
  }

  private static byte[] fixed32(BigInteger v) {
    byte[] raw = unsigned(v);
    byte[] out = new byte[32];
    System.arraycopy(raw, 0, out, 32 - raw.length, raw.length);
    return out;
  }

  private static byte[] unsigned(BigInteger v) {
    byte[] b = v.toByteArray();
    return b[0] == 0 && b.length > 1 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
  }

  static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** A JSON string literal. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
