package io.nitrosign.chains.json;

/**
 * Writes a string as a JSON string literal, for the few places that write JSON by hand (the
 * parent's log layout, the attestation CLI's output): quote, backslash and the control
 * characters escaped, and U+2028/U+2029 too, so the output is also safe inside JavaScript.
 */
public final class JsonStrings {

  private JsonStrings() {}

  /** Appends {@code s} as a JSON string, or {@code null} for null. */
  public static StringBuilder appendQuoted(StringBuilder b, String s) {
    if (s == null) {
      return b.append("null");
    }
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"');
  }

  /** {@code s} as a JSON string ({@code null} for null). */
  public static String quoted(String s) {
    return appendQuoted(new StringBuilder(), s).toString();
  }
}
