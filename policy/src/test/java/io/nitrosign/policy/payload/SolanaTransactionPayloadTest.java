package io.nitrosign.policy.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.solana.Base58;
import io.nitrosign.chains.solana.SolanaAddress;
import io.nitrosign.chains.solana.SolanaInstruction;
import io.nitrosign.chains.solana.SolanaMessage;
import io.nitrosign.chains.solana.SolanaTransaction;
import io.nitrosign.policy.payload.SolanaTransactionPayload.Instruction;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Solana transactions' typed view (Privy's instruction and field names) and audit object, on the
 * published transactions of chains' {@code SolanaVectors} (origins beside each).
 */
class SolanaTransactionPayloadTest {

  /**
   * System transfer of 42 lamports from 41a5jYky… to 4iSnyfDK…. Origin: trustwallet/wallet-core
   * tests/chains/Solana/TransactionTests.cpp, TEST(SolanaTransaction, TransferSerializeTransaction).
   */
  static final String LEGACY_TRANSFER_TX_BASE58 =
      "5SiHeYyuDgjHxWHbYXSSPfmYc8s7EYZ8bdZ7j15z9Bj1yyZA3Bia9uWkRdXVkuqifXiiQj6fVKy"
          + "7UkCL5kvv6iKrfjWTZ3szMVssTFxgJ7p8UJ7Mgg2uhHejVJvbzbiHHLbNVuJFs6kBxddnJ2yjWU"
          + "Cp2dYJgjmphfA8hRHHdPH4Rv6znxEhD8q9XY4nByRPL7oMCo32oxeJn5rGbUZdCkapRUXG7zU9w"
          + "hv6KjBktcUQZRCahhowGJT4UM5yCNCsUcqY9yan7UxqPyJgaFPuq4duqWJtQ39bTQ36X";

  /**
   * Mainnet SPL Token TransferChecked of 4000 units (6 decimals). Origin: trustwallet/wallet-core
   * tests/chains/Solana/TransactionTests.cpp, TEST(SolanaTransaction, TransferTokenTransaction_3vZ67C).
   */
  static final String TOKEN_TRANSFER_CHECKED_TX_BASE58 =
      "PGfKqEaH2zZXDMZLcU6LUKdBSzU1GJWJ1CJXtRYCxaCH7k8uok38WSadZfrZw3TGejiau7nSpan2GvbK26hQim24jR"
          + "e2AupmcYJFrgsdaCt1Aqs5kpGjPqzgj9krgxTZwwob3xgC1NdHK5BcNwhxwRtrCphGEH7zUFpGFrFrHzgpf2KY8FvP"
          + "iPELQyxzTBuyNtjLjMMreehSKShEjD9Xzp1QeC1pEF8JL6vUKzxMXuveoEYem8q8JiWszYzmTMfDk13JPgv7pXFGMq"
          + "DV3yNGCLsWccBeSFKN4UKECre6x2QbUEiKGkHkMc4zQwwyD8tGmEMBAGm339qdANssEMNpDeJp2LxLDStSoWShHnot"
          + "crH7pUa94xCVvCPPaomF";

  /**
   * System CreateAccount (funder sp6VUqq1…, new account 6vNrYDm6…, 10000000 lamports, 80 bytes
   * owned by the System Program) then InitializeNonceAccount. Origin: trustwallet/wallet-core
   * tests/chains/Solana/TransactionTests.cpp, TEST(SolanaTransaction, CreateNonceAccountTransaction).
   */
  static final String CREATE_NONCE_ACCOUNT_TX_BASE58 =
      "3wu6xJSbb2NysVgi7pdfMgwVBT1knAdeCr9NR8EktJLoByzM4s9SMto2PPmrnbRqPtHwnpAKxXkC4vqyWY2dRBgdGG"
          + "CC1bep6qN5nSLVzpPYAWUSq5cd4gfYMAVriFYRRNHmYUnEq8vMn4vjiECmZoHrpabBj8HpXGqYBo87sbZa8ZPCxUcB"
          + "71hxXiHWZHj2rovx2kr75Uuv1buWXyW6M8uR4UNvQcPPvzVbwBG82RjDYTuancMSAxmrVNR8GLBQNhrCCYrZyte3EW"
          + "gEyMQxxfW8T3xNXqnbgdfvFJ3UjRBxXj3hrmv17xEivTjfs81aG2AAi24yiYrk8ep7eQqwDHVSArsrynnwVKVNUcCQ"
          + "CnSy7fuiuS7FweFX8DEN1K9BrfecHyWrF15fYzhkmWSs64aH6ZTYHWPv5znhFKYmAuopGwbsBEb2j5p8NS3iJZ2skb"
          + "2wi47n1rpLZfoCHWKxNiikkDUJTGQNcSDrGUMfeW5aGubJrCfecPKEo9Wo9kd36iSsxYPYSWNKrz2HTooa1rCRhqjX"
          + "D8dyX3bXGV8TK6W2sEgf4JkcDnNoWQLbindcP8XR";

