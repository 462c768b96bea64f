package io.nitrosign.chains.solana;

import java.util.Base64;
import java.util.HexFormat;

/** Published Solana serializations used by the tests; the origin of each is beside it. */
final class SolanaVectors {

  private SolanaVectors() {}

  /**
   * Legacy message of a System transfer of 42 lamports from 6eoo7i1khGhVm8tLBMAdq4ax2FxkKP4G7mCcfHyr3STN
   * to 56B334QvCDMSirsmtEJGfanZm8GqeQarrSjdAb2MbeNM, blockhash 32 zero bytes.
   * Origin: trustwallet/wallet-core tests/chains/Solana/TransactionTests.cpp, TEST(SolanaTransaction,
   * TransferMessageData), expectedHex.
   */
  static final byte[] LEGACY_TRANSFER_MESSAGE = HexFormat.of().parseHex(
      "0100010353f9d600fe925083bb399907ea648d23a6a081fc7e9059202fd725f7edd281dd3cc1ff9ba3c7a876c8"
          + "082df2f8a36ea9342ce3819dd4b6fa72d4a18e04a5363a00000000000000000000000000000000000000000000"
          + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000010202"
          + "00010c020000002a00000000000000");

  /**
   * Signed legacy transaction: System transfer of 42 lamports from
   * 41a5jYky56M6EWDsFfLaZRxoRtgAJSRWxJnxaJNJELn5 to 4iSnyfDKaejniaPc2pBBckwQqV3mDS93go15NdxWJq2y,
   * signature 46SRiQGv...6i1JT. Origin: trustwallet/wallet-core
   * tests/chains/Solana/TransactionTests.cpp, TEST(SolanaTransaction, TransferSerializeTransaction),
   * expectedString (base58 of the serialized transaction).
   */
  static final String LEGACY_TRANSFER_TX_BASE58 =
      "5SiHeYyuDgjHxWHbYXSSPfmYc8s7EYZ8bdZ7j15z9Bj1yyZA3Bia9uWkRdXVkuqifXiiQj6fVKy"
          + "7UkCL5kvv6iKrfjWTZ3szMVssTFxgJ7p8UJ7Mgg2uhHejVJvbzbiHHLbNVuJFs6kBxddnJ2yjWU"
          + "Cp2dYJgjmphfA8hRHHdPH4Rv6znxEhD8q9XY4nByRPL7oMCo32oxeJn5rGbUZdCkapRUXG7zU9w"
          + "hv6KjBktcUQZRCahhowGJT4UM5yCNCsUcqY9yan7UxqPyJgaFPuq4duqWJtQ39bTQ36X";

  static final String LEGACY_TRANSFER_TX_SIGNATURE =
      "46SRiQGvtPb1iivDfnuC3dW1GzXkfQPTjdUyvFqF2sdPvFrsfx94fys2xpNKR6UiAj7RgKWdJG6mEfe85up6i1JT";

  /**
   * Mainnet SPL Token TransferChecked (4000 units, 6 decimals) of mint
   * SRMuApVNdxXokk5GT7XD5cUUgXMBCoAz2LHeuAoKWRt from EDNd1ycsydWYwVmrYZvqYazFqwk1QjBgAUKFjBoz1jKP to
   * 3WUX9wASxyScbA7brDipioKfXS1XEYkQ4vo3Kej9bKei, owner B1iGmDJdvmxyUiYM8UEo2Uw2D58EmUrw4KyLYMmrhf8V,
   * blockhash CNaHfvqePgGYMvtYi9RuUdVxDYttr1zs4TWrTXYabxZi; explorer.solana.com/tx/3vZ67C... (the
   * signature). Origin: trustwallet/wallet-core tests/chains/Solana/TransactionTests.cpp,
   * TEST(SolanaTransaction, TransferTokenTransaction_3vZ67C), expectedString ("test data obtained from
   * spl-token transfer").
   */
  static final String TOKEN_TRANSFER_CHECKED_TX_BASE58 =
      "PGfKqEaH2zZXDMZLcU6LUKdBSzU1GJWJ1CJXtRYCxaCH7k8uok38WSadZfrZw3TGejiau7nSpan2GvbK26hQim24jR"
          + "e2AupmcYJFrgsdaCt1Aqs5kpGjPqzgj9krgxTZwwob3xgC1NdHK5BcNwhxwRtrCphGEH7zUFpGFrFrHzgpf2KY8FvP"
          + "iPELQyxzTBuyNtjLjMMreehSKShEjD9Xzp1QeC1pEF8JL6vUKzxMXuveoEYem8q8JiWszYzmTMfDk13JPgv7pXFGMq"
          + "DV3yNGCLsWccBeSFKN4UKECre6x2QbUEiKGkHkMc4zQwwyD8tGmEMBAGm339qdANssEMNpDeJp2LxLDStSoWShHnot"
          + "crH7pUa94xCVvCPPaomF";

