package io.nitrosign.enclave.sealing;

import com.google.protobuf.ByteString;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.enclave.secret.Wipe;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.SealedShare;
import io.nitrosign.proto.v1.ShareKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.CipherOutputStream;
import org.bouncycastle.crypto.SymmetricSecretKey;
import org.bouncycastle.crypto.fips.FipsAES;
import org.bouncycastle.crypto.fips.FipsOutputAEADDecryptor;
import org.bouncycastle.crypto.fips.FipsOutputAEADEncryptor;

/**
 * Seals and opens wallet shares with AES-256-GCM (bc-fips): a 12-byte random nonce from the
 * DRBG, a 16-byte tag appended to the ciphertext, and associated data from
 * {@link SealedShareAad} that binds share kind, wallet id, curve, public key, owner and key
 * version.
 */
public final class ShareSealer {

  /** GCM nonce length in bytes. */
  public static final int NONCE_BYTES = 12;
  /** GCM tag length in bytes. */
  public static final int TAG_BYTES = 16;

  private static final FipsAES.AEADOperatorFactory AEAD = new FipsAES.AEADOperatorFactory();

  private final SealingKeyProvider keys;
  private final SecureRandom random;

  public ShareSealer(SealingKeyProvider keys, SecureRandom random) {
    this.keys = keys;
    this.random = random;
  }

  /** Seals {@code share} as a share of {@code kind} under the current key version. */
  public SealedShare seal(ShareKind kind, WalletBinding binding, SecretBytes share)
      throws EnclaveException {
    requireKind(kind);
    int version = keys.currentVersion();
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] aad = SealedShareAad.encode(kind, binding, version);
    SymmetricSecretKey key = dataKey(kind, version);
    try {
      FipsOutputAEADEncryptor<FipsAES.AuthParameters> enc =
          AEAD.createOutputAEADEncryptor(key, FipsAES.GCM.withIV(nonce).withMACSize(TAG_BYTES * 8));
      enc.getAADStream().update(aad);
      ByteArrayOutputStream out = new ByteArrayOutputStream(share.length() + TAG_BYTES);
      CipherOutputStream cipher = enc.getEncryptingStream(out);
      share.apply(b -> {
        cipher.update(b);
        return null;
      });
      cipher.close();
      return SealedShare.newBuilder()
          .setKind(kind)
          .setKeyVersion(version)
          .setNonce(ByteString.copyFrom(nonce))
          .setCiphertext(ByteString.copyFrom(out.toByteArray()))
          .build();
    } catch (IOException e) {
      throw new EnclaveException(ErrorCode.INTERNAL, "sealing failed");
    } finally {
      destroy(key);
    }
  }

  /**
   * Opens {@code sealed} as a share of {@code expectedKind} for {@code binding}. The key and the
   * associated data are chosen by {@code expectedKind}, never by the kind the share claims; a
   * share that claims another kind is refused.
   *
   * @throws EnclaveException SEAL_INTEGRITY if the share is malformed, of another kind, or fails
   *     authentication; UNKNOWN_KEY_VERSION if its key version is not held
   */
  public SecretBytes open(ShareKind expectedKind, SealedShare sealed, WalletBinding binding)
      throws EnclaveException {
    requireKind(expectedKind);
    if (sealed.getKind() != expectedKind
        || sealed.getNonce().size() != NONCE_BYTES
        || sealed.getCiphertext().size() <= TAG_BYTES) {
      throw integrityFailure();
    }
    int version = sealed.getKeyVersion();
    SymmetricSecretKey key = dataKey(expectedKind, version);
    byte[] aad = SealedShareAad.encode(expectedKind, binding, version);
    WipingOutputStream out = new WipingOutputStream(sealed.getCiphertext().size());
    try {
      FipsOutputAEADDecryptor<FipsAES.AuthParameters> dec = AEAD.createOutputAEADDecryptor(
          key, FipsAES.GCM.withIV(sealed.getNonce().toByteArray()).withMACSize(TAG_BYTES * 8));
      dec.getAADStream().update(aad);
      CipherOutputStream cipher = dec.getDecryptingStream(out);
      cipher.update(sealed.getCiphertext().toByteArray());
      cipher.close();
      return SecretBytes.takeOwnership(out.toByteArray());
    } catch (IOException | RuntimeException e) {
      throw integrityFailure();
    } finally {
      out.wipe();
      destroy(key);
    }
  }

  private SymmetricSecretKey dataKey(ShareKind kind, int version) throws EnclaveException {
    SecretBytes k = keys.key(kind, version);
    byte[] copy = k.copy();
    try {
      return new SymmetricSecretKey(FipsAES.GCM, copy);
    } finally {
      Wipe.wipe(copy);
    }
  }

  private static void requireKind(ShareKind kind) {
    if (kind != ShareKind.AUTH && kind != ShareKind.EXEC) {
      throw new IllegalArgumentException("share kind must be AUTH or EXEC");
    }
  }

  private static EnclaveException integrityFailure() {
    return new EnclaveException(ErrorCode.SEAL_INTEGRITY, "sealed share failed authentication");
  }

  private static void destroy(SymmetricSecretKey key) {
    try {
      key.destroy();
    } catch (javax.security.auth.DestroyFailedException ignored) {
      // best effort: bc-fips wipes its own copy
    }
  }

  /** A byte sink whose buffer can be zeroized. */
  private static final class WipingOutputStream extends ByteArrayOutputStream {
    WipingOutputStream(int size) {
      super(size);
    }

    void wipe() {
      Arrays.fill(buf, (byte) 0);
    }
  }
}
