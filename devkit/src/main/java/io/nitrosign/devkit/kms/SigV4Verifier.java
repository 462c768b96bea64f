package io.nitrosign.devkit.kms;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies AWS Signature Version 4 on a request, from the published algorithm: canonical request,
 * string to sign, the HMAC-SHA256 chain of the signing key (date, region, service, {@code
 * aws4_request}) and a constant-time comparison of the signature. Also checks the credential scope
 * (access key id, date, region, service {@code kms}) and that {@code X-Amz-Date} is within 15
 * minutes of now, as AWS does. Session tokens are not supported (static credentials only).
 */
final class SigV4Verifier {

  private static final Pattern AUTH = Pattern.compile(
      "AWS4-HMAC-SHA256\\s+Credential=([^,\\s]+)\\s*,\\s*SignedHeaders=([^,\\s]+)\\s*,\\s*"
      + "Signature=([0-9a-f]{64})\\s*");
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Duration MAX_SKEW = Duration.ofMinutes(15);

  private final String accessKeyId;
  private final byte[] secret;
  private final String region;

  SigV4Verifier(String accessKeyId, String secretAccessKey, String region) {
    this.accessKeyId = accessKeyId;
    this.secret = ("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8);
    this.region = region;
  }

  /**
   * @param headers lowercase header name to its values
   * @throws KmsError MissingAuthenticationTokenException, UnrecognizedClientException or
   *     InvalidSignatureException
   */
  void verify(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
      byte[] body, Instant now) {
    String authorization = first(headers, "authorization");
    if (authorization == null) {
      throw new KmsError(400, "MissingAuthenticationTokenException",
          "Missing Authentication Token");
    }
    Matcher m = AUTH.matcher(authorization);
    if (!m.matches()) {
      throw new KmsError(400, "IncompleteSignatureException",
          "Authorization header requires AWS4-HMAC-SHA256 with Credential, SignedHeaders and "
          + "Signature.");
    }
    String[] scope = m.group(1).split("/", -1);
    if (scope.length != 5) {
      throw new KmsError(400, "IncompleteSignatureException", "Malformed credential scope.");
    }
    if (!MessageDigest.isEqual(scope[0].getBytes(StandardCharsets.UTF_8),
        accessKeyId.getBytes(StandardCharsets.UTF_8))) {
      throw new KmsError(400, "UnrecognizedClientException",
          "The security token included in the request is invalid.");
    }
    String amzDate = first(headers, "x-amz-date");
    if (amzDate == null) {
      throw new KmsError(400, "IncompleteSignatureException", "X-Amz-Date is missing.");
    }
    Instant signedAt;
    try {
      signedAt = Instant.from(AMZ_DATE.parse(amzDate));
    } catch (DateTimeParseException e) {
      throw new KmsError(400, "IncompleteSignatureException", "X-Amz-Date is malformed.");
    }
    if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
      throw new KmsError(400, "InvalidSignatureException", "Signature expired: " + amzDate
          + " is not within 15 minutes of the server's time.");
    }
    if (!scope[1].equals(amzDate.substring(0, 8)) || !scope[2].equals(region)
        || !scope[3].equals("kms") || !scope[4].equals("aws4_request")) {
      throw new KmsError(400, "InvalidSignatureException", "Credential should be scoped to "
          + amzDate.substring(0, 8) + "/" + region + "/kms/aws4_request.");
    }
    String signedHeaders = m.group(2);
    List<String> names = List.of(signedHeaders.split(";"));
    if (!names.contains("host")) {
      throw new KmsError(400, "InvalidSignatureException", "The host header must be signed.");
    }
    StringBuilder canonicalHeaders = new StringBuilder();
    for (String name : names) {
      List<String> values = headers.get(name);
      if (values == null) {
        throw new KmsError(400, "InvalidSignatureException",
            "Signed header " + name + " is missing.");
      }
      List<String> trimmed = new ArrayList<>();
      for (String v : values) {
        trimmed.add(v.strip().replaceAll(" +", " "));
      }
      canonicalHeaders.append(name).append(':').append(String.join(",", trimmed)).append('\n');
    }
    HexFormat hex = HexFormat.of();
    String payloadHash = hex.formatHex(sha256(body));
    String canonicalRequest = method + "\n" + canonicalUri(rawPath) + "\n"
        + canonicalQuery(rawQuery) + "\n" + canonicalHeaders + "\n" + signedHeaders + "\n"
        + payloadHash;
    String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + String.join("/", scope[1],
        scope[2], scope[3], scope[4]) + "\n"
        + hex.formatHex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(secret, scope[1]);
    key = hmac(key, scope[2]);
    key = hmac(key, scope[3]);
    key = hmac(key, "aws4_request");
    byte[] expected = hmac(key, stringToSign);
    if (!MessageDigest.isEqual(expected, hex.parseHex(m.group(3)))) {
      throw new KmsError(400, "InvalidSignatureException", "The request signature we calculated "
          + "does not match the signature you provided. Check your AWS Secret Access Key and "
          + "signing method.");
    }
  }

  private static String first(Map<String, List<String>> headers, String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** The path as sent, normalised to "/" when empty (the KMS API only uses "/"). */
  private static String canonicalUri(String rawPath) {
    return rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
  }

  /** Query parameters sorted by name then value, as sent (the SDK has already encoded them). */
  private static String canonicalQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String> params = new ArrayList<>();
    for (String p : rawQuery.split("&")) {
      params.add(p.contains("=") ? p : p + "=");
    }
    params.sort(null);
    return String.join("&", params);
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
