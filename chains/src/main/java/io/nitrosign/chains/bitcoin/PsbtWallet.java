package io.nitrosign.chains.bitcoin;

import io.nitrosign.chains.ChainFormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which inputs of a PSBT one single-key wallet signs, decided the same way by the enclave (before
 * it unseals anything) and by the parent (for policy, the audit row, and to check the enclave's
 * answer). The wallet is one secp256k1 key with three scripts:
 *
 * <ul>
 *   <li>P2WPKH {@code 0014 <HASH160(compressed key)>};
 *   <li>P2SH-P2WPKH, whose redeem script is {@code 0014 <HASH160(compressed key)>};
 *   <li>P2TR key path, {@code 5120 <Q>} with Q the BIP-86 output key (BIP-341 tweak without a
 *       script tree).
 * </ul>
 *
 * <p>An input is the wallet's when the output it spends (witness_utxo or non_witness_utxo) has one
 * of these scripts. It is signed unless it is already finalized (final_scriptSig or
 * final_scriptwitness) or already carries this wallet's signature (partial_sig under the
 * compressed key, or tap_key_sig). Other inputs, including those without a UTXO, are left alone.
 *
 * <p>Refused with a typed error rather than skipped: a taproot input that names this wallet's key
 * (tap_internal_key) together with a script tree (tap_merkle_root), or whose output key does not
 * match: key-path spends of outputs with a script tree are not supported, and silently leaving
 * such an input unsigned would hand back a transaction the caller believes signed. A PSBT with no
 * input to sign is refused ({@code psbt}: no input of this wallet to sign).
 */
public final class PsbtWallet {

  /** The role of one input for this wallet. */
  public enum Role {
    /** The wallet's, and signed by this request. */
    SIGN,
    /** The wallet's, already signed by this wallet or finalized: left as it is. */
    ALREADY_SIGNED,
    /** Not the wallet's (another key, another script type, or no UTXO to tell). */
    OTHER
  }

  /**
   * One input as policy sees it: the script type of the output it spends ({@code p2wpkh},
   * {@code p2sh}, {@code p2tr}, {@code p2pkh}, {@code p2wsh}, {@code other}; null without a UTXO),
   * its value in satoshis (null without a UTXO), and its role for this wallet.
   */
  public record InputView(int index, String script, Long value, Role role) {}

  private static final int IN_PARTIAL_SIG = 0x02;
  private static final int IN_FINAL_SCRIPTSIG = 0x07;
  private static final int IN_FINAL_SCRIPTWITNESS = 0x08;
  private static final int IN_TAP_KEY_SIG = 0x13;

  private final byte[] compressed;
  private final byte[] xOnly;
  private final byte[] p2wpkhScript;
  private final byte[] p2shScript;
  private final byte[] sec1PublicKey;
  // The BIP-86 output key costs a point multiplication: computed only when an input is P2TR.
  private byte[] outputKey;

  private PsbtWallet(byte[] sec1PublicKey) {
    this.compressed = Secp256k1Points.compress(sec1PublicKey);
    this.xOnly = Arrays.copyOfRange(compressed, 1, 33);
    byte[] pkh = Hashes.hash160(compressed);
    this.p2wpkhScript = new ByteWriter().u8(0x00).u8(0x14).bytes(pkh).toByteArray();
    this.p2shScript = new ByteWriter().u8(0xa9).u8(0x14).bytes(Hashes.hash160(p2wpkhScript))
        .u8(0x87).toByteArray();
    this.sec1PublicKey = sec1PublicKey.clone();
  }

  private byte[] outputKey() {
    if (outputKey == null) {
      outputKey = Taproot.bip86OutputKey(sec1PublicKey);
    }
    return outputKey;
  }

  private boolean isOurP2tr(byte[] spk) {
    return spk.length == 34 && spk[0] == 0x51 && spk[1] == 0x20
        && Arrays.equals(spk, 2, 34, outputKey(), 0, 32);
  }

  /** The wallet of a SEC1 public key (33 or 65 bytes). */
  public static PsbtWallet of(byte[] sec1PublicKey) {
    return new PsbtWallet(sec1PublicKey);
  }

  /** The 33-byte compressed key (the key of partial_sig entries). */
  public byte[] compressedKey() {
    return compressed.clone();
  }

