package io.nitrosign.hpke;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.bouncycastle.crypto.CipherOutputStream;
import org.bouncycastle.crypto.SymmetricSecretKey;
import org.bouncycastle.crypto.fips.FipsAES;
import org.bouncycastle.crypto.fips.FipsOutputAEADDecryptor;
import org.bouncycastle.crypto.fips.FipsOutputAEADEncryptor;

/**
 * AES-GCM with a 12-byte nonce and a 16-byte tag appended to the ciphertext, on bc-fips's
 * low-level AEAD API. bc-fips copies the key into its {@code SymmetricSecretKey}, which we destroy
 * after each call (zeroing that copy); its AES key schedule and GHASH state are its own.
 */
final class AesGcm {

  private static final FipsAES.AEADOperatorFactory AEAD = new FipsAES.AEADOperatorFactory();
  private static final int TAG_BITS = HpkeSuite.Aead.TAG_LENGTH * 8;

  private AesGcm() {}

  static byte[] seal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext)
      throws HpkeException {
    SymmetricSecretKey k = new SymmetricSecretKey(FipsAES.GCM, key);
    try {
      FipsOutputAEADEncryptor<FipsAES.AuthParameters> enc =
          AEAD.createOutputAEADEncryptor(k, FipsAES.GCM.withIV(nonce).withMACSize(TAG_BITS));
      enc.getAADStream().update(aad);
      ByteArrayOutputStream out =
          new ByteArrayOutputStream(plaintext.length + HpkeSuite.Aead.TAG_LENGTH);
      CipherOutputStream cipher = enc.getEncryptingStream(out);
      cipher.update(plaintext);
      cipher.close();
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      throw HpkeException.internal();
    } finally {
      destroy(k);
    }
  }

  /** Returns the plaintext (the caller owns and wipes it) or fails with OPEN_FAILED. */
  static byte[] open(byte[] key, byte[] nonce, byte[] aad, byte[] ciphertext)
      throws HpkeException {
    if (ciphertext.length < HpkeSuite.Aead.TAG_LENGTH) {
      throw HpkeException.openFailed();
    }
    SymmetricSecretKey k = new SymmetricSecretKey(FipsAES.GCM, key);
    WipingOutputStream out = new WipingOutputStream(ciphertext.length);
    try {
      FipsOutputAEADDecryptor<FipsAES.AuthParameters> dec =
          AEAD.createOutputAEADDecryptor(k, FipsAES.GCM.withIV(nonce).withMACSize(TAG_BITS));
      dec.getAADStream().update(aad);
      CipherOutputStream cipher = dec.getDecryptingStream(out);
      cipher.update(ciphertext);
      cipher.close();
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      throw HpkeException.openFailed();
    } finally {
      out.wipe();
      destroy(k);
    }
  }

  private static void destroy(SymmetricSecretKey key) {
    try {
      key.destroy();
    } catch (javax.security.auth.DestroyFailedException ignored) {
      // best effort
    }
  }

  /** A byte sink whose internal buffer can be zeroed (it holds plaintext while decrypting). */
  private static final class WipingOutputStream extends ByteArrayOutputStream {
    WipingOutputStream(int size) {
      super(size);
    }

    void wipe() {
      Arrays.fill(buf, (byte) 0);
    }
  }
}
