package io.nitrosign.chains.solana;

import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.solana.SolanaInstruction.Other;
import io.nitrosign.chains.solana.SolanaInstruction.SystemCreateAccount;
import io.nitrosign.chains.solana.SolanaInstruction.SystemTransfer;
import io.nitrosign.chains.solana.SolanaInstruction.TokenBurn;
import io.nitrosign.chains.solana.SolanaInstruction.TokenCloseAccount;
import io.nitrosign.chains.solana.SolanaInstruction.TokenMintTo;
import io.nitrosign.chains.solana.SolanaInstruction.TokenTransfer;
import io.nitrosign.chains.solana.SolanaInstruction.TokenTransferChecked;
import io.nitrosign.chains.solana.SolanaMessage.AccountRef;
import io.nitrosign.chains.solana.SolanaMessage.CompiledInstruction;
import java.util.ArrayList;
import java.util.List;

/** The instruction layouts behind {@link SolanaInstruction#decode}. */
final class InstructionDecoder {

  // System Program instruction tags (u32 little-endian)
  static final long SYSTEM_CREATE_ACCOUNT = 0;
  static final long SYSTEM_TRANSFER = 2;
  // SPL Token instruction tags (u8)
  static final int TOKEN_TRANSFER = 3;
  static final int TOKEN_MINT_TO = 7;
  static final int TOKEN_BURN = 8;
  static final int TOKEN_CLOSE_ACCOUNT = 9;
  static final int TOKEN_TRANSFER_CHECKED = 12;
  static final int TOKEN_MINT_TO_CHECKED = 14;
  static final int TOKEN_BURN_CHECKED = 15;

  private InstructionDecoder() {}

  static SolanaInstruction decode(SolanaMessage m, int i) {
    CompiledInstruction ix = m.instructions().get(i);
    SolanaAddress program = m.programId(ix);
    List<AccountRef> accounts = new ArrayList<>();
    for (int idx : ix.accountIndexes()) {
      accounts.add(m.account(idx));
    }
    byte[] data = ix.data();
    String f = "instructions[" + i + "]";
    if (program.equals(SolanaPrograms.SYSTEM)) {
      return system(i, accounts, data, f);
    }
    if (program.equals(SolanaPrograms.TOKEN) || program.equals(SolanaPrograms.TOKEN_2022)) {
      return token(i, program, accounts, data, f);
    }
    return new Other(i, program, accounts, data);
  }

  private static SolanaInstruction system(int i, List<AccountRef> a, byte[] data, String f) {
    if (data.length < 4) {
      return new Other(i, SolanaPrograms.SYSTEM, a, data);
    }
    Reader in = new Reader(data);
    long tag = in.u32le(f + ".data");
    if (tag == SYSTEM_TRANSFER) {
      long lamports = in.u64le(f + ".data.lamports");
      in.requireEnd(f + ".data");
      accounts(a, 2, false, f);
      return new SystemTransfer(i, a.get(0), a.get(1), lamports);
    }
    if (tag == SYSTEM_CREATE_ACCOUNT) {
      long lamports = in.u64le(f + ".data.lamports");
      long space = in.u64le(f + ".data.space");
      SolanaAddress owner = in.address(f + ".data.owner");
      in.requireEnd(f + ".data");
      accounts(a, 2, false, f);
      return new SystemCreateAccount(i, a.get(0), a.get(1), lamports, space, owner);
    }
    return new Other(i, SolanaPrograms.SYSTEM, a, data);
  }

  private static SolanaInstruction token(int i, SolanaAddress program, List<AccountRef> a, byte[] data, String f) {
    if (data.length == 0) {
      throw new ChainFormatException(f + ".data", "empty token instruction");
    }
    Reader in = new Reader(data);
    int tag = in.u8(f + ".data");
    switch (tag) {
      case TOKEN_TRANSFER: {
        long amount = amount(in, f);
        in.requireEnd(f + ".data");
        accounts(a, 3, true, f);
        return new TokenTransfer(i, program, a.get(0), a.get(1), a.get(2), rest(a, 3), amount);
      }
      case TOKEN_TRANSFER_CHECKED: {
        long amount = amount(in, f);
        int decimals = in.u8(f + ".data.decimals");
        in.requireEnd(f + ".data");
        accounts(a, 4, true, f);
        return new TokenTransferChecked(i, program, a.get(0), a.get(1), a.get(2), a.get(3), rest(a, 4), amount,
            decimals);
      }
      case TOKEN_BURN:
      case TOKEN_BURN_CHECKED: {
        long amount = amount(in, f);
        int decimals = tag == TOKEN_BURN_CHECKED ? in.u8(f + ".data.decimals") : -1;
        in.requireEnd(f + ".data");
        accounts(a, 3, true, f);
        return new TokenBurn(i, program, a.get(0), a.get(1), a.get(2), rest(a, 3), amount, decimals);
      }
      case TOKEN_MINT_TO:
      case TOKEN_MINT_TO_CHECKED: {
        long amount = amount(in, f);
        int decimals = tag == TOKEN_MINT_TO_CHECKED ? in.u8(f + ".data.decimals") : -1;
        in.requireEnd(f + ".data");
        accounts(a, 3, true, f);
        return new TokenMintTo(i, program, a.get(0), a.get(1), a.get(2), rest(a, 3), amount, decimals);
      }
      case TOKEN_CLOSE_ACCOUNT: {
        in.requireEnd(f + ".data");
        accounts(a, 3, true, f);
        return new TokenCloseAccount(i, program, a.get(0), a.get(1), a.get(2), rest(a, 3));
      }
      default:
        return new Other(i, program, a, data);
    }
  }

  private static long amount(Reader in, String f) {
    return in.u64le(f + ".data.amount");
  }

  private static void accounts(List<AccountRef> a, int required, boolean extraAllowed, String f) {
    if (a.size() < required) {
      throw new ChainFormatException(f + ".accounts", "needs " + required + " accounts, has " + a.size());
    }
    if (!extraAllowed && a.size() != required) {
      throw new ChainFormatException(f + ".accounts", "expected exactly " + required + " accounts, has " + a.size());
    }
  }

  private static List<AccountRef> rest(List<AccountRef> a, int from) {
    return List.copyOf(a.subList(from, a.size()));
  }
}
