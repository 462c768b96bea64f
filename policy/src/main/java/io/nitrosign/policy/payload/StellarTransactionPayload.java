package io.nitrosign.policy.payload;

import io.nitrosign.chains.stellar.StellarEnvelope;
import io.nitrosign.chains.stellar.StellarModel;
import io.nitrosign.chains.stellar.StellarModel.Asset;
import io.nitrosign.chains.stellar.StellarModel.Memo;
import io.nitrosign.chains.stellar.StellarModel.Preconditions;
import io.nitrosign.chains.stellar.StellarModel.SetOptions;
import io.nitrosign.chains.stellar.StellarModel.Transaction;
import io.nitrosign.chains.stellar.StrKey;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Stellar transaction envelope ({@code signTransaction} on a Stellar wallet). {@code network}
 * is the network passphrase. Accounts are strkeys ({@code G…}, {@code M…} when muxed); assets
 * {@code native}, {@code CODE:ISSUER} or {@code pool(A,B,fee)}; amounts are int64 stroops.
 * {@code fee} is what the envelope offers (for a fee bump, the outer fee); {@code sourceAccount}
 * is the source of the transaction whose operations run (for a fee bump, the inner one).
 */
public record StellarTransactionPayload(String envelopeType, String network, String sourceAccount,
    long fee, List<Operation> operations, Map<String, Object> extra, Map<String, Object> signed)
    implements Payload {

  /**
   * One operation: {@code type} in snake case ({@code payment}, {@code create_account},
   * {@code path_payment_strict_send}, ...); {@code destination}, {@code asset}, {@code amount}
   * null when the operation has none; {@code audit} the full decoded operation.
   *
   * <p>As chains' model flattens them: {@code create_account} has asset {@code native} and its
   * starting balance as amount; path payments the destination asset and amount (strict send:
   * the destination minimum); {@code change_trust} the trust line's asset and its limit;
   * {@code account_merge} only a destination (it receives the whole balance).
   */
  public record Operation(int index, String type, String sourceAccount, String destination,
      String asset, Long amount, Map<String, Object> audit) {}

  /**
   * The view of a decoded envelope for the network of {@code passphrase}. {@code extra} holds
   * {@code fee_source} and {@code inner_fee} (fee bumps), {@code seq_num}, {@code preconditions},
   * {@code memo}, {@code signatures_present} and {@code hash} (the transaction hash the wallet
   * signs, hex).
   */
  public static StellarTransactionPayload of(StellarEnvelope env, String passphrase) {
    Transaction tx = env.transaction();
    Map<String, Object> extra = AuditValues.map();
    if (env.isFeeBump()) {
      extra.put("fee_source", env.feeSource().address());
      extra.put("inner_fee", Long.toString(tx.fee()));
    }
    extra.put("seq_num", Long.toString(tx.seqNum()));
    extra.put("preconditions", preconditions(tx.preconditions()));
    extra.put("memo", memo(tx.memo()));
    extra.put("signatures_present", env.signatures().size());
    extra.put("hash", AuditValues.plainHex(env.hash(passphrase)));
    List<Operation> ops = new ArrayList<>();
    for (int i = 0; i < tx.operations().size(); i++) {
      ops.add(operation(i, tx.operations().get(i)));
    }
    String type = switch (env.envelopeType()) {
      case StellarEnvelope.ENVELOPE_TYPE_TX_V0 -> "tx_v0";
      case StellarEnvelope.ENVELOPE_TYPE_TX_FEE_BUMP -> "tx_fee_bump";
      default -> "tx";
    };
    return new StellarTransactionPayload(type, passphrase, tx.sourceAccount().address(),
        env.fee(), List.copyOf(ops), extra, AuditValues.map());
  }

  /**
   * {@code envelope_type, network_passphrase}, {@code fee_source} (fee bump), {@code fee},
   * {@code inner_fee} (fee bump), {@code source_account, seq_num, preconditions, memo},
   * {@code operations} (each operation's {@code audit}), {@code signatures_present, hash}; then
   * the rest of {@code extra} and {@code signed}. 64-bit numbers are decimal strings.
   */
  @Override
  public Map<String, Object> audit() {
    Map<String, Object> d = AuditValues.map();
    d.put("envelope_type", envelopeType);
    d.put("network_passphrase", network);
    AuditValues.putIfHeld(d, extra, "fee_source");
    d.put("fee", Long.toString(fee));
    AuditValues.putIfHeld(d, extra, "inner_fee");
    d.put("source_account", sourceAccount);
    AuditValues.putIfHeld(d, extra, "seq_num");
    AuditValues.putIfHeld(d, extra, "preconditions");
    AuditValues.putIfHeld(d, extra, "memo");
    List<Object> ops = new ArrayList<>(operations.size());
    for (Operation op : operations) {
      ops.add(op.audit());
    }
    d.put("operations", ops);
    AuditValues.putRest(d, extra);
    AuditValues.putRest(d, signed);
    return d;
  }

  private static Operation operation(int index, StellarModel.Operation op) {
    String type = op.type().name().toLowerCase(Locale.ROOT);
    String source = op.sourceAccount() == null ? null : op.sourceAccount().address();
    String destination = op.destination() == null ? null : op.destination().address();
    String asset = op.asset() == null ? null : op.asset().canonical();
    Map<String, Object> o = AuditValues.map();
    o.put("index", index);
    o.put("type", type);
    if (source != null) {
      o.put("source_account", source);
    }
    if (destination != null) {
      o.put("destination", destination);
    }
    if (asset != null) {
      o.put("asset", asset);
    }
    if (op.amount() != null) {
      o.put("amount", Long.toString(op.amount()));
    }
    if (op.sendAsset() != null) {
      o.put("send_asset", op.sendAsset().canonical());
      o.put("send_amount", Long.toString(op.sendAmount()));
      List<String> path = new ArrayList<>();
      for (Asset a : op.path()) {
        path.add(a.canonical());
      }
      o.put("path", List.copyOf(path));
    }
    if (op.setOptions() != null) {
      o.put("set_options", setOptions(op.setOptions()));
    }
    return new Operation(index, type, source, destination, asset, op.amount(),
        Collections.unmodifiableMap(o));
  }

  private static Map<String, Object> preconditions(Preconditions p) {
    Map<String, Object> o = AuditValues.map();
    o.put("type", switch (p.type()) {
      case 0 -> "none";
      case 1 -> "time";
      default -> "v2";
    });
    if (p.minTime() != null) {
      Map<String, Object> t = AuditValues.map();
      t.put("min_time", Long.toUnsignedString(p.minTime()));
      t.put("max_time", Long.toUnsignedString(p.maxTime()));
      o.put("time_bounds", t);
    }
    if (p.type() == 2) {
      if (p.minLedger() != null) {
        Map<String, Object> l = AuditValues.map();
        l.put("min_ledger", p.minLedger());
        l.put("max_ledger", p.maxLedger());
        o.put("ledger_bounds", l);
      }
      if (p.minSeqNum() != null) {
        o.put("min_seq_num", Long.toString(p.minSeqNum()));
      }
      o.put("min_seq_age", Long.toUnsignedString(p.minSeqAge()));
      o.put("min_seq_ledger_gap", p.minSeqLedgerGap());
      o.put("extra_signers", p.extraSigners());
    }
    return o;
  }

  private static Map<String, Object> memo(Memo m) {
    Map<String, Object> o = AuditValues.map();
    o.put("type", m.type().name().toLowerCase(Locale.ROOT));
    switch (m.type()) {
      case TEXT -> {
        String text = utf8(m.text());
        if (text != null) {
          o.put("text", text);
        } else {
          o.put("text_hex", AuditValues.hex(m.text()));
        }
      }
      case ID -> o.put("id", Long.toUnsignedString(m.id()));
      case HASH, RETURN -> o.put("hash", AuditValues.hex(m.hash()));
      default -> { }
    }
    return o;
  }

  private static Map<String, Object> setOptions(SetOptions s) {
    Map<String, Object> o = AuditValues.map();
    putIfSet(o, "inflation_dest", s.inflationDest());
    putIfSet(o, "clear_flags", s.clearFlags());
    putIfSet(o, "set_flags", s.setFlags());
    putIfSet(o, "master_weight", s.masterWeight());
    putIfSet(o, "low_threshold", s.lowThreshold());
    putIfSet(o, "med_threshold", s.medThreshold());
    putIfSet(o, "high_threshold", s.highThreshold());
    if (s.homeDomain() != null) {
      String domain = utf8(s.homeDomain());
      o.put("home_domain", domain != null ? domain : AuditValues.hex(s.homeDomain()));
    }
    if (s.signerKeyType() != null) {
      Map<String, Object> signer = AuditValues.map();
      byte[] key = s.signerKey();
      switch (s.signerKeyType()) {
        case 0 -> {
          signer.put("type", "ed25519");
          signer.put("key", StrKey.encodeAccountId(key));
        }
        case 1 -> {
          signer.put("type", "pre_auth_tx");
          signer.put("key", AuditValues.hex(key));
        }
        case 2 -> {
          signer.put("type", "hash_x");
          signer.put("key", AuditValues.hex(key));
        }
        default -> {
          signer.put("type", "ed25519_signed_payload");
          signer.put("key", StrKey.encodeAccountId(Arrays.copyOf(key, 32)));
          signer.put("payload", AuditValues.hex(Arrays.copyOfRange(key, 32, key.length)));
        }
      }
      signer.put("weight", s.signerWeight());
      o.put("signer", signer);
    }
    return o;
  }

  private static void putIfSet(Map<String, Object> o, String key, Object value) {
    if (value != null) {
      o.put(key, value);
    }
  }

  /** The bytes as text if they are valid UTF-8 without control characters; otherwise null. */
  private static String utf8(byte[] bytes) {
    String s;
    try {
      s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return null;
      }
    }
    return s;
  }
}
