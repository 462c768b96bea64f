package io.nitrosign.chains.stellar;

import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.stellar.StellarModel.MuxedAccount;
import io.nitrosign.chains.stellar.StellarModel.Operation;
import java.util.Arrays;

/**
 * The rules a signer applies before it signs a Stellar envelope with one wallet's key, shared by
 * the enclave (which enforces them) and the parent (which refuses early with the same message).
 *
 * <ul>
 *   <li>The network passphrase is required: 1 to {@value #MAX_PASSPHRASE_LENGTH} printable ASCII
 *       characters. It is hashed into the signature base, so a signature for one network is not
 *       valid on another.
 *   <li>The wallet must be an account whose signature the envelope needs as the account holder:
 *       for a fee bump (whose outer signature is over the fee-bump hash), the fee source; for a v1
 *       or v0 transaction, the transaction's source or the source of at least one operation.
 *       Muxed accounts ({@code M…}) count as their underlying {@code G…} account. So a compromised
 *       host cannot use the wallet to co-sign another account's transaction (a wallet key added as
 *       a signer of some other account is not the use this appliance signs for).
 * </ul>
 */
public final class StellarSigning {

  /** The longest network passphrase accepted (the public ones are under 50 characters). */
  public static final int MAX_PASSPHRASE_LENGTH = 256;

  private StellarSigning() {}

  /**
   * Returns {@code passphrase} if it is 1 to {@value #MAX_PASSPHRASE_LENGTH} printable ASCII
   * characters.
   *
   * @throws ChainFormatException (field {@code network_passphrase}) otherwise
   */
  public static String requireNetworkPassphrase(String passphrase) {
    if (passphrase == null || passphrase.isEmpty()) {
      throw new ChainFormatException("network_passphrase", "is required");
    }
    if (passphrase.length() > MAX_PASSPHRASE_LENGTH) {
      throw new ChainFormatException("network_passphrase",
          "longer than " + MAX_PASSPHRASE_LENGTH + " characters");
    }
    for (int i = 0; i < passphrase.length(); i++) {
      char c = passphrase.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new ChainFormatException("network_passphrase", "must be printable ASCII");
      }
    }
    return passphrase;
  }

  /**
   * Checks that the wallet with this Ed25519 public key is a signer this envelope needs (see the
   * class comment) and that the envelope has room for one more signature.
   *
   * @throws ChainFormatException naming the field otherwise
   */
  public static void requireWalletSigns(StellarEnvelope envelope, byte[] ed25519PublicKey) {
    if (ed25519PublicKey == null || ed25519PublicKey.length != 32) {
      throw new ChainFormatException("publicKey", "must be 32 bytes");
    }
    String wallet = StrKey.encodeAccountId(ed25519PublicKey);
    if (envelope.isFeeBump()) {
      if (!is(envelope.feeSource(), ed25519PublicKey)) {
        throw new ChainFormatException("feeBump.tx.feeSource", "the wallet " + wallet
            + " is not the fee source of this fee bump (its signature is over the fee-bump hash)");
      }
    } else if (!involves(envelope, ed25519PublicKey)) {
      throw new ChainFormatException("tx.sourceAccount", "the wallet " + wallet
          + " is neither the source of this transaction nor of any of its operations");
    }
    if (envelope.signatures().size() >= StellarEnvelope.MAX_SIGNATURES) {
      throw new ChainFormatException("signatures",
          "already holds the maximum " + StellarEnvelope.MAX_SIGNATURES + " signatures");
    }
  }

  private static boolean involves(StellarEnvelope envelope, byte[] key) {
    if (is(envelope.transaction().sourceAccount(), key)) {
      return true;
    }
    for (Operation op : envelope.transaction().operations()) {
      if (op.sourceAccount() != null && is(op.sourceAccount(), key)) {
        return true;
      }
    }
    return false;
  }

  private static boolean is(MuxedAccount account, byte[] key) {
    return account != null && Arrays.equals(account.ed25519(), key);
  }
}
