package io.nitrosign.authz;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The {@code privy-authorization-signature} header: signatures in standard base64, separated by
 * commas (the SDK joins them with {@code ","}; spaces around a comma are tolerated). At most
 * {@value #MAX_SIGNATURES} signatures of at most {@value #MAX_SIGNATURE_BYTES} bytes each (a DER
 * P-256 signature is at most 72).
 */
public final class SignatureHeader {

  /** The most signatures one header may carry. */
  public static final int MAX_SIGNATURES = 16;
  /** The largest decoded signature. */
  public static final int MAX_SIGNATURE_BYTES = 80;

  private static final String INVALID = "invalid authorization signature header";

  private SignatureHeader() {}

  /**
   * The decoded signatures, in header order (not checked as DER here).
   *
   * @return an empty list for a null, empty or blank header
   * @throws IllegalArgumentException for an empty entry, invalid base64, an oversized signature or
   *     more than {@value #MAX_SIGNATURES} entries
   */
  public static List<byte[]> parse(String header) {
    if (header == null || header.isBlank()) {
      return List.of();
    }
    if (header.length() > MAX_SIGNATURES * (4 * ((MAX_SIGNATURE_BYTES + 2) / 3) + 16)) {
      throw new IllegalArgumentException(INVALID);
    }
    String[] parts = header.split(",", -1);
    if (parts.length > MAX_SIGNATURES) {
      throw new IllegalArgumentException(INVALID);
    }
    List<byte[]> signatures = new ArrayList<>(parts.length);
    for (String part : parts) {
      String entry = part.strip();
      byte[] decoded;
      try {
        decoded = Base64.getDecoder().decode(entry);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(INVALID);
      }
      if (decoded.length == 0 || decoded.length > MAX_SIGNATURE_BYTES) {
        throw new IllegalArgumentException(INVALID);
      }
      signatures.add(decoded);
    }
    return List.copyOf(signatures);
  }
}