  /** The BIP-86 output key: what taproot signatures verify under. */
  public byte[] taprootOutputKey() {
    return outputKey().clone();
  }

  /** Every input with its script type, value and role. */
  public List<InputView> inputs(Psbt psbt) {
    List<InputView> out = new ArrayList<>(psbt.inputCount());
    for (int i = 0; i < psbt.inputCount(); i++) {
      Transaction.Output spent = psbt.spentOutput(i);
      if (spent == null) {
        out.add(new InputView(i, null, null, Role.OTHER));
        continue;
      }
      out.add(new InputView(i, scriptType(spent.scriptPubKey()), spent.value(), role(psbt, i, spent)));
    }
    return List.copyOf(out);
  }

  /**
   * The digests to sign, in input order: one per input whose role is {@link Role#SIGN}.
   *
   * @throws ChainFormatException when there is none, or an input of this wallet cannot be signed
   *     (missing witness_utxo or redeem script, unsupported sighash type, ...)
   */
  public List<Psbt.InputSighash> toSign(Psbt psbt) {
    List<Psbt.InputSighash> out = new ArrayList<>();
    for (InputView v : inputs(psbt)) {
      if (v.role() == Role.SIGN) {
        out.add(psbt.sighash(v.index()));
      }
    }
    if (out.isEmpty()) {
      throw new ChainFormatException("psbt", "no input of this wallet to sign");
    }
    return List.copyOf(out);
  }

  private Role role(Psbt psbt, int i, Transaction.Output spent) {
    byte[] spk = spent.scriptPubKey();
    List<Psbt.Entry> entries = psbt.inputEntries(i);
    byte[] internalKey = psbt.tapInternalKey(i);
    byte[] merkleRoot = psbt.tapMerkleRoot(i);
    String p = "inputs[" + i + "]";
    boolean mine;
    boolean taproot = isOurP2tr(spk);
    if (taproot) {
      if (merkleRoot != null) {
        throw ChainFormatException.unsupported(p + ".tap_merkle_root",
            "key-path spends of outputs with a script tree are not supported");
      }
      if (internalKey != null && !Arrays.equals(internalKey, xOnly)) {
        throw new ChainFormatException(p + ".tap_internal_key", "is not the key of this output");
      }
      mine = true;
    } else if (internalKey != null && Arrays.equals(internalKey, xOnly)) {
      throw merkleRoot != null
          ? ChainFormatException.unsupported(p + ".tap_merkle_root",
              "key-path spends of outputs with a script tree are not supported")
          : new ChainFormatException(p + ".tap_internal_key",
              "the output is not this key's BIP-86 output");
    } else {
      mine = Arrays.equals(spk, p2wpkhScript) || Arrays.equals(spk, p2shScript);
    }
    if (!mine) {
      return Role.OTHER;
    }
    for (Psbt.Entry e : entries) {
      byte[] k = e.key();
      int type = k[0] & 0xff;
      if (k.length == 1 && (type == IN_FINAL_SCRIPTSIG || type == IN_FINAL_SCRIPTWITNESS
          || (taproot && type == IN_TAP_KEY_SIG))) {
        return Role.ALREADY_SIGNED;
      }
      if (!taproot && type == IN_PARTIAL_SIG && k.length == 34
          && Arrays.equals(Arrays.copyOfRange(k, 1, 34), compressed)) {
        return Role.ALREADY_SIGNED;
      }
    }
    return Role.SIGN;
  }

  /** The script type of a scriptPubKey, for policy. */
  public static String scriptType(byte[] spk) {
    int n = spk.length;
    if (n == 22 && spk[0] == 0 && spk[1] == 0x14) {
      return "p2wpkh";
    }
    if (n == 34 && spk[0] == 0 && spk[1] == 0x20) {
      return "p2wsh";
    }
    if (n == 34 && spk[0] == 0x51 && spk[1] == 0x20) {
      return "p2tr";
    }
    if (n == 23 && (spk[0] & 0xff) == 0xa9 && spk[1] == 0x14 && (spk[22] & 0xff) == 0x87) {
      return "p2sh";
    }
    if (n == 25 && (spk[0] & 0xff) == 0x76 && (spk[1] & 0xff) == 0xa9 && spk[2] == 0x14
        && (spk[23] & 0xff) == 0x88 && (spk[24] & 0xff) == 0xac) {
      return "p2pkh";
    }
    return "other";
  }
}
