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
 *
 * <p>What a request must accept explicitly ({@link SigningRules}), refused otherwise for each
 * input to sign: a segwit v0 input without non_witness_utxo (BIP-143 signs the amount the PSBT
 * claims, so a witness_utxo alone lets a creator lie about it across two signing rounds and
 * spend the difference as fee, CVE-2020-14199; taproot signs every input's amount and script, so
 * witness_utxo is enough there), and a sighash type other than DEFAULT and ALL (NONE, SINGLE and
 * ANYONECANPAY leave outputs or inputs open for someone else to change).
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

  /**
   * What one request accepts beyond the default: {@code allowWitnessUtxoOnly} lets segwit v0 inputs
   * be signed on witness_utxo alone; {@code allowedSighashTypes} lists the partial sighash types
   * ({@link Sighash#PARTIAL_TYPES}) that may be signed, ascending and without repeats (one spelling
   * per meaning, since the enclave compares payloads). DEFAULT and ALL are always allowed.
   */
  public record SigningRules(boolean allowWitnessUtxoOnly, List<Integer> allowedSighashTypes) {

    /** At most this many names in a request's list. */
    public static final int MAX_NAMES = 16;

    /** The default: non_witness_utxo required for segwit v0, only DEFAULT and ALL. */
    public static final SigningRules STRICT = new SigningRules(false, List.of());

    /**
     * @throws ChainFormatException ({@code allowed_sighash_types}) when the list holds something
     *     other than partial types in ascending order without repeats
     */
    public SigningRules {
      allowedSighashTypes = List.copyOf(allowedSighashTypes);
      int last = -1;
      for (int t : allowedSighashTypes) {
        if (!Sighash.PARTIAL_TYPES.contains(t) || t <= last) {
          throw new ChainFormatException("allowed_sighash_types",
              "must be partial sighash types (NONE, SINGLE, ANYONECANPAY), ascending, no repeats");
        }
        last = t;
      }
    }

    /**
     * The rules of a request's {@code params}: {@code allow_witness_utxo_only} (a boolean, false
     * when absent) and {@code allowed_sighash_types} (a list of names as {@link Sighash#name}
     * spells them, e.g. {@code "SINGLE|ANYONECANPAY"}; DEFAULT and ALL may be listed and change
     * nothing). The parent and {@code RpcPayloads} both read params with this.
     *
     * @param names the list value ({@code null} when absent)
     * @throws ChainFormatException naming the field when a value has the wrong type or a name is
     *     unknown
     */
    public static SigningRules fromParams(Object allowWitnessUtxoOnly, Object names) {
      if (allowWitnessUtxoOnly != null && !(allowWitnessUtxoOnly instanceof Boolean)) {
        throw new ChainFormatException("params.allow_witness_utxo_only", "must be a boolean");
      }
      java.util.TreeSet<Integer> types = new java.util.TreeSet<>();
      if (names != null) {
        if (!(names instanceof List<?> list) || list.size() > MAX_NAMES) {
          throw new ChainFormatException("params.allowed_sighash_types",
              "must be a list of at most " + MAX_NAMES + " sighash type names");
        }
        for (int k = 0; k < list.size(); k++) {
          int t = list.get(k) instanceof String n ? Sighash.fromName(n) : -1;
          if (t < 0) {
            throw new ChainFormatException("params.allowed_sighash_types[" + k + "]",
                "must be one of ALL, NONE, SINGLE, ALL|ANYONECANPAY, NONE|ANYONECANPAY, "
                    + "SINGLE|ANYONECANPAY, DEFAULT");
          }
          if (!Sighash.coversWholeTransaction(t)) {
            types.add(t);
          }
        }
      }
      return new SigningRules(Boolean.TRUE.equals(allowWitnessUtxoOnly), List.copyOf(types));
    }

    /** Whether a signature of this sighash type may be made. */
    public boolean allows(int hashType) {
      return Sighash.coversWholeTransaction(hashType) || allowedSighashTypes.contains(hashType);
    }
  }

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
   * The digests to sign, in input order: one per input whose role is {@link Role#SIGN}, each
   * checked against the request's {@code rules}.
   *
   * @throws ChainFormatException when there is none, or an input of this wallet cannot be signed
   *     (missing UTXO or redeem script, unsupported sighash type, ...) or may not be under
   *     {@code rules} (segwit v0 without non_witness_utxo, a sighash type not allowed)
   */
  public List<Psbt.InputSighash> toSign(Psbt psbt, SigningRules rules) {
    List<Psbt.InputSighash> out = new ArrayList<>();
    for (InputView v : inputs(psbt)) {
      if (v.role() != Role.SIGN) {
        continue;
      }
      int i = v.index();
      Psbt.InputSighash s = psbt.sighash(i);
      if (s.kind() != Psbt.InputKind.P2TR_KEY_PATH && !rules.allowWitnessUtxoOnly()
          && !psbt.hasNonWitnessUtxo(i)) {
        throw new ChainFormatException("inputs[" + i + "].non_witness_utxo",
            "missing: a segwit v0 input is signed only with its previous transaction "
                + "(CVE-2020-14199) unless allow_witness_utxo_only is set");
      }
      if (!rules.allows(s.hashType())) {
        throw new ChainFormatException("inputs[" + i + "].sighash_type",
            Sighash.name(s.hashType()) + " is refused unless allowed_sighash_types lists it");
      }
      out.add(s);
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
