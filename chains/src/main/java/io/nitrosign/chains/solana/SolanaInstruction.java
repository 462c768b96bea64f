package io.nitrosign.chains.solana;

import io.nitrosign.chains.solana.SolanaMessage.AccountRef;
import io.nitrosign.chains.solana.SolanaMessage.CompiledInstruction;
import java.util.ArrayList;
import java.util.List;

/**
 * Instructions decoded for policy: System Program Transfer and CreateAccount; SPL Token (and
 * Token-2022, same layouts) Transfer, TransferChecked, Burn, BurnChecked, MintTo, MintToChecked and
 * CloseAccount. Anything else is {@link Other} (program id, accounts and data kept), so a policy
 * can refuse what it does not recognise.
 *
 * <p>Accounts are {@link AccountRef}s: a static key (address known) or, in v0 messages, an entry of
 * an address lookup table (table + index; the address is resolved on chain, not known here).
 *
 * <p>Decoding is stricter than the on-chain programs: for the instruction types above, data must be
 * exactly the documented length (the programs ignore trailing data; we refuse it, so a policy never
 * sees a reading the program would not have) and the required accounts must be present. Accounts
 * after the required ones are kept in {@code additionalAccounts} for token instructions (the
 * signers of a multisig authority, or for Token-2022 the extra accounts of a transfer hook) and
 * refused for the System instructions here. Amounts are unsigned 64-bit values held in
 * a {@code long}: use {@link Long#toUnsignedString} / {@link Long#compareUnsigned}.
 */
public sealed interface SolanaInstruction {

  /** Position of the instruction in the message. */
  int instructionIndex();

  /** The program that executes it. */
  SolanaAddress programId();

  record SystemTransfer(int instructionIndex, AccountRef from, AccountRef to, long lamports)
      implements SolanaInstruction {
    @Override
    public SolanaAddress programId() {
      return SolanaPrograms.SYSTEM;
    }
  }

  record SystemCreateAccount(int instructionIndex, AccountRef from, AccountRef newAccount, long lamports,
      long space, SolanaAddress owner) implements SolanaInstruction {
    @Override
    public SolanaAddress programId() {
      return SolanaPrograms.SYSTEM;
    }
  }

  /** Token Transfer (tag 3): {@code mint} is not named by this instruction. */
  record TokenTransfer(int instructionIndex, SolanaAddress programId, AccountRef source,
      AccountRef destination, AccountRef authority, List<AccountRef> additionalAccounts, long amount)
      implements SolanaInstruction {}

  /** Token TransferChecked (tag 12). */
  record TokenTransferChecked(int instructionIndex, SolanaAddress programId, AccountRef source, AccountRef mint,
      AccountRef destination, AccountRef authority, List<AccountRef> additionalAccounts, long amount, int decimals)
      implements SolanaInstruction {}

  /** Token Burn (tag 8) or BurnChecked (tag 15; {@code decimals} is -1 for Burn). */
  record TokenBurn(int instructionIndex, SolanaAddress programId, AccountRef account, AccountRef mint,
      AccountRef authority, List<AccountRef> additionalAccounts, long amount, int decimals) implements SolanaInstruction {}

  /** Token MintTo (tag 7) or MintToChecked (tag 14; {@code decimals} is -1 for MintTo). */
  record TokenMintTo(int instructionIndex, SolanaAddress programId, AccountRef mint, AccountRef destination,
      AccountRef authority, List<AccountRef> additionalAccounts, long amount, int decimals) implements SolanaInstruction {}

  /** Token CloseAccount (tag 9): the remaining lamports go to {@code destination}. */
  record TokenCloseAccount(int instructionIndex, SolanaAddress programId, AccountRef account,
      AccountRef destination, AccountRef authority, List<AccountRef> additionalAccounts) implements SolanaInstruction {}

  /** Any other instruction (other programs, other instruction types of the programs above). */
  record Other(int instructionIndex, SolanaAddress programId, List<AccountRef> accounts, byte[] data)
      implements SolanaInstruction {
    public Other {
      accounts = List.copyOf(accounts);
      data = data.clone();
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Other x && x.instructionIndex == instructionIndex && x.programId.equals(programId)
          && x.accounts.equals(accounts) && java.util.Arrays.equals(x.data, data);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(instructionIndex, programId, accounts, java.util.Arrays.hashCode(data));
    }

    @Override
    public String toString() {
      return "Other[instructionIndex=" + instructionIndex + ", programId=" + programId + ", accounts=" + accounts
          + ", data=" + java.util.HexFormat.of().formatHex(data) + "]";
    }
  }

  /** Decodes every instruction of a (sanitized) message. */
  static List<SolanaInstruction> decodeAll(SolanaMessage message) {
    List<SolanaInstruction> out = new ArrayList<>();
    List<CompiledInstruction> ixs = message.instructions();
    for (int i = 0; i < ixs.size(); i++) {
      out.add(decode(message, i));
    }
    return List.copyOf(out);
  }

  /** Decodes instruction {@code i} of a message. */
  static SolanaInstruction decode(SolanaMessage message, int i) {
    return InstructionDecoder.decode(message, i);
  }
}