  /**
   * Unsigned v0 Jupiter swap with three address lookup tables. Origin: trustwallet/wallet-core
   * rust/tw_tests/tests/chains/solana/, fn test_solana_decode_transaction, encoded_tx.
   */
  static final byte[] V0_JUPITER_TX = Base64.getDecoder().decode(
      "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACAAQAHEIoR5xuWyrvjIW4xU7CWlPOfyFAiy8B295hGo6tNjBmRCgUkQaFYTleMcAX2p74eBXQZd1dwDyQZAPJfSv2KGc5kcFLJj5qd2BVMaSNGVPfVBm74GbLwUq5/U1Ccdqc2gokZQxRDpMq7aeToP3nRaWIP4RXMxN+LJetccXMPq/QumgOqt7kkqk07cyPCKgYoQ4fQtOqqZn5sEqjWHYj3CDS5ha48uggePWu090s1ff4yoCjAvULeZ+cqYFn+Adk5Teyfw71W3u/F6VTnLQEPW96gJr5Kcm3bGi08n224JyF++PTko52VL0CIM2xtl0WkvNslD6Wawxr7yd9HYllN4Lz8lFwXilWGgyJdOq1qqBuZbE49glHeCO/sJHNnIHC0BgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwZGb+UhFzL/7K26csOb57yM5bvF9xJrLEObOkAAAAAEedVb8jHAbu50xW7OaBUH/bGy3qP0jlECsc2iVrwTjwbd9uHXZaGT2cvhRs7reawctIXtX1s3kTqM9YV+/wCpjJclj04kifG7PRApFI4NgwtaE5na/xCEBI572Nvp+Fm0P/on9df2SnTAmx8pWHneSwmrNt/J3VFLMhqns4zl6OL4d+g9rsaIj0Orta57MRu3jDSWCJf85ae4LBbiD/GXvOojZjsHekJrpRUuPggLJr943hDVD5UareeEucjCvaoHCgAFAsBcFQAKAAkDBBcBAAAAAAANBgAGACMJDAEBCQIABgwCAAAAAMqaOwAAAAAMAQYBEQs1DA8ABgEFAiMhCwsOCx0MDxoBGQcYBAgDJBscDB4PBwUQEhEfFR8UFwcFISITHw8MDCAfFgstwSCbM0HWnIEAAwAAABEBZAABCh0BAyZHAQMAypo7AAAAAJaWFAYAAAAAMgAADAMGAAABCQPZoILFk7gfE2y5bt3AC+g/4OwNzdiHKBhIbdeYvYFEjQPKyMkExMUkx0R25UNa/g5KsG0vfUwdUJ8e8HecK/Jkd3qm9XefBOB0BaD1+J+dBJz09vfyGuRYZH09HfdE/kL8v6Ql+H03+tO+9lMmmVg8O1c6gAN6eX0Cbn4=");

  static final String SYSTEM = "11111111111111111111111111111111";

