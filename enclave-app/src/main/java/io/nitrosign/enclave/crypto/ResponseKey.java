package io.nitrosign.enclave.crypto;

import io.nitrosign.enclave.secret.SecretBytes;
import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.crypto.fips.FipsOutputSigner;
import org.bouncycastle.crypto.asymmetric.AsymmetricECPrivateKey;
import org.bouncycastle.crypto.asymmetric.ECDomainParameters;
import org.bouncycastle.crypto.asymmetric.ECDomainParametersIndex;
import org.bouncycastle.crypto.fips.FipsEC;
import org.bouncycastle.crypto.fips.FipsSHS;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * The enclave's per-boot response key: an ECDSA P-256 key pair drawn from the DRBG at start-up.
 * Its public half is the {@code public_key} of every attestation document GetAttestation returns;
 * its signature over an attested-signature binding is the "fast" proof. The private scalar lives
 * in a {@link SecretBytes} wiped by {@link #close()}.
 *
 * <p>Signatures are BC-FIPS deterministic ECDSA ({@code FipsEC.DDSA}, RFC 6979 with SHA-256),
 * returned as raw {@code r || s} (64 bytes). Not wiped: the {@code BigInteger} copy of the scalar
 * that each BC-FIPS private-key object holds (short-lived, unreachable after the call).
 */
public final class ResponseKey implements AutoCloseable {

  /** Length of a raw signature {@code r || s}. */
  public static final int SIGNATURE_BYTES = 64;
  public static final int PUBLIC_KEY_BYTES = 65;
  private static final ECDomainParameters P256 =
      ECDomainParametersIndex.lookupDomainParameters(FipsEC.DomainParameterID.P256);
  private static final FipsEC.DSAOperatorFactory SIGNERS = new FipsEC.DSAOperatorFactory();

  private final SecretBytes scalar;
  private final byte[] publicKey;

  private ResponseKey(SecretBytes scalar) {
    this.scalar = scalar;
    this.publicKey = scalar.apply(d -> new FixedPointCombMultiplier()
        .multiply(P256.getG(), new BigInteger(1, d)).normalize().getEncoded(false));
  }

  /** A fresh key pair; the scalar is redrawn until it lies in [1, n - 1]. */
  public static ResponseKey generate(SecureRandom random) {
    while (true) {
      SecretBytes candidate = SecretBytes.random(random, 32);
      boolean valid = candidate.apply(d -> {
        BigInteger k = new BigInteger(1, d);
        return k.signum() > 0 && k.compareTo(P256.getN()) < 0;
      });
      if (valid) {
        return new ResponseKey(candidate);
      }
      candidate.close();
    }
  }

  /** SEC1 uncompressed public key (65 bytes, a copy). */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** ECDSA P-256 with SHA-256 over {@code message}: raw {@code r || s}, 64 bytes. */
  public byte[] sign(byte[] message) {
    byte[] der = scalar.apply(d -> {
      AsymmetricECPrivateKey key = new AsymmetricECPrivateKey(FipsEC.ALGORITHM,
          FipsEC.DomainParameterID.P256, new BigInteger(1, d));
      FipsOutputSigner<FipsEC.DSAParameters> signer =
          SIGNERS.createSigner(key, FipsEC.DDSA.withDigestAlgorithm(FipsSHS.Algorithm.SHA256));
      signer.getSigningStream().update(message);
      try {
        return signer.getSignature();
      } catch (org.bouncycastle.crypto.PlainInputProcessingException e) {
        throw new IllegalStateException("response key signature failed");
      }
    });
    return rawFromDer(der);
  }

  /** DER {@code SEQUENCE {INTEGER r, INTEGER s}} to fixed-width {@code r || s}. */
  static byte[] rawFromDer(byte[] der) {
    int i = 0;
    if (der[i++] != 0x30) {
      throw new IllegalStateException("not an ECDSA-Sig-Value");
    }
    int seqLen = der[i++] & 0xff;
    if (seqLen > 0x80 || i + seqLen != der.length) {
      throw new IllegalStateException("not an ECDSA-Sig-Value");
    }
    byte[] out = new byte[SIGNATURE_BYTES];
    for (int part = 0; part < 2; part++) {
      if (der[i++] != 0x02) {
        throw new IllegalStateException("not an ECDSA-Sig-Value");
      }
      int len = der[i++] & 0xff;
      BigInteger v = new BigInteger(1, java.util.Arrays.copyOfRange(der, i, i + len));
      i += len;
      byte[] fixed = Secp256k1.toBytes32(v);
      System.arraycopy(fixed, 0, out, part * 32, 32);
    }
    return out;
  }

  /** Wipes the private scalar. Idempotent; {@link #sign} fails afterwards. */
  @Override
  public void close() {
    scalar.close();
  }

  @Override
  public String toString() {
    return "ResponseKey[P-256, private key <redacted>]";
  }
}
