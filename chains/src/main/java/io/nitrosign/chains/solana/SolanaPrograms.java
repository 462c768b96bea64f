package io.nitrosign.chains.solana;

/** Program ids this package decodes instructions of. */
public final class SolanaPrograms {

  private SolanaPrograms() {}

  /** The System Program, 32 zero bytes. */
  public static final SolanaAddress SYSTEM =
      SolanaAddress.parse("11111111111111111111111111111111", "SYSTEM");
  /** SPL Token. */
  public static final SolanaAddress TOKEN =
      SolanaAddress.parse("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", "TOKEN");
  /** SPL Token-2022 (same layouts for the instructions decoded here). */
  public static final SolanaAddress TOKEN_2022 =
      SolanaAddress.parse("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb", "TOKEN_2022");
  /** Associated Token Account program (recognised by name only; its instructions are not decoded). */
  public static final SolanaAddress ASSOCIATED_TOKEN =
      SolanaAddress.parse("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL", "ASSOCIATED_TOKEN");
  /** Compute Budget program (recognised by name only). */
  public static final SolanaAddress COMPUTE_BUDGET =
      SolanaAddress.parse("ComputeBudget111111111111111111111111111111", "COMPUTE_BUDGET");
}
