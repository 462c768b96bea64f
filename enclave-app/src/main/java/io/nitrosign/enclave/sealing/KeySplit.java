package io.nitrosign.enclave.sealing;

import io.nitrosign.enclave.secret.SecretBytes;
import java.security.SecureRandom;

/**
 * 2-of-2 XOR secret sharing of a private key: {@code auth} is uniformly random, {@code exec =
 * key XOR auth}; either share alone is independent of the key.
 */
public final class KeySplit {

  private KeySplit() {}

  /** The two shares of a key; closing the pair closes both. */
  public record Shares(SecretBytes auth, SecretBytes exec) implements AutoCloseable {
    @Override
    public void close() {
      auth.close();
      exec.close();
    }

    @Override
    public String toString() {
      return "Shares[<redacted>]";
    }
  }

  /** Splits {@code key}; the caller keeps ownership of {@code key} and owns the result. */
  public static Shares split(SecretBytes key, SecureRandom random) {
    SecretBytes auth = SecretBytes.random(random, key.length());
    byte[] exec = new byte[key.length()];
    key.apply(k -> auth.apply(a -> {
      for (int i = 0; i < k.length; i++) {
        exec[i] = (byte) (k[i] ^ a[i]);
      }
      return null;
    }));
    return new Shares(auth, SecretBytes.takeOwnership(exec));
  }

  /** Rebuilds the key from its shares (of equal length); the caller owns the result. */
  public static SecretBytes combine(SecretBytes auth, SecretBytes exec) {
    if (auth.length() != exec.length()) {
      throw new IllegalArgumentException("share lengths differ");
    }
    byte[] key = new byte[auth.length()];
    auth.apply(a -> exec.apply(e -> {
      for (int i = 0; i < a.length; i++) {
        key[i] = (byte) (a[i] ^ e[i]);
      }
      return null;
    }));
    return SecretBytes.takeOwnership(key);
  }
}
