package io.nitrosign.parent.rpc;

import io.nitrosign.chains.stellar.StellarEnvelope;
import io.nitrosign.chains.stellar.StellarModel.Asset;
import io.nitrosign.chains.stellar.StellarModel.Memo;
import io.nitrosign.chains.stellar.StellarModel.MuxedAccount;
import io.nitrosign.chains.stellar.StellarModel.Operation;
import io.nitrosign.chains.stellar.StellarModel.Preconditions;
import io.nitrosign.chains.stellar.StellarModel.SetOptions;
import io.nitrosign.chains.stellar.StellarModel.Transaction;
import io.nitrosign.chains.stellar.StrKey;
import io.nitrosign.parent.Hex;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a Stellar envelope shows policy and the audit log ({@code decoded}), as plain JSON values:
 * envelope type, source account, fee, sequence number, preconditions (time bounds, ledger bounds,
 * ...), memo and every operation (type, source, destination, asset, amount, ...). Accounts are
 * strkeys ({@code G…}, or {@code M…} when muxed); assets are {@code native}, {@code CODE:ISSUER}
 * or {@code pool(A,B,fee)}; amounts are int64 stroops (1 XLM = 10^7) and every other 64-bit number
 * is a decimal string. See docs/chains.md#stellar.
 */
final class StellarPolicyView {

  private StellarPolicyView() {}

  static Map<String, Object> of(StellarEnvelope env, String passphrase) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("envelope_type", switch (env.envelopeType()) {
      case StellarEnvelope.ENVELOPE_TYPE_TX_V0 -> "tx_v0";
      case StellarEnvelope.ENVELOPE_TYPE_TX_FEE_BUMP -> "tx_fee_bump";
      default -> "tx";
    });
    d.put("network_passphrase", passphrase);
    Transaction tx = env.transaction();
    if (env.isFeeBump()) {
      d.put("fee_source", env.feeSource().address());
      d.put("fee", Long.toString(env.fee()));
      d.put("inner_fee", Long.toString(tx.fee()));
    } else {
      d.put("fee", Long.toString(tx.fee()));
    }
    d.put("source_account", tx.sourceAccount().address());
    d.put("seq_num", Long.toString(tx.seqNum()));
    d.put("preconditions", preconditions(tx.preconditions()));
    d.put("memo", memo(tx.memo()));
    List<Object> ops = new ArrayList<>();
    for (int i = 0; i < tx.operations().size(); i++) {
      ops.add(operation(i, tx.operations().get(i)));
    }
    d.put("operations", ops);
    d.put("signatures_present", env.signatures().size());
    return d;
  }

  private static Map<String, Object> preconditions(Preconditions p) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("type", switch (p.type()) {
      case 0 -> "none";
      case 1 -> "time";
      default -> "v2";
    });
    if (p.minTime() != null) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("min_time", Long.toUnsignedString(p.minTime()));
      t.put("max_time", Long.toUnsignedString(p.maxTime()));
      o.put("time_bounds", t);
    }
    if (p.type() == 2) {
      if (p.minLedger() != null) {
        Map<String, Object> l = new LinkedHashMap<>();
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
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("type", m.type().name().toLowerCase(Locale.ROOT));
    switch (m.type()) {
      case TEXT -> {
        String text = utf8(m.text());
        if (text != null) {
          o.put("text", text);
        } else {
          o.put("text_hex", Hex.prefixed(m.text()));
        }
      }
      case ID -> o.put("id", Long.toUnsignedString(m.id()));
      case HASH, RETURN -> o.put("hash", Hex.prefixed(m.hash()));
      default -> { }
    }
    return o;
  }

  private static Map<String, Object> operation(int index, Operation op) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("index", index);
    o.put("type", op.type().name().toLowerCase(Locale.ROOT));
    if (op.sourceAccount() != null) {
      o.put("source_account", account(op.sourceAccount()));
    }
    if (op.destination() != null) {
      o.put("destination", account(op.destination()));
    }
    if (op.asset() != null) {
      o.put("asset", asset(op.asset()));
    }
    if (op.amount() != null) {
      o.put("amount", Long.toString(op.amount()));
    }
    if (op.sendAsset() != null) {
      o.put("send_asset", asset(op.sendAsset()));
      o.put("send_amount", Long.toString(op.sendAmount()));
      List<String> path = new ArrayList<>();
      for (Asset a : op.path()) {
        path.add(asset(a));
      }
      o.put("path", path);
    }
    if (op.setOptions() != null) {
      o.put("set_options", setOptions(op.setOptions()));
    }
    return o;
  }

  private static Map<String, Object> setOptions(SetOptions s) {
    Map<String, Object> o = new LinkedHashMap<>();
    putIfSet(o, "inflation_dest", s.inflationDest());
    putIfSet(o, "clear_flags", s.clearFlags());
    putIfSet(o, "set_flags", s.setFlags());
    putIfSet(o, "master_weight", s.masterWeight());
    putIfSet(o, "low_threshold", s.lowThreshold());
    putIfSet(o, "med_threshold", s.medThreshold());
    putIfSet(o, "high_threshold", s.highThreshold());
    if (s.homeDomain() != null) {
      String domain = utf8(s.homeDomain());
      o.put("home_domain", domain != null ? domain : Hex.prefixed(s.homeDomain()));
    }
    if (s.signerKeyType() != null) {
      Map<String, Object> signer = new LinkedHashMap<>();
      byte[] key = s.signerKey();
      switch (s.signerKeyType()) {
        case 0 -> {
          signer.put("type", "ed25519");
          signer.put("key", StrKey.encodeAccountId(key));
        }
        case 1 -> {
          signer.put("type", "pre_auth_tx");
          signer.put("key", Hex.prefixed(key));
        }
        case 2 -> {
          signer.put("type", "hash_x");
          signer.put("key", Hex.prefixed(key));
        }
        default -> {
          signer.put("type", "ed25519_signed_payload");
          signer.put("key", StrKey.encodeAccountId(java.util.Arrays.copyOf(key, 32)));
          signer.put("payload", Hex.prefixed(java.util.Arrays.copyOfRange(key, 32, key.length)));
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

  private static String account(MuxedAccount a) {
    return a.address();
  }

  private static String asset(Asset a) {
    return a.canonical();
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