  static final String TOKEN_TRANSFER_CHECKED_TX_SIGNATURE =
      "3vZ67CGoRYkuT76TtpP2VrtTPBfnvG2xj6mUTvvux46qbnpThgQDgm27nC3yQVUZrABFjT9Qo7vA74tCjtV5P9Xg";

  /**
   * Signed legacy transaction with two signers: System CreateAccount (funder
   * sp6VUqq1nDEuU83bU2hstmEYrJNipJYpwS7gZ7Jv7ZH, new account 6vNrYDm6EHcvBALY7HywuDWpTSc6uGt3y2nf5MuG1TmJ,
   * 10000000 lamports; a nonce account: 80 bytes owned by the System Program) then
   * InitializeNonceAccount. Origin: trustwallet/wallet-core tests/chains/Solana/TransactionTests.cpp,
   * TEST(SolanaTransaction, CreateNonceAccountTransaction), expectedString.
   */
  static final String CREATE_NONCE_ACCOUNT_TX_BASE58 =
      "3wu6xJSbb2NysVgi7pdfMgwVBT1knAdeCr9NR8EktJLoByzM4s9SMto2PPmrnbRqPtHwnpAKxXkC4vqyWY2dRBgdGG"
          + "CC1bep6qN5nSLVzpPYAWUSq5cd4gfYMAVriFYRRNHmYUnEq8vMn4vjiECmZoHrpabBj8HpXGqYBo87sbZa8ZPCxUcB"
          + "71hxXiHWZHj2rovx2kr75Uuv1buWXyW6M8uR4UNvQcPPvzVbwBG82RjDYTuancMSAxmrVNR8GLBQNhrCCYrZyte3EW"
          + "gEyMQxxfW8T3xNXqnbgdfvFJ3UjRBxXj3hrmv17xEivTjfs81aG2AAi24yiYrk8ep7eQqwDHVSArsrynnwVKVNUcCQ"
          + "CnSy7fuiuS7FweFX8DEN1K9BrfecHyWrF15fYzhkmWSs64aH6ZTYHWPv5znhFKYmAuopGwbsBEb2j5p8NS3iJZ2skb"
          + "2wi47n1rpLZfoCHWKxNiikkDUJTGQNcSDrGUMfeW5aGubJrCfecPKEo9Wo9kd36iSsxYPYSWNKrz2HTooa1rCRhqjX"
          + "D8dyX3bXGV8TK6W2sEgf4JkcDnNoWQLbindcP8XR";

  static final String[] CREATE_NONCE_ACCOUNT_TX_SIGNATURES = {
      "3dbiGHLsFqnwA1PXx7xmoikzv6v9g9BXvZts2126qyE163BypurkvgbDiF5RmrEZRiT2MG88v6xwyJTkhhDRuFc9",
      "jFq4PbbEM1fuPbq5CkUYgzs7a21g6rvFkfLJAUUGP5QMKYhHBE6nB1dqtwaJsABgyUvrR8QjT2Ej73cXNz7Vur1"};

