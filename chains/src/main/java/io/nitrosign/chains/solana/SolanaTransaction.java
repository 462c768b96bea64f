package io.nitrosign.chains.solana;

import io.nitrosign.chains.ChainFormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A serialized Solana transaction as wallets and RPC carry it: compact-array of 64-byte signatures,
 * then the serialized message (legacy or v0). Unsigned transactions carry zero-filled signatures.
 *
 * <p>The number of signatures must equal the message's numRequiredSignatures (as the runtime
 * requires); the whole transaction is at most {@link SolanaMessage#MAX_SIZE} bytes.
 * {@link #messageBytes()} is exactly what a signer signs; {@link #withSignature} puts a signature in
 * a signer's slot and re-serializes.
 *
 * <p>There is deliberately no "transaction or bare message, guess which" entry point: a crafted
 * byte string could read validly both ways with different contents, so callers say which they hold
 * ({@link #decode} or {@link SolanaMessage#decode}).
 */
public final class SolanaTransaction {

  public static final int SIGNATURE_LENGTH = 64;

  private final List<byte[]> signatures;
  private final SolanaMessage message;

  private SolanaTransaction(List<byte[]> signatures, SolanaMessage message) {
    this.signatures = signatures;
    this.message = message;
  }

  /**
   * Decodes a serialized transaction.
   *
   * @throws ChainFormatException naming the field, on any malformed input
   */
  public static SolanaTransaction decode(byte[] bytes) {
    if (bytes == null) {
      throw new ChainFormatException("transaction", "is null");
    }
    if (bytes.length > SolanaMessage.MAX_SIZE) {
      throw new ChainFormatException("transaction", "longer than " + SolanaMessage.MAX_SIZE + " bytes");
    }
    Reader in = new Reader(bytes);
    int n = ShortVec.decode(in, "signatures.length");
    if ((long) n * SIGNATURE_LENGTH > in.remaining()) {
      throw new ChainFormatException("signatures.length", n + " signatures do not fit in the transaction");
    }
    List<byte[]> sigs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      sigs.add(in.bytes(SIGNATURE_LENGTH, "signatures[" + i + "]"));
    }
    SolanaMessage m = SolanaMessage.decode(in.bytes(in.remaining(), "message"));
    if (n != m.header().numRequiredSignatures()) {
      throw new ChainFormatException("signatures.length",
          n + " signatures but the message requires " + m.header().numRequiredSignatures());
    }
    return new SolanaTransaction(sigs, m);
  }

  public SolanaMessage message() {
    return message;
  }

  /** The exact bytes each signer signs (the serialized message). */
  public byte[] messageBytes() {
    return message.serialized();
  }

  public int signatureCount() {
    return signatures.size();
  }

  public byte[] signature(int i) {
    return signatures.get(i).clone();
  }

  /** Whether signature slot {@code i} is all zeros (not yet signed). */
  public boolean isUnsigned(int i) {
    for (byte b : signatures.get(i)) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns a copy with {@code signature} in the slot of {@code signer}. The signature is not
   * verified here (that is the signer's job, over {@link #messageBytes()}).
   */
  public SolanaTransaction withSignature(SolanaAddress signer, byte[] signature) {
    if (signature == null || signature.length != SIGNATURE_LENGTH) {
      throw new ChainFormatException("signature", "must be 64 bytes");
    }
    int slot = message.requiredSigners().indexOf(signer);
    if (slot < 0) {
      throw new ChainFormatException("signer", signer + " is not a required signer of this message");
    }
    List<byte[]> sigs = new ArrayList<>(signatures);
    sigs.set(slot, signature.clone());
    return new SolanaTransaction(sigs, message);
  }

  /** The serialized transaction. */
  public byte[] serialize() {
    byte[] len = ShortVec.encode(signatures.size());
    byte[] msg = message.serialized();
    byte[] out = new byte[len.length + SIGNATURE_LENGTH * signatures.size() + msg.length];
    System.arraycopy(len, 0, out, 0, len.length);
    int p = len.length;
    for (byte[] s : signatures) {
      System.arraycopy(s, 0, out, p, SIGNATURE_LENGTH);
      p += SIGNATURE_LENGTH;
    }
    System.arraycopy(msg, 0, out, p, msg.length);
    return out;
  }

  @Override
  public String toString() {
    return "SolanaTransaction[signatures=" + signatures.size() + ", message=" + message.version() + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SolanaTransaction t && Arrays.equals(serialize(), t.serialize());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(serialize());
  }
}
