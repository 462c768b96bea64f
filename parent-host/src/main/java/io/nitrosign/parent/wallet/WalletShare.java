package io.nitrosign.parent.wallet;

/** One sealed share as stored ({@code kind} is {@code auth} or {@code exec}). */
public record WalletShare(String walletId, String kind, int keyVersion, byte[] nonce, byte[] ciphertext) {
  public static final String AUTH = "auth";
  public static final String EXEC = "exec";

  @Override
  public String toString() {
    return "WalletShare[" + walletId + ", " + kind + ", v" + keyVersion + "]";
  }
}
