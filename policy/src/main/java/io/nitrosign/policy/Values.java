package io.nitrosign.policy;

/** How values are normalized for comparison (shared by the engine and the parent's stores). */
public final class Values {

  private Values() {}

  /**
   * The form a condition set item is stored and looked up in: an Ethereum address
   * ({@code 0x} + 40 hex digits) lower-cased, everything else as given.
   */
  public static String normalizeItem(String value) {
    if (value.length() == 42 && (value.startsWith("0x") || value.startsWith("0X"))) {
      for (int i = 2; i < 42; i++) {
        if (Character.digit(value.charAt(i), 16) < 0) {
          return value;
        }
      }
      return "0x" + value.substring(2).toLowerCase(java.util.Locale.ROOT);
    }
    return value;
  }
}
