package io.nitrosign.parent.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nitrosign.parent.Hex;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.JsonBodies;
import java.util.Base64;

/** Field readers for {@code params} objects, with errors that name the field. */
public final class Params {

  private Params() {}

  /** A required hex string ({@code 0x} optional) of at most {@code maxBytes} bytes. */
  public static byte[] hex(ObjectNode params, String field, int maxBytes) {
    String text = JsonBodies.requiredText(params, "params.", field);
    int digits = text.startsWith("0x") || text.startsWith("0X") ? text.length() - 2 : text.length();
    if (digits > 2 * maxBytes) {
      throw ApiException.invalidRequest("params." + field + " exceeds " + maxBytes + " bytes");
    }
    try {
      return Hex.decode(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidRequest("params." + field + " is not valid hex");
    }
  }

  /**
   * A required standard base64 string (RFC 4648 section 4, padded) of at most {@code maxBytes}
   * bytes once decoded. Only the canonical encoding is accepted (padding present, unused bits
   * zero), so one value has one spelling.
   */
  public static byte[] base64(ObjectNode params, String field, int maxBytes) {
    String text = JsonBodies.requiredText(params, "params.", field);
    if (text.length() > (maxBytes / 3 + 1) * 4) {
      throw ApiException.invalidRequest("params." + field + " exceeds " + maxBytes + " bytes");
    }
    byte[] out;
    try {
      out = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidRequest("params." + field + " is not valid base64");
    }
    if (out.length > maxBytes) {
      throw ApiException.invalidRequest("params." + field + " exceeds " + maxBytes + " bytes");
    }
    if (!Base64.getEncoder().encodeToString(out).equals(text)) {
      throw ApiException.invalidRequest("params." + field
          + " is not canonical base64 (standard alphabet, padded, unused bits zero)");
    }
    return out;
  }

  /** An optional {@code encoding} field that must be one of {@code allowed} (first = default). */
  public static String encoding(ObjectNode params, String... allowed) {
    String encoding = JsonBodies.optionalText(params, "params.", "encoding");
    if (encoding == null) {
      return allowed[0];
    }
    for (String a : allowed) {
      if (a.equals(encoding)) {
        return a;
      }
    }
    throw ApiException.invalidRequest("params.encoding must be one of: " + String.join(", ", allowed));
  }
}
