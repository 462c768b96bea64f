package io.nitrosign.parent.rpc;

import io.nitrosign.chains.solana.SolanaAddress;
import io.nitrosign.chains.solana.SolanaInstruction;
import io.nitrosign.chains.solana.SolanaMessage;
import io.nitrosign.chains.solana.SolanaMessage.AccountRef;
import io.nitrosign.chains.solana.SolanaMessage.AddressTableLookup;
import io.nitrosign.chains.solana.SolanaMessage.LookupAccount;
import io.nitrosign.chains.solana.SolanaMessage.StaticAccount;
import io.nitrosign.chains.solana.SolanaPrograms;
import io.nitrosign.parent.Hex;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a Solana message shows policy and the audit log ({@code decoded}), as plain JSON values.
 *
 * <pre>
 * {"version": "legacy"|"v0", "fee_payer": "&lt;base58&gt;", "required_signers": [...],
 *  "recent_blockhash": "&lt;base58&gt;", "account_keys": [...],
 *  "address_table_lookups": [{"account_key", "writable_indexes", "readonly_indexes"}],
 *  "program_ids": [...], "instructions": [{"index", "type", "program_id", "program", ...}]}
 * </pre>
 *
 * An account is its base58 address when it is a static key of the message, or
 * {@code {"lookup_table": "<base58>", "table_index": n, "writable": bool}} when a v0 message loads
 * it from an address lookup table (its address is resolved on chain, unknown to the signer: a
 * policy that compares addresses sees an object, not a string, and fails closed). Amounts
 * (lamports, token base units) are unsigned 64-bit values written as decimal strings.
 */
final class SolanaPolicyView {

  private SolanaPolicyView() {}

  static Map<String, Object> of(SolanaMessage m, List<SolanaInstruction> instructions) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("version", m.version() == SolanaMessage.Version.V0 ? "v0" : "legacy");
    d.put("fee_payer", m.feePayer().toBase58());
    d.put("required_signers", addresses(m.requiredSigners()));
    d.put("recent_blockhash", m.recentBlockhashBase58());
    d.put("account_keys", addresses(m.staticAccountKeys()));
    if (m.version() == SolanaMessage.Version.V0) {
      List<Object> lookups = new ArrayList<>();
      for (AddressTableLookup l : m.addressTableLookups()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("account_key", l.accountKey().toBase58());
        o.put("writable_indexes", l.writableIndexes());
        o.put("readonly_indexes", l.readonlyIndexes());
        lookups.add(o);
      }
      d.put("address_table_lookups", lookups);
    }
    List<String> programs = new ArrayList<>();
    List<Object> ixs = new ArrayList<>();
    for (SolanaInstruction ix : instructions) {
      String p = ix.programId().toBase58();
      if (!programs.contains(p)) {
        programs.add(p);
      }
      ixs.add(instruction(ix));
    }
    d.put("program_ids", programs);
    d.put("instructions", ixs);
    return d;
  }

  /** One instruction: its type and named fields (see docs/chains.md#solana). */
  static Map<String, Object> instruction(SolanaInstruction ix) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("index", ix.instructionIndex());
    o.put("program_id", ix.programId().toBase58());
    o.put("program", programName(ix.programId()));
    if (ix instanceof SolanaInstruction.SystemTransfer t) {
      o.put("type", "system_transfer");
      o.put("from", account(t.from()));
      o.put("to", account(t.to()));
      o.put("lamports", u64(t.lamports()));
    } else if (ix instanceof SolanaInstruction.SystemCreateAccount c) {
      o.put("type", "system_create_account");
      o.put("from", account(c.from()));
      o.put("new_account", account(c.newAccount()));
      o.put("lamports", u64(c.lamports()));
      o.put("space", u64(c.space()));
      o.put("owner", c.owner().toBase58());
    } else if (ix instanceof SolanaInstruction.TokenTransfer t) {
      o.put("type", "token_transfer");
      o.put("source", account(t.source()));
      o.put("destination", account(t.destination()));
      o.put("authority", account(t.authority()));
      o.put("amount", u64(t.amount()));
      o.put("additional_accounts", accounts(t.additionalAccounts()));
    } else if (ix instanceof SolanaInstruction.TokenTransferChecked t) {
      o.put("type", "token_transfer_checked");
      o.put("source", account(t.source()));
      o.put("mint", account(t.mint()));
      o.put("destination", account(t.destination()));
      o.put("authority", account(t.authority()));
      o.put("amount", u64(t.amount()));
      o.put("decimals", t.decimals());
      o.put("additional_accounts", accounts(t.additionalAccounts()));
    } else if (ix instanceof SolanaInstruction.TokenBurn b) {
      o.put("type", b.decimals() < 0 ? "token_burn" : "token_burn_checked");
      o.put("account", account(b.account()));
      o.put("mint", account(b.mint()));
      o.put("authority", account(b.authority()));
      o.put("amount", u64(b.amount()));
      if (b.decimals() >= 0) {
        o.put("decimals", b.decimals());
      }
      o.put("additional_accounts", accounts(b.additionalAccounts()));
    } else if (ix instanceof SolanaInstruction.TokenMintTo t) {
      o.put("type", t.decimals() < 0 ? "token_mint_to" : "token_mint_to_checked");
      o.put("mint", account(t.mint()));
      o.put("destination", account(t.destination()));
      o.put("authority", account(t.authority()));
      o.put("amount", u64(t.amount()));
      if (t.decimals() >= 0) {
        o.put("decimals", t.decimals());
      }
      o.put("additional_accounts", accounts(t.additionalAccounts()));
    } else if (ix instanceof SolanaInstruction.TokenCloseAccount c) {
      o.put("type", "token_close_account");
      o.put("account", account(c.account()));
      o.put("destination", account(c.destination()));
      o.put("authority", account(c.authority()));
      o.put("additional_accounts", accounts(c.additionalAccounts()));
    } else if (ix instanceof SolanaInstruction.Other x) {
      o.put("type", "other");
      o.put("accounts", accounts(x.accounts()));
      o.put("data", Hex.prefixed(x.data()));
    }
    return o;
  }

  /** A friendly name for the programs this appliance knows; null for the others. */
  static String programName(SolanaAddress program) {
    if (program.equals(SolanaPrograms.SYSTEM)) {
      return "system";
    } else if (program.equals(SolanaPrograms.TOKEN)) {
      return "spl_token";
    } else if (program.equals(SolanaPrograms.TOKEN_2022)) {
      return "spl_token_2022";
    } else if (program.equals(SolanaPrograms.ASSOCIATED_TOKEN)) {
      return "associated_token";
    } else if (program.equals(SolanaPrograms.COMPUTE_BUDGET)) {
      return "compute_budget";
    }
    return null;
  }

  static Object account(AccountRef ref) {
    if (ref instanceof StaticAccount s) {
      return s.address().toBase58();
    }
    LookupAccount l = (LookupAccount) ref;
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("lookup_table", l.table().toBase58());
    o.put("table_index", l.tableIndex());
    o.put("writable", l.writable());
    return o;
  }

  private static List<Object> accounts(List<AccountRef> refs) {
    List<Object> out = new ArrayList<>(refs.size());
    for (AccountRef r : refs) {
      out.add(account(r));
    }
    return out;
  }

  private static List<String> addresses(List<SolanaAddress> keys) {
    List<String> out = new ArrayList<>(keys.size());
    for (SolanaAddress k : keys) {
      out.add(k.toBase58());
    }
    return out;
  }

  private static String u64(long v) {
    return Long.toUnsignedString(v);
  }
}
