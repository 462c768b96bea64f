package io.nitrosign.hpke;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.bouncycastle.crypto.CipherOutputStream;
import org.bouncycastle.crypto.OutputAEADDecryptor;
import org.bouncycastle.crypto.OutputAEADEncryptor;
import org.bouncycastle.crypto.SymmetricSecretKey;
import org.bouncycastle.crypto.general.ChaCha20;

/**
 * ChaCha20-Poly1305 (RFC 8439) with a 12-byte nonce and the 16-byte tag appended to the
 * ciphertext: HPKE's aead_id 0x0003, the AEAD of Privy's key import and export. It comes from
 * bc-fips's general (non-approved) algorithms, {@code org.bouncycastle.crypto.general.ChaCha20},
 * so the module keeps one provider and the same key handling as {@link AesGcm}: bc-fips copies
 * the key into its {@code SymmetricSecretKey}, which we destroy after each call (zeroing that
 * copy); its cipher state is its own. The enclave does not run bc-fips in approved-only mode
 * (which would refuse this algorithm); the JDK's SunJCE {@code ChaCha20-Poly1305} gives the same
 * bytes and is what the tests compare against.
 */
final class ChaCha20Poly1305 {

  private static final ChaCha20.AEADOperatorFactory AEAD = new ChaCha20.AEADOperatorFactory();

  private ChaCha20Poly1305() {}

  static byte[] seal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext)
      throws HpkeException {
    SymmetricSecretKey k = new SymmetricSecretKey(ChaCha20.ALGORITHM, key);
    try {
      OutputAEADEncryptor<ChaCha20.AuthParameters> enc =
          AEAD.createOutputAEADEncryptor(k, ChaCha20.WithPoly1305.withIV(nonce));
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
    SymmetricSecretKey k = new SymmetricSecretKey(ChaCha20.ALGORITHM, key);
    WipingOutputStream out = new WipingOutputStream(ciphertext.length);
    try {
      OutputAEADDecryptor<ChaCha20.AuthParameters> dec =
          AEAD.createOutputAEADDecryptor(k, ChaCha20.WithPoly1305.withIV(nonce));
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
