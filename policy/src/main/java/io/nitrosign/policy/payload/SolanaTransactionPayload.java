package io.nitrosign.policy.payload;

import io.nitrosign.chains.solana.SolanaAddress;
import io.nitrosign.chains.solana.SolanaInstruction;
import io.nitrosign.chains.solana.SolanaMessage;
import io.nitrosign.chains.solana.SolanaMessage.AccountRef;
import io.nitrosign.chains.solana.SolanaMessage.AddressTableLookup;
import io.nitrosign.chains.solana.SolanaMessage.LookupAccount;
import io.nitrosign.chains.solana.SolanaMessage.StaticAccount;
import io.nitrosign.chains.solana.SolanaPrograms;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A Solana transaction's message ({@code signTransaction} on a Solana wallet). Addresses are
 * base58; an account loaded from an address lookup table is {@code null} in the typed fields (its
 * address is unknown to the signer, so address conditions fail closed) and described in
 * {@link #audit()}. Amounts in an instruction's {@code fields} are the unsigned 64-bit values as
 * {@link BigInteger}s; in {@link #audit()} they are decimal strings.
 */
public record SolanaTransactionPayload(String version, String feePayer,
    List<String> requiredSigners, String recentBlockhash, List<String> accountKeys,
    List<Instruction> instructions, int signerIndex, Map<String, Object> extra,
    Map<String, Object> signed) implements Payload {

  /**
   * One instruction. {@code name} is the decoded instruction name as Privy's conditions spell it
   * ({@code Transfer}, {@code CreateAccount}, {@code TransferChecked}, {@code Burn},
   * {@code MintTo}, {@code CloseAccount}, {@code InitializeAccount3}, ...) or null when the
   * instruction was not decoded; {@code program} is {@code system}, {@code token},
   * {@code token_2022} or null; {@code fields} maps Privy's field names ({@code from}, {@code to},
   * {@code lamports}, {@code source}, {@code destination}, {@code authority}, {@code amount},
   * {@code mint}, {@code account}, {@code owner}, ...) to a base58 address (null when loaded from
   * a lookup table) or, for amounts, a {@link java.math.BigInteger}.
   */
  public record Instruction(int index, String programId, String program, String name,
      Map<String, Object> fields, Map<String, Object> audit) {}

  /**
   * The view of a decoded message and its decoded instructions ({@code SolanaInstruction.decodeAll});
   * {@code signerIndex} is the wallet's position among the required signers. {@code extra} holds
   * the v0 {@code address_table_lookups} and the distinct {@code program_ids} in order of first
   * use.
   */
  public static SolanaTransactionPayload of(SolanaMessage m, List<SolanaInstruction> instructions,
      int signerIndex) {
    Map<String, Object> extra = AuditValues.map();
    if (m.version() == SolanaMessage.Version.V0) {
      List<Object> lookups = new ArrayList<>();
      for (AddressTableLookup l : m.addressTableLookups()) {
        Map<String, Object> o = AuditValues.map();
        o.put("account_key", l.accountKey().toBase58());
        o.put("writable_indexes", l.writableIndexes());
        o.put("readonly_indexes", l.readonlyIndexes());
        lookups.add(Collections.unmodifiableMap(o));
      }
      extra.put("address_table_lookups", List.copyOf(lookups));
    }
    List<String> programs = new ArrayList<>();
    List<Instruction> ixs = new ArrayList<>(instructions.size());
    for (SolanaInstruction ix : instructions) {
      String p = ix.programId().toBase58();
      if (!programs.contains(p)) {
        programs.add(p);
      }
      ixs.add(instruction(ix));
    }
    extra.put("program_ids", List.copyOf(programs));
    return new SolanaTransactionPayload(
        m.version() == SolanaMessage.Version.V0 ? "v0" : "legacy", m.feePayer().toBase58(),
        addresses(m.requiredSigners()), m.recentBlockhashBase58(),
        addresses(m.staticAccountKeys()), List.copyOf(ixs), signerIndex, extra,
        AuditValues.map());
  }

  /**
   * {@code version, fee_payer, required_signers, recent_blockhash, account_keys},
   * {@code address_table_lookups} (v0), {@code program_ids}, {@code instructions} (each
   * instruction's {@code audit}), {@code signer_index}; then the rest of {@code extra} and
   * {@code signed}.
   *
   * <p>An instruction's audit: {@code index, program_id, program} (a friendly name for the
   * programs this appliance knows, else null), {@code type} ({@code system_transfer},
   * {@code token_transfer_checked}, ..., {@code other}) and its named fields. An account is its
   * base58 address when it is a static key of the message, or {@code {"lookup_table", "table_index",
   * "writable"}} when a v0 message loads it from an address lookup table. Amounts are decimal
   * strings.
   */
  @Override
  public Map<String, Object> audit() {
    Map<String, Object> d = AuditValues.map();
    d.put("version", version);
    d.put("fee_payer", feePayer);
    d.put("required_signers", requiredSigners);
    d.put("recent_blockhash", recentBlockhash);
    d.put("account_keys", accountKeys);
    AuditValues.putIfHeld(d, extra, "address_table_lookups");
    AuditValues.putIfHeld(d, extra, "program_ids");
    List<Object> ixs = new ArrayList<>(instructions.size());
    for (Instruction ix : instructions) {
      ixs.add(ix.audit());
    }
    d.put("instructions", ixs);
    d.put("signer_index", signerIndex);
    AuditValues.putRest(d, extra);
    AuditValues.putRest(d, signed);
    return d;
  }

  /** One decoded instruction: its typed fields for policy and its audit map. */
  static Instruction instruction(SolanaInstruction ix) {
    Map<String, Object> f = AuditValues.map();
    Map<String, Object> o = AuditValues.map();
    o.put("index", ix.instructionIndex());
    o.put("program_id", ix.programId().toBase58());
    o.put("program", friendlyName(ix.programId()));
    String name = null;
    if (ix instanceof SolanaInstruction.SystemTransfer t) {
      name = "Transfer";
      o.put("type", "system_transfer");
      o.put("from", account(t.from()));
      o.put("to", account(t.to()));
      o.put("lamports", u64(t.lamports()));
      f.put("from", address(t.from()));
      f.put("to", address(t.to()));
      f.put("lamports", amount(t.lamports()));
    } else if (ix instanceof SolanaInstruction.SystemCreateAccount c) {
      name = "CreateAccount";
      o.put("type", "system_create_account");
      o.put("from", account(c.from()));
      o.put("new_account", account(c.newAccount()));
      o.put("lamports", u64(c.lamports()));
      o.put("space", u64(c.space()));
      o.put("owner", c.owner().toBase58());
      f.put("from", address(c.from()));
      f.put("newAccount", address(c.newAccount()));
      f.put("lamports", amount(c.lamports()));
      f.put("space", amount(c.space()));
      f.put("owner", c.owner().toBase58());
    } else if (ix instanceof SolanaInstruction.TokenTransfer t) {
      name = "Transfer";
      o.put("type", "token_transfer");
      o.put("source", account(t.source()));
      o.put("destination", account(t.destination()));
      o.put("authority", account(t.authority()));
      o.put("amount", u64(t.amount()));
      o.put("additional_accounts", accounts(t.additionalAccounts()));
      f.put("source", address(t.source()));
      f.put("destination", address(t.destination()));
      f.put("authority", address(t.authority()));
      f.put("amount", amount(t.amount()));
    } else if (ix instanceof SolanaInstruction.TokenTransferChecked t) {
      name = "TransferChecked";
      o.put("type", "token_transfer_checked");
      o.put("source", account(t.source()));
      o.put("mint", account(t.mint()));
      o.put("destination", account(t.destination()));
      o.put("authority", account(t.authority()));
      o.put("amount", u64(t.amount()));
      o.put("decimals", t.decimals());
      o.put("additional_accounts", accounts(t.additionalAccounts()));
      f.put("source", address(t.source()));
      f.put("destination", address(t.destination()));
      f.put("authority", address(t.authority()));
      f.put("amount", amount(t.amount()));
      f.put("mint", address(t.mint()));
    } else if (ix instanceof SolanaInstruction.TokenBurn b) {
      // Burn and BurnChecked are one instruction for policy, as for Privy
      name = "Burn";
      o.put("type", b.decimals() < 0 ? "token_burn" : "token_burn_checked");
      o.put("account", account(b.account()));
      o.put("mint", account(b.mint()));
      o.put("authority", account(b.authority()));
      o.put("amount", u64(b.amount()));
      if (b.decimals() >= 0) {
        o.put("decimals", b.decimals());
      }
      o.put("additional_accounts", accounts(b.additionalAccounts()));
      f.put("account", address(b.account()));
      f.put("mint", address(b.mint()));
      f.put("authority", address(b.authority()));
      f.put("amount", amount(b.amount()));
    } else if (ix instanceof SolanaInstruction.TokenMintTo t) {
      // MintTo and MintToChecked likewise; Privy calls the credited token account "account"
      name = "MintTo";
      o.put("type", t.decimals() < 0 ? "token_mint_to" : "token_mint_to_checked");
      o.put("mint", account(t.mint()));
      o.put("destination", account(t.destination()));
      o.put("authority", account(t.authority()));
      o.put("amount", u64(t.amount()));
      if (t.decimals() >= 0) {
        o.put("decimals", t.decimals());
      }
      o.put("additional_accounts", accounts(t.additionalAccounts()));
      f.put("mint", address(t.mint()));
      f.put("account", address(t.destination()));
      f.put("authority", address(t.authority()));
      f.put("amount", amount(t.amount()));
    } else if (ix instanceof SolanaInstruction.TokenCloseAccount c) {
      name = "CloseAccount";
      o.put("type", "token_close_account");
      o.put("account", account(c.account()));
      o.put("destination", account(c.destination()));
      o.put("authority", account(c.authority()));
      o.put("additional_accounts", accounts(c.additionalAccounts()));
      f.put("account", address(c.account()));
      f.put("destination", address(c.destination()));
      f.put("authority", address(c.authority()));
    } else if (ix instanceof SolanaInstruction.Other x) {
      o.put("type", "other");
      o.put("accounts", accounts(x.accounts()));
      o.put("data", AuditValues.hex(x.data()));
      name = initializeAccount3(x, f);
    }
    return new Instruction(ix.instructionIndex(), ix.programId().toBase58(),
        policyProgram(ix.programId()), name, Collections.unmodifiableMap(f),
        Collections.unmodifiableMap(o));
  }

  /**
   * Token InitializeAccount3 (tag 18, then the owner's 32-byte key; accounts: the token account,
   * the mint), which chains' decoder leaves undecoded but Privy's conditions name
   * ({@code InitializeAccount3.account|mint|owner}): read as the token programs read it (trailing
   * data and accounts ignored), so that a DENY rule on it sees every form the program executes.
   * Returns its name and fills {@code f}, or null for any other instruction.
   */
  private static String initializeAccount3(SolanaInstruction.Other x, Map<String, Object> f) {
    byte[] data = x.data();
    if (policyProgram(x.programId()) == null || policyProgram(x.programId()).equals("system")
        || data.length < 33 || data[0] != 18 || x.accounts().size() < 2) {
      return null;
    }
    f.put("account", address(x.accounts().get(0)));
    f.put("mint", address(x.accounts().get(1)));
    f.put("owner", SolanaAddress.of(java.util.Arrays.copyOfRange(data, 1, 33), "owner").toBase58());
    return "InitializeAccount3";
  }

  /** The program as policy names it: {@code system}, {@code token}, {@code token_2022}, or null. */
  static String policyProgram(SolanaAddress program) {
    if (program.equals(SolanaPrograms.SYSTEM)) {
      return "system";
    } else if (program.equals(SolanaPrograms.TOKEN)) {
      return "token";
    } else if (program.equals(SolanaPrograms.TOKEN_2022)) {
      return "token_2022";
    }
    return null;
  }

  /** The audit row's name for the programs this appliance knows; null for the others. */
  static String friendlyName(SolanaAddress program) {
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

  /** The base58 address of a static account; null for a lookup-table entry (unknown here). */
  private static String address(AccountRef ref) {
    return ref instanceof StaticAccount s ? s.address().toBase58() : null;
  }

  private static Object account(AccountRef ref) {
    if (ref instanceof StaticAccount s) {
      return s.address().toBase58();
    }
    LookupAccount l = (LookupAccount) ref;
    Map<String, Object> o = AuditValues.map();
    o.put("lookup_table", l.table().toBase58());
    o.put("table_index", l.tableIndex());
    o.put("writable", l.writable());
    return Collections.unmodifiableMap(o);
  }

  private static List<Object> accounts(List<AccountRef> refs) {
    List<Object> out = new ArrayList<>(refs.size());
    for (AccountRef r : refs) {
      out.add(account(r));
    }
    return Collections.unmodifiableList(out);
  }

  private static List<String> addresses(List<SolanaAddress> keys) {
    List<String> out = new ArrayList<>(keys.size());
    for (SolanaAddress k : keys) {
      out.add(k.toBase58());
    }
    return List.copyOf(out);
  }

  private static String u64(long v) {
    return Long.toUnsignedString(v);
  }

  private static BigInteger amount(long v) {
    return new BigInteger(Long.toUnsignedString(v));
  }
}
