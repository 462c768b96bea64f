package io.nitrosign.enclave.crypto;

import io.nitrosign.enclave.secret.SecretBytes;
import java.security.Provider;
import java.util.Arrays;
import org.bouncycastle.crypto.PlainInputProcessingException;
import org.bouncycastle.crypto.UpdateOutputStream;
import org.bouncycastle.crypto.asymmetric.AsymmetricEdDSAPrivateKey;
import org.bouncycastle.crypto.fips.FipsEdEC;
import org.bouncycastle.crypto.fips.FipsOutputSigner;
import org.bouncycastle.jcajce.provider.BouncyCastleFipsProvider;

/**
 * Ed25519 (RFC 8032, pure EdDSA) with a 32-byte private seed it never reveals; the signing
 * capability for Solana and Stellar wallets. BC-FIPS does the arithmetic through its low-level API:
 * the seed goes straight into an {@link AsymmetricEdDSAPrivateKey} (no PKCS#8 encoding, no
 * {@code PKCS8EncodedKeySpec}: the spec keeps its own copy of the encoding, and the only method
 * that wipes it, {@code EncodedKeySpec.clear()}, is package-private in JDK 17).
 *
 * <p>What is and is not wiped: the seed is held in a {@link SecretBytes} (wiped on {@link
 * #close()}); the array we hand BC-FIPS is wiped right after the key object copies it; BC-FIPS's
 * key object is {@linkplain AsymmetricEdDSAPrivateKey#destroy() destroyed} (its copy zeroed) on
 * {@link #close()}. Not wiped: the short-lived copy BC-FIPS's signing engine makes of the seed
 * (and the expanded secret scalar it derives) during each {@link #sign}; it is garbage as soon as
 * the signature is returned (the end-to-end heap check finds none among live objects).
 */
public final class Ed25519Signer implements AutoCloseable {

  static final Provider PROVIDER = new BouncyCastleFipsProvider();
  public static final int SEED_BYTES = 32;
  public static final int PUBLIC_KEY_BYTES = 32;
  public static final int SIGNATURE_BYTES = 64;

  private final SecretBytes seed;
  private final byte[] publicKey;
  /** BC-FIPS's key object, made once per signer; destroyed on {@link #close()}. */
  private AsymmetricEdDSAPrivateKey key;

  private Ed25519Signer(SecretBytes seed, byte[] publicKey, AsymmetricEdDSAPrivateKey key) {
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
    byte[] publicKey = copy.apply(s -> FipsEdEC.computePublicData(FipsEdEC.Algorithm.Ed25519, s));
    if (publicKey.length != PUBLIC_KEY_BYTES) {
      copy.close();
      throw new IllegalStateException("Ed25519 public key has an unexpected length");
    }
    return new Ed25519Signer(copy, publicKey, privateKey(copy, publicKey));
  }

  /** The 32-byte public key (RFC 8032 encoding). */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** Signs {@code message} exactly as given (pure Ed25519: no prehash, no context). */
  public byte[] sign(byte[] message) {
    AsymmetricEdDSAPrivateKey k = key;
    if (k == null) {
      throw new IllegalStateException("signer is closed");
    }
    try {
      FipsOutputSigner<FipsEdEC.Parameters> signer =
          new FipsEdEC.EdDSAOperatorFactory().createSigner(k, FipsEdEC.EdDSA);
      UpdateOutputStream stream = signer.getSigningStream();
      stream.update(message);
      return signer.getSignature();
    } catch (PlainInputProcessingException | RuntimeException e) {
      throw new IllegalStateException("Ed25519 signing failed: " + e.getClass().getSimpleName());
    }
  }

  /** BC-FIPS's key object for the seed; our temporary array is wiped once BC-FIPS has its copy. */
  private static AsymmetricEdDSAPrivateKey privateKey(SecretBytes seed, byte[] publicKey) {
    byte[] raw = seed.copy();
    try {
      return new AsymmetricEdDSAPrivateKey(FipsEdEC.Algorithm.Ed25519, raw, publicKey);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /** For tests: BC-FIPS's key object (null once closed). */
  AsymmetricEdDSAPrivateKey keyObjectForTests() {
    return key;
  }

  @Override
  public void close() {
    AsymmetricEdDSAPrivateKey k = key;
    key = null;
    if (k != null) {
      k.destroy();
    }
    seed.close();
  }

  @Override
  public String toString() {
    return "Ed25519Signer[<redacted>]";
  }
}
