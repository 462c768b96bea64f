package io.nitrosign.enclave.crypto;

import io.nitrosign.enclave.secret.SecretBytes;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.jcajce.interfaces.EdDSAPrivateKey;
import org.bouncycastle.jcajce.provider.BouncyCastleFipsProvider;

/**
 * Ed25519 (RFC 8032, pure EdDSA) with a 32-byte private seed it never reveals; the signing
 * capability for Solana and Stellar wallets. BC-FIPS does the arithmetic: the seed goes in as an
 * RFC 8410 PKCS#8 encoding, and the public key comes from BC-FIPS's private-key object.
 *
 * <p>What is and is not wiped: the seed is held in a {@link SecretBytes} (wiped on {@link
 * #close()}); the PKCS#8 buffer we build is wiped after use; BC-FIPS's own private-key object,
 * created once per signer (that is, per request) and dropped on {@link #close()}, keeps a copy we
 * cannot wipe until it is collected (the end-to-end heap check finds none among live objects).
 */
public final class Ed25519Signer implements AutoCloseable {

  /** RFC 8410: SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING(32) } }. */
  private static final byte[] PKCS8_PREFIX = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03,
      0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
  static final Provider PROVIDER = new BouncyCastleFipsProvider();
  public static final int SEED_BYTES = 32;
  public static final int PUBLIC_KEY_BYTES = 32;
  public static final int SIGNATURE_BYTES = 64;

  private final SecretBytes seed;
  private final byte[] publicKey;
  /** BC-FIPS's key object, made once per signer (it derives the public key, a point multiplication). */
  private PrivateKey key;

  private Ed25519Signer(SecretBytes seed, byte[] publicKey, PrivateKey key) {
    this.seed = seed;
    this.publicKey = publicKey;
    this.key = key;
  }

  /** Takes a copy of the 32-byte seed; the caller still owns (and wipes) its own. */
  public static Ed25519Signer create(SecretBytes seed) {
    if (seed.length() != SEED_BYTES) {
      throw new IllegalArgumentException("an Ed25519 seed is 32 bytes");
    }
    SecretBytes copy = SecretBytes.takeOwnership(seed.copy());
    PrivateKey key = privateKey(copy);
    byte[] spki = ((EdDSAPrivateKey) key).getPublicKey().getEncoded();
    return new Ed25519Signer(copy,
        Arrays.copyOfRange(spki, spki.length - PUBLIC_KEY_BYTES, spki.length), key);
  }

  /** The 32-byte public key (RFC 8032 encoding). */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** Signs {@code message} exactly as given (pure Ed25519: no prehash, no context). */
  public byte[] sign(byte[] message) {
    try {
      Signature signature = Signature.getInstance("Ed25519", PROVIDER);
      PrivateKey k = key;
      if (k == null) {
        throw new IllegalStateException("signer is closed");
      }
      signature.initSign(k);
      signature.update(message);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed: " + e.getClass().getSimpleName());
    }
  }

  /** BC-FIPS's key object for the seed (a copy we cannot wipe; see the class comment). */
  private static PrivateKey privateKey(SecretBytes seed) {
    byte[] pkcs8 = seed.apply(s -> {
      byte[] out = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + SEED_BYTES);
      System.arraycopy(s, 0, out, PKCS8_PREFIX.length, SEED_BYTES);
      return out;
    });
    try {
      return KeyFactory.getInstance("Ed25519", PROVIDER)
          .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 key failed: " + e.getClass().getSimpleName());
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  @Override
  public void close() {
    key = null;
    seed.close();
  }

  @Override
  public String toString() {
    return "Ed25519Signer[<redacted>]";
  }
}
