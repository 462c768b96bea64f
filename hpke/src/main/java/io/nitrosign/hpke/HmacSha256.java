package io.nitrosign.hpke;

import org.bouncycastle.crypto.OutputMACCalculator;
import org.bouncycastle.crypto.SymmetricSecretKey;
import org.bouncycastle.crypto.fips.FipsSHS;

/**
 * HMAC-SHA-256 through the bc-fips low-level API: HPKE's HKDF and the enclave's RFC 6979 nonces
 * both use it. bc-fips copies the key into a {@code SymmetricSecretKey}, which is destroyed after
 * each call.
 */
public final class HmacSha256 {

  private static final FipsSHS.MACOperatorFactory FACTORY = new FipsSHS.MACOperatorFactory();

  private HmacSha256() {}

  /** HMAC_key(parts[0] || parts[1] || ...). */
  public static byte[] mac(byte[] key, byte[]... parts) {
    SymmetricSecretKey k = new SymmetricSecretKey(FipsSHS.Algorithm.SHA256_HMAC, key);
    try {
      OutputMACCalculator<FipsSHS.AuthParameters> calc =
          FACTORY.createOutputMACCalculator(k, FipsSHS.SHA256_HMAC);
      var stream = calc.getMACStream();
      for (byte[] p : parts) {
        stream.update(p);
      }
      return calc.getMAC();
    } finally {
      try {
        k.destroy();
      } catch (javax.security.auth.DestroyFailedException ignored) {
        // best effort
      }
    }
  }
}
