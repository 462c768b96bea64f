package io.nitrosign.enclave.crypto;

import io.nitrosign.chains.bitcoin.Bip340Verifier;
import io.nitrosign.chains.bitcoin.Hashes;
import io.nitrosign.chains.bitcoin.Secp256k1Points;
import io.nitrosign.enclave.secret.SecretBytes;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * BIP-340 Schnorr signing over secp256k1 with bc-fips point arithmetic: the default signing
 * algorithm of the BIP (aux-randomised nonce via the tagged hashes BIP0340/aux and BIP0340/nonce,
 * even-Y normalisation of the key and the nonce point, challenge BIP0340/challenge), and the
 * signature is verified ({@link Bip340Verifier}, in {@code chains}) before it is returned.
 *
 * <p>The auxiliary randomness comes from an {@link AuxSource}: fresh bytes from the enclave's DRBG
 * in production ({@link AuxSource#of}), as BIP-340 recommends (the nonce then also depends on
 * fresh randomness, which protects against side channels and fault attacks on a nonce derived
 * from the key and message alone). Signatures are therefore not deterministic; tests inject the
 * BIP's published aux values to reproduce its vectors.
 *
 * <p>The secret key is a {@link SecretBytes} owned by this object and wiped by {@link #close()};
 * intermediate byte arrays are wiped; {@code BigInteger} copies cannot be wiped and are dropped.
 */
public final class Bip340Signer implements AutoCloseable {

  /** Where the 32 bytes of auxiliary randomness of each signature come from. */
  @FunctionalInterface
  public interface AuxSource {
    /** Fills {@code aux} (32 bytes) with the auxiliary randomness of the next signature. */
    void next(byte[] aux);

    /** Fresh random bytes from {@code random} (the enclave's DRBG in production). */
    static AuxSource of(SecureRandom random) {
      if (random == null) {
        throw new IllegalArgumentException("random required");
      }
      return random::nextBytes;
    }
  }

  private final SecretBytes secretKey;
  private final byte[] publicKeyX;
  private final AuxSource auxSource;

  private Bip340Signer(SecretBytes secretKey, byte[] publicKeyX, AuxSource auxSource) {
    this.secretKey = secretKey;
    this.publicKeyX = publicKeyX;
    this.auxSource = auxSource;
  }

  /**
   * A signer over a copy of {@code secretKey} (32 bytes). The caller keeps and closes its own.
   *
   * @throws IllegalArgumentException if the key is not 32 bytes or not in [1, n)
   */
  public static Bip340Signer create(SecretBytes secretKey, AuxSource auxSource) {
    if (auxSource == null) {
      throw new IllegalArgumentException("aux source required");
    }
    if (secretKey.length() != 32) {
      throw new IllegalArgumentException("secret key must be 32 bytes");
    }
    BigInteger d = secretKey.apply(b -> new BigInteger(1, b));
    if (d.signum() == 0 || d.compareTo(Secp256k1.N) >= 0) {
      throw new IllegalArgumentException("secret key out of range");
    }
    ECPoint p = new FixedPointCombMultiplier().multiply(Secp256k1.G, d).normalize();
    return new Bip340Signer(secretKey.apply(SecretBytes::new), Secp256k1Points.xBytes(p), auxSource);
  }

  /** The 32-byte x-only public key. */
  public byte[] publicKey() {
    return publicKeyX.clone();
  }

  /**
   * Signs {@code message} (any length; Bitcoin uses 32-byte sighashes) with 32 bytes of auxiliary
   * randomness drawn from the signer's {@link AuxSource}.
   */
  public byte[] sign(byte[] message) {
    if (message == null) {
      throw new IllegalArgumentException("message required");
    }
    byte[] aux = new byte[32];
    auxSource.next(aux);
    byte[] dBytes = secretKey.copy();
    byte[] t = null;
    byte[] rand = null;
    try {
      BigInteger n = Secp256k1.N;
      FixedPointCombMultiplier mul = new FixedPointCombMultiplier();
      BigInteger d0 = new BigInteger(1, dBytes);
      ECPoint p = mul.multiply(Secp256k1.G, d0).normalize();
      BigInteger d = Secp256k1Points.hasEvenY(p) ? d0 : n.subtract(d0);
      Arrays.fill(dBytes, (byte) 0);
      dBytes = Secp256k1.toBytes32(d);
      byte[] auxHash = Hashes.tagged("BIP0340/aux", aux);
      t = new byte[32];
      for (int i = 0; i < 32; i++) {
        t[i] = (byte) (dBytes[i] ^ auxHash[i]);
      }
      rand = Hashes.tagged("BIP0340/nonce", t, publicKeyX, message);
      BigInteger k0 = new BigInteger(1, rand).mod(n);
      if (k0.signum() == 0) {
        throw new IllegalStateException("nonce is zero");
      }
      ECPoint r = mul.multiply(Secp256k1.G, k0).normalize();
      BigInteger k = Secp256k1Points.hasEvenY(r) ? k0 : n.subtract(k0);
      byte[] rx = Secp256k1Points.xBytes(r);
      BigInteger e = new BigInteger(1, Hashes.tagged("BIP0340/challenge", rx, publicKeyX, message)).mod(n);
      BigInteger s = k.add(e.multiply(d)).mod(n);
      byte[] sig = new byte[64];
      System.arraycopy(rx, 0, sig, 0, 32);
      System.arraycopy(Secp256k1.toBytes32(s), 0, sig, 32, 32);
      if (!Bip340Verifier.verify(publicKeyX, message, sig)) {
        throw new IllegalStateException("produced signature does not verify");
      }
      return sig;
    } finally {
      Arrays.fill(aux, (byte) 0);
      Arrays.fill(dBytes, (byte) 0);
      if (t != null) {
        Arrays.fill(t, (byte) 0);
      }
      if (rand != null) {
        Arrays.fill(rand, (byte) 0);
      }
    }
  }

  @Override
  public void close() {
    secretKey.close();
  }

  @Override
  public String toString() {
    return "Bip340Signer[<redacted>]";
  }
}
