package io.nitrosign.hpke;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.Function;
import org.bouncycastle.crypto.AEADOperatorFactory;
import org.bouncycastle.crypto.CipherOutputStream;
import org.bouncycastle.crypto.OutputAEADDecryptor;
import org.bouncycastle.crypto.OutputAEADEncryptor;
import org.bouncycastle.crypto.Parameters;
import org.bouncycastle.crypto.SymmetricSecretKey;

/**
 * One bc-fips AEAD on its low-level output-stream API, with a 12-byte nonce and the
 * {@link HpkeSuite.Aead#TAG_LENGTH}-byte tag appended to the ciphertext: what {@link AesGcm} and
 * {@link ChaCha20Poly1305} share. bc-fips copies the key into its {@code SymmetricSecretKey}, which
 * is destroyed after each call (zeroing that copy); the decrypted plaintext's buffer is wiped.
 */
final class BcAead<P extends Parameters> {

  private final AEADOperatorFactory<P> factory;
  private final Function<byte[], SymmetricSecretKey> keyOf;
  private final Function<byte[], P> parametersOf;

  /**
   * @param keyOf the algorithm's key holding a copy of the given bytes
   * @param parametersOf the algorithm's parameters for the given nonce
   */
  BcAead(AEADOperatorFactory<P> factory, Function<byte[], SymmetricSecretKey> keyOf,
      Function<byte[], P> parametersOf) {
    this.factory = factory;
    this.keyOf = keyOf;
    this.parametersOf = parametersOf;
  }

  byte[] seal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) throws HpkeException {
    SymmetricSecretKey k = keyOf.apply(key);
    try {
      OutputAEADEncryptor<P> enc = factory.createOutputAEADEncryptor(k, parametersOf.apply(nonce));
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
  byte[] open(byte[] key, byte[] nonce, byte[] aad, byte[] ciphertext) throws HpkeException {
    if (ciphertext.length < HpkeSuite.Aead.TAG_LENGTH) {
      throw HpkeException.openFailed();
    }
    SymmetricSecretKey k = keyOf.apply(key);
    WipingOutputStream out = new WipingOutputStream(ciphertext.length);
    try {
      OutputAEADDecryptor<P> dec = factory.createOutputAEADDecryptor(k, parametersOf.apply(nonce));
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
