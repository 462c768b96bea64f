package io.nitrosign.parent.rpc;

import io.nitrosign.attestation.AttestedSignatureException;
import io.nitrosign.attestation.AttestedSignatureVerifier;
import io.nitrosign.attestation.SignedRequest;
import io.nitrosign.parent.enclave.EnclaveCallException;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.proto.v1.SignResponse;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parent's own checks of the enclave's signatures: nothing that fails them is released. Every
 * failure is an {@link EnclaveCallException} (PROTOCOL): the enclave answered something other
 * than a valid signature of what was asked.
 */
public final class SignatureChecks {

  private static final Logger LOG = LoggerFactory.getLogger(SignatureChecks.class);
  /** RFC 8410 SubjectPublicKeyInfo prefix for a 32-byte Ed25519 key. */
  private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65,
      0x70, 0x03, 0x21, 0x00};

  private SignatureChecks() {}

  /**
   * A single secp256k1 answer: {@code digest} is the one the parent computed, r and s are 32
   * bytes, the recovery id 0 or 1, and r||s||v verifies under the wallet's key (low-S, v
   * consistent with R). Returns the 65-byte r||s||(27+recovery id).
   */
  public static byte[] secp256k1(Wallet wallet, byte[] expectedDigest, SignResponse r) {
    if (r.getDigest().size() != 32 || r.getR().size() != 32 || r.getS().size() != 32
        || r.getRecoveryId() > 1 || !Arrays.equals(r.getDigest().toByteArray(), expectedDigest)
        || !r.getSignature().isEmpty() || r.getInputSignaturesCount() != 0) {
      throw protocol("malformed secp256k1 Sign response");
    }
    byte[] signature = rsv(r);
    try {
      AttestedSignatureVerifier.verifyWalletSignature(new SignedRequest(wallet.id(),
          expectedDigest, signature, wallet.publicKey(), new byte[0]));
    } catch (AttestedSignatureException | IllegalArgumentException e) {
      LOG.error("the enclave returned a signature that does not verify for wallet {}: {}",
          wallet.id(), e.getMessage());
      throw protocol("signature does not verify");
    }
    return signature;
  }

  /** The 65-byte r || s || (27 + recovery id) of a single secp256k1 answer. */
  public static byte[] rsv(SignResponse r) {
    byte[] signature = new byte[65];
    r.getR().copyTo(signature, 0);
    r.getS().copyTo(signature, 32);
    signature[64] = (byte) (27 + r.getRecoveryId());
    return signature;
  }

  /**
   * An Ed25519 answer: a 64-byte signature over exactly {@code message} that verifies under the
   * wallet's 32-byte key (the JDK's RFC 8032 verifier), with {@code digest} equal to
   * {@code expectedDigest} (empty when none). Returns the signature.
   */
  public static byte[] ed25519(Wallet wallet, byte[] message, byte[] expectedDigest,
      SignResponse r) {
    byte[] signature = r.getSignature().toByteArray();
    if (signature.length != 64 || !r.getR().isEmpty() || !r.getS().isEmpty()
        || r.getInputSignaturesCount() != 0
        || !MessageDigest.isEqual(r.getDigest().toByteArray(),
            expectedDigest == null ? new byte[0] : expectedDigest)) {
      throw protocol("malformed Ed25519 Sign response");
    }
    if (!verifyEd25519(wallet.publicKey(), message, signature)) {
      LOG.error("the enclave returned an Ed25519 signature that does not verify for wallet {}",
          wallet.id());
      throw protocol("signature does not verify");
    }
    return signature;
  }

  /** RFC 8032 verification of a 64-byte signature under a 32-byte public key. */
  public static boolean verifyEd25519(byte[] publicKey, byte[] message, byte[] signature) {
    if (publicKey.length != 32 || signature.length != 64) {
      return false;
    }
    byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + 32);
    System.arraycopy(publicKey, 0, spki, ED25519_SPKI_PREFIX.length, 32);
    try {
      PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  static EnclaveCallException protocol(String what) {
    return new EnclaveCallException(EnclaveCallException.Kind.PROTOCOL, null, what);
  }
}
