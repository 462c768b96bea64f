package io.nitrosign.policy.payload;

import java.util.List;
import java.util.Map;

/**
 * A Solana transaction's message ({@code signTransaction} on a Solana wallet). Addresses are
 * base58; an account loaded from an address lookup table is {@code null} in the typed fields (its
 * address is unknown to the signer, so address conditions fail closed) and described in
 * {@link #audit()}. Amounts are unsigned 64-bit values held in a {@code long} (read with
 * {@link Long#toUnsignedString}).
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

  @Override
  public Map<String, Object> audit() {
    throw new UnsupportedOperationException("not yet");
  }
}