  /**
   * Unsigned (zero signature) v0 transaction, a Jupiter swap with 16 static keys and three address
   * lookup tables; includes a System transfer of 1 SOL to the wSOL account, SyncNative and
   * CloseAccount. Origin: trustwallet/wallet-core, Rust tests under rust/tw_tests/tests/chains/solana/,
   * fn test_solana_decode_transaction, encoded_tx (base64), with the
   * expected decoding (MessageV0: header, account_keys, recent_blockhash, instructions,
   * address_table_lookups) in the same test.
   */
  static final byte[] V0_JUPITER_TX = Base64.getDecoder().decode(
      "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACAAQAHEIoR5xuWyrvjIW4xU7CWlPOfyFAiy8B295hGo6tNjBmRCgUkQaFYTleMcAX2p74eBXQZd1dwDyQZAPJfSv2KGc5kcFLJj5qd2BVMaSNGVPfVBm74GbLwUq5/U1Ccdqc2gokZQxRDpMq7aeToP3nRaWIP4RXMxN+LJetccXMPq/QumgOqt7kkqk07cyPCKgYoQ4fQtOqqZn5sEqjWHYj3CDS5ha48uggePWu090s1ff4yoCjAvULeZ+cqYFn+Adk5Teyfw71W3u/F6VTnLQEPW96gJr5Kcm3bGi08n224JyF++PTko52VL0CIM2xtl0WkvNslD6Wawxr7yd9HYllN4Lz8lFwXilWGgyJdOq1qqBuZbE49glHeCO/sJHNnIHC0BgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwZGb+UhFzL/7K26csOb57yM5bvF9xJrLEObOkAAAAAEedVb8jHAbu50xW7OaBUH/bGy3qP0jlECsc2iVrwTjwbd9uHXZaGT2cvhRs7reawctIXtX1s3kTqM9YV+/wCpjJclj04kifG7PRApFI4NgwtaE5na/xCEBI572Nvp+Fm0P/on9df2SnTAmx8pWHneSwmrNt/J3VFLMhqns4zl6OL4d+g9rsaIj0Orta57MRu3jDSWCJf85ae4LBbiD/GXvOojZjsHekJrpRUuPggLJr943hDVD5UareeEucjCvaoHCgAFAsBcFQAKAAkDBBcBAAAAAAANBgAGACMJDAEBCQIABgwCAAAAAMqaOwAAAAAMAQYBEQs1DA8ABgEFAiMhCwsOCx0MDxoBGQcYBAgDJBscDB4PBwUQEhEfFR8UFwcFISITHw8MDCAfFgstwSCbM0HWnIEAAwAAABEBZAABCh0BAyZHAQMAypo7AAAAAJaWFAYAAAAAMgAADAMGAAABCQPZoILFk7gfE2y5bt3AC+g/4OwNzdiHKBhIbdeYvYFEjQPKyMkExMUkx0R25UNa/g5KsG0vfUwdUJ8e8HecK/Jkd3qm9XefBOB0BaD1+J+dBJz09vfyGuRYZH09HfdE/kL8v6Ql+H03+tO+9lMmmVg8O1c6gAN6eX0Cbn4=");

  /**
   * v0 message with one address table lookup, as bytes. Origin: anza-xyz/kit (solana-web3.js 2.x)
   * packages/transaction-messages/src/codecs/v0/__tests__/message-test.ts (path inferred from its
   * imports), 'decodes a v0 transaction with
   * address lookup tables correctly': header 3/2/1, static keys [11]*32, [12]*32, [13]*32,
   * blockhash [10]*32, instructions (0, [1,2], 040506) and (1, [2], 070809), lookup table [44]*32
   * with writable [66, 55] and readonly [77]. A codec test vector: the Solana runtime's sanitize
   * rules refuse it (3 signers + 1 readonly unsigned > 3 static keys; the fee payer as a program).
   */
  static byte[] kitV0Message() {
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
    o.write(128);
    o.write(3);
    o.write(2);
    o.write(1);
    o.write(3);
    for (int k : new int[] {11, 12, 13, 10}) {
      for (int i = 0; i < 32; i++) {
        o.write(k);
      }
    }
    o.writeBytes(new byte[] {2, 0, 2, 1, 2, 3, 4, 5, 6, 1, 1, 2, 3, 7, 8, 9, 1});
    for (int i = 0; i < 32; i++) {
      o.write(44);
    }
    o.writeBytes(new byte[] {2, 66, 55, 1, 77});
    return o.toByteArray();
  }
}