  static SolanaTransactionPayload payload(byte[] tx, int signerIndex) {
    SolanaMessage m = SolanaTransaction.decode(tx).message();
    return SolanaTransactionPayload.of(m, SolanaInstruction.decodeAll(m), signerIndex);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> auditedInstructions(SolanaTransactionPayload p) {
    return (List<Map<String, Object>>) p.audit().get("instructions");
  }

  @Test
  void systemTransfer() {
    SolanaTransactionPayload p = payload(Base58.decode(LEGACY_TRANSFER_TX_BASE58, "tx"), 0);
    assertEquals("legacy", p.version());
    assertEquals("41a5jYky56M6EWDsFfLaZRxoRtgAJSRWxJnxaJNJELn5", p.feePayer());
    assertEquals(List.of("41a5jYky56M6EWDsFfLaZRxoRtgAJSRWxJnxaJNJELn5"), p.requiredSigners());
    assertEquals(0, p.signerIndex());
    assertEquals(1, p.instructions().size());
    Instruction ix = p.instructions().get(0);
    assertEquals(0, ix.index());
    assertEquals(SYSTEM, ix.programId());
    assertEquals("system", ix.program());
    assertEquals("Transfer", ix.name());
    assertEquals(Map.of("from", "41a5jYky56M6EWDsFfLaZRxoRtgAJSRWxJnxaJNJELn5",
        "to", "4iSnyfDKaejniaPc2pBBckwQqV3mDS93go15NdxWJq2y",
        "lamports", BigInteger.valueOf(42)), ix.fields());

    Map<String, Object> a = p.audit();
    assertEquals(List.of("version", "fee_payer", "required_signers", "recent_blockhash",
        "account_keys", "program_ids", "instructions", "signer_index"), List.copyOf(a.keySet()));
    assertEquals(List.of(SYSTEM), a.get("program_ids"));
    Map<String, Object> audited = auditedInstructions(p).get(0);
    assertEquals(List.of("index", "program_id", "program", "type", "from", "to", "lamports"),
        List.copyOf(audited.keySet()));
    assertEquals("system_transfer", audited.get("type"));
    assertEquals("42", audited.get("lamports"));

    p.signed().put("signature", "46SRiQGvtPb1iivDfnuC3dW1GzXkfQPTjdUyvFqF2sdPvFrsfx94fys2xpNKR6UiAj7RgKWdJG6mEfe85up6i1JT");
    List<String> keys = List.copyOf(p.audit().keySet());
    assertEquals("signature", keys.get(keys.size() - 1));
  }

  @Test
  void tokenTransferChecked() {
    SolanaTransactionPayload p = payload(Base58.decode(TOKEN_TRANSFER_CHECKED_TX_BASE58, "tx"), 0);
    Instruction ix = p.instructions().get(0);
    assertEquals("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", ix.programId());
    assertEquals("token", ix.program());
    assertEquals("TransferChecked", ix.name());
    assertEquals(Map.of("source", "EDNd1ycsydWYwVmrYZvqYazFqwk1QjBgAUKFjBoz1jKP",
        "destination", "3WUX9wASxyScbA7brDipioKfXS1XEYkQ4vo3Kej9bKei",
        "authority", "B1iGmDJdvmxyUiYM8UEo2Uw2D58EmUrw4KyLYMmrhf8V",
        "amount", BigInteger.valueOf(4000),
        "mint", "SRMuApVNdxXokk5GT7XD5cUUgXMBCoAz2LHeuAoKWRt"), ix.fields());
    Map<String, Object> audited = auditedInstructions(p).get(0);
    assertEquals("token_transfer_checked", audited.get("type"));
    assertEquals("spl_token", audited.get("program"));
    assertEquals("4000", audited.get("amount"));
    assertEquals(6, audited.get("decimals"));
    assertEquals(List.of(), audited.get("additional_accounts"));
  }

  @Test
  void createAccountAndAnUndecodedSystemInstruction() {
    SolanaTransactionPayload p = payload(Base58.decode(CREATE_NONCE_ACCOUNT_TX_BASE58, "tx"), 0);
    assertEquals(2, p.requiredSigners().size());
    Instruction create = p.instructions().get(0);
    assertEquals("CreateAccount", create.name());
    assertEquals("system", create.program());
    assertEquals("sp6VUqq1nDEuU83bU2hstmEYrJNipJYpwS7gZ7Jv7ZH", create.fields().get("from"));
    assertEquals("6vNrYDm6EHcvBALY7HywuDWpTSc6uGt3y2nf5MuG1TmJ", create.fields().get("newAccount"));
    assertEquals(BigInteger.valueOf(10_000_000), create.fields().get("lamports"));
    assertEquals(BigInteger.valueOf(80), create.fields().get("space"));
    assertEquals(SYSTEM, create.fields().get("owner"));
    assertEquals("system_create_account", create.audit().get("type"));
    assertEquals("6vNrYDm6EHcvBALY7HywuDWpTSc6uGt3y2nf5MuG1TmJ", create.audit().get("new_account"));

    // InitializeNonceAccount: the System Program's, but not an instruction decoded for policy
    Instruction init = p.instructions().get(1);
    assertEquals("system", init.program());
    assertNull(init.name());
    assertEquals(Map.of(), init.fields());
    assertEquals("other", init.audit().get("type"));
    assertTrue(init.audit().containsKey("accounts"));
    assertTrue(init.audit().containsKey("data"));
  }

  @Test
  void v0LookupTablesAndTheirAccounts() {
    SolanaTransactionPayload p = payload(V0_JUPITER_TX, 0);
    assertEquals("v0", p.version());
    assertEquals("AHy6YZA8BsHgQfVkk7MbwpAN94iyN7Nf1zN4nPqUN32Q", p.feePayer());
    assertEquals(16, p.accountKeys().size());
    assertEquals(7, p.instructions().size());
    Map<String, Object> a = p.audit();
    assertEquals(List.of("version", "fee_payer", "required_signers", "recent_blockhash",
        "account_keys", "address_table_lookups", "program_ids", "instructions", "signer_index"),
        List.copyOf(a.keySet()));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> lookups = (List<Map<String, Object>>) a.get("address_table_lookups");
    assertEquals(3, lookups.size());
    assertEquals("FeXRmSWmwChZbB2EC7Qjw9XKk28yBrPj3k3nzT1DKfak", lookups.get(0).get("account_key"));
    assertEquals(List.of(202, 200, 201), lookups.get(0).get("writable_indexes"));

    // compute budget: known to the audit row, not to policy
    assertNull(p.instructions().get(0).program());
    assertNull(p.instructions().get(0).name());
    assertEquals("compute_budget", p.instructions().get(0).audit().get("program"));
    // wrapping SOL: a System transfer of 1 SOL, then CloseAccount of the wSOL account
    Instruction wrap = p.instructions().get(3);
    assertEquals("Transfer", wrap.name());
    assertEquals(BigInteger.valueOf(1_000_000_000), wrap.fields().get("lamports"));
    Instruction close = p.instructions().get(6);
    assertEquals("CloseAccount", close.name());
    assertEquals("token", close.program());
    assertEquals(List.of("account", "destination", "authority"), List.copyOf(close.fields().keySet()));

    // the swap: an account loaded from a lookup table is described, not resolved
    Instruction swap = p.instructions().get(5);
    assertEquals("JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4", swap.programId());
    assertNull(swap.name());
    assertFalse(swap.fields().containsKey("from"));
    @SuppressWarnings("unchecked")
    List<Object> accounts = (List<Object>) swap.audit().get("accounts");
    assertTrue(accounts.stream().anyMatch(x -> x instanceof Map<?, ?> m
        && m.containsKey("lookup_table") && m.containsKey("table_index") && m.containsKey("writable")));
  }

  /**
   * A v0 message built here (chains' SolanaInstructionTest builds its token messages the same
   * way: no published transaction has these): Token-2022 Burn of 2^64-1 units and MintToChecked,
   * whose token account and mint are loaded from a lookup table (FeXRmSWm…, writable entry 5,
   * readonly entry 7). Accounts: 0 the owner (signer), 1 Token-2022, 2 table[5], 3 table[7].
   */
  static byte[] token2022WithLookupAccounts() {
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
    o.write(0x80);
    o.writeBytes(new byte[] {1, 0, 1});
    o.write(2);
    o.writeBytes(SolanaAddress.parse("3BocAWPm1oNXN5qkAV4QeDUmAPpkTcN1rrmCMWAfsXJY", "k").bytes());
    o.writeBytes(SolanaAddress.parse(TOKEN_2022, "k").bytes());
    o.writeBytes(new byte[32]);
    o.write(2);
    o.writeBytes(new byte[] {1, 3, 2, 3, 0, 9, 8, -1, -1, -1, -1, -1, -1, -1, -1});
    o.writeBytes(new byte[] {1, 3, 3, 2, 0, 10, 14, 0, 1, 0, 0, 0, 0, 0, 0, 6});
    o.write(1);
    o.writeBytes(SolanaAddress.parse("FeXRmSWmwChZbB2EC7Qjw9XKk28yBrPj3k3nzT1DKfak", "k").bytes());
    o.writeBytes(new byte[] {1, 5, 1, 7});
    return o.toByteArray();
  }

  static final String TOKEN_2022 = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";

  @Test
  void burnAndMintToWithLookupAccountsUnknownToPolicy() {
    SolanaMessage m = SolanaMessage.decode(token2022WithLookupAccounts());
    SolanaTransactionPayload p = SolanaTransactionPayload.of(m, SolanaInstruction.decodeAll(m), 0);
    Instruction burn = p.instructions().get(0);
    assertEquals("token_2022", burn.program());
    assertEquals("Burn", burn.name());
    assertEquals(List.of("account", "mint", "authority", "amount"), List.copyOf(burn.fields().keySet()));
    assertNull(burn.fields().get("account"));
    assertNull(burn.fields().get("mint"));
    assertEquals("3BocAWPm1oNXN5qkAV4QeDUmAPpkTcN1rrmCMWAfsXJY", burn.fields().get("authority"));
    assertEquals(new BigInteger("18446744073709551615"), burn.fields().get("amount"));
    assertEquals("token_burn", burn.audit().get("type"));
    assertEquals("spl_token_2022", burn.audit().get("program"));
    assertEquals("18446744073709551615", burn.audit().get("amount"));
    assertEquals(Map.of("lookup_table", "FeXRmSWmwChZbB2EC7Qjw9XKk28yBrPj3k3nzT1DKfak",
        "table_index", 5, "writable", true), burn.audit().get("account"));
    assertEquals(Map.of("lookup_table", "FeXRmSWmwChZbB2EC7Qjw9XKk28yBrPj3k3nzT1DKfak",
        "table_index", 7, "writable", false), burn.audit().get("mint"));

    Instruction mint = p.instructions().get(1);
    assertEquals("MintTo", mint.name());
    assertEquals(List.of("mint", "account", "authority", "amount"), List.copyOf(mint.fields().keySet()));
    assertNull(mint.fields().get("mint"));
    assertNull(mint.fields().get("account"));
    assertEquals(BigInteger.valueOf(256), mint.fields().get("amount"));
    assertEquals("token_mint_to_checked", mint.audit().get("type"));
    assertEquals(6, mint.audit().get("decimals"));
  }

  /**
   * A legacy message built here: Token InitializeAccount3 of account 4iSnyfDK… for mint
   * SRMuApVN…, owner 3BocAWPm… (the fee payer), with {@code trailing} bytes after the owner and,
   * when {@code extraAccount}, the fee payer once more after the two accounts it names.
   */
  static byte[] initializeAccount3(int trailing, boolean extraAccount) {
    byte[] owner = SolanaAddress.parse("3BocAWPm1oNXN5qkAV4QeDUmAPpkTcN1rrmCMWAfsXJY", "k").bytes();
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
    o.writeBytes(new byte[] {1, 0, 2});
    o.write(4);
    o.writeBytes(owner);
    o.writeBytes(SolanaAddress.parse("4iSnyfDKaejniaPc2pBBckwQqV3mDS93go15NdxWJq2y", "k").bytes());
    o.writeBytes(SolanaAddress.parse("SRMuApVNdxXokk5GT7XD5cUUgXMBCoAz2LHeuAoKWRt", "k").bytes());
    o.writeBytes(SolanaAddress.parse("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", "k").bytes());
    o.writeBytes(new byte[32]);
    o.write(1);
    o.write(3);
    if (extraAccount) {
      o.writeBytes(new byte[] {3, 1, 2, 0});
    } else {
      o.writeBytes(new byte[] {2, 1, 2});
    }
    o.write(33 + trailing);
    o.write(18);
    o.writeBytes(owner);
    o.writeBytes(new byte[trailing]);
    return o.toByteArray();
  }

  @Test
  void initializeAccount3IsNamedAsTheTokenProgramReadsIt() {
    for (byte[] bytes : List.of(initializeAccount3(0, false), initializeAccount3(2, true))) {
      SolanaMessage m = SolanaMessage.decode(bytes);
      Instruction ix = SolanaTransactionPayload.of(m, SolanaInstruction.decodeAll(m), 0)
          .instructions().get(0);
      assertEquals("token", ix.program());
      assertEquals("InitializeAccount3", ix.name());
      assertEquals(Map.of("account", "4iSnyfDKaejniaPc2pBBckwQqV3mDS93go15NdxWJq2y",
          "mint", "SRMuApVNdxXokk5GT7XD5cUUgXMBCoAz2LHeuAoKWRt",
          "owner", "3BocAWPm1oNXN5qkAV4QeDUmAPpkTcN1rrmCMWAfsXJY"), ix.fields());
      // the audit row keeps describing it as chains decoded it
      assertEquals("other", ix.audit().get("type"));
    }
    // too short to be one: not named
    byte[] cut = initializeAccount3(0, false);
    cut[cut.length - 34] = 32;
    SolanaMessage m = SolanaMessage.decode(java.util.Arrays.copyOf(cut, cut.length - 1));
    assertNull(SolanaTransactionPayload.of(m, SolanaInstruction.decodeAll(m), 0)
        .instructions().get(0).name());
  }
}
