package io.nitrosign.enclave.service;

import io.nitrosign.chains.solana.Base58;
import io.nitrosign.chains.stellar.StrKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/** Published Ed25519 signing vectors with known keys; the origin of each is beside it. */
final class Ed25519Vectors {

  private Ed25519Vectors() {}

  static final HexFormat HEX = HexFormat.of();

  /** RFC 8032 section 7.1 TEST 1, 2, 3: {seed, public key, message, signature} in hex. */
  static final String[][] RFC8032 = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
          "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
          "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
          "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
          "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
      {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
          "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
          "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
  };

  /**
   * trustwallet/wallet-core tests/chains/Solana/SignerTests.cpp, TEST(SolanaSigner, SignRawMessage):
   * private key (base58), public key 3BocAWPm1oNXN5qkAV4QeDUmAPpkTcN1rrmCMWAfsXJY, the legacy
   * message of a 42-lamport System transfer (hex), and expectedHex: the signed transaction.
   */
  static final byte[] WC_RAW_KEY = Base58.decode("GjXseuD8JavBjKMdd6GEsPYZPV7tMMa46GS2JRS5tHRq", "key");
  static final String WC_RAW_ADDRESS = "3BocAWPm1oNXN5qkAV4QeDUmAPpkTcN1rrmCMWAfsXJY";
  static final byte[] WC_RAW_MESSAGE = HEX.parseHex(
      "01000203207be13c43c4528592eaf3fd34e064c641c5be3cb6691877d7ade94dff36734108eaea30723c33b525"
          + "07bc54024910612f885e4c80c10b99a047fd42c0acbace00000000000000000000000000000000000000000000"
          + "000000000000000000000404040404040404040404040404040404040404040404040404040404040404010202"
          + "00010c020000002a00000000000000");
  static final byte[] WC_RAW_SIGNED_TX = HEX.parseHex(
      "016e7f8349977b482bccf0bfc202ad917295803831e59ccb865b97d657464791ebfe3336879b84b9f165e464a3"
          + "4751fe30d54b01f3c9f33f969aafe1e85951b10901000203207be13c43c4528592eaf3fd34e064c641c5be3cb6"
          + "691877d7ade94dff36734108eaea30723c33b52507bc54024910612f885e4c80c10b99a047fd42c0acbace0000"
          + "000000000000000000000000000000000000000000000000000000000000040404040404040404040404040404"
          + "040404040404040404040404040404040401020200010c020000002a00000000000000");

  /**
   * trustwallet/wallet-core rust/tw_tests/tests/chains/solana/solana_sign.rs,
   * test_solana_sign_raw_message_v0: a v0 message (System transfer of 5000 lamports to itself),
   * private key (hex), and the signed transaction (base58), broadcast on testnet as
   * 4ffBzXxLPYEEdCYpQGETkCTCCsH6iTdmKzwUZXZZgFemdhRpxQwboguFFoKCeGF3SsZPzuwwE7LbRwLgJbsyRqyP.
   */
  static final byte[] WC_V0_KEY =
      HEX.parseHex("833a053c59e78138a3ed090459bc6743cca6a9cbc2809a7bf5dbc7939b8775c8");
  static final String WC_V0_ADDRESS = "6pEfiZjMycJY4VA2FtAbKgYvRwzXDpxY58Xp4b7FQCz9";
  static final byte[] WC_V0_SIGNED_TX = Base58.decode(
      "6NijVxwQoDjqt6A41HXCK9kXwNDp48uLgvRyE8uz6NY5dEzaEDLzjzuMnc5TGatHZZUXehKrzUGzbg9jPSdn6pVsMc9"
          + "TXNH6JGe5RJLmHwWey3MC1p8Hs2zhjw5P439P57NToatraDX9ZwvBtK4EzZzRjWbyGdicheTPjeYKCzvPCLxDkTFt"
          + "PCM9VZGGXSN2Bne92NLDvf6ntNm5pxsPkZGxPe4w9Eq26gkE83hZyrYXKaiDh8TbqbHatSkw", "tx");

  /**
   * trustwallet/wallet-core tests/chains/Solana/SignerTests.cpp, TEST(SolanaSigner,
   * SignTransferToken_3vZ67C): SPL Token TransferChecked of 4000 units (6 decimals) signed by
   * B1iGmDJdvmxyUiYM8UEo2Uw2D58EmUrw4KyLYMmrhf8V; the mainnet transaction 3vZ67C… (base58).
   */
  static final byte[] WC_TOKEN_KEY = Base58.decode("9YtuoD4sH4h88CVM8DSnkfoAaLY7YeGC2TarDJ8eyMS5", "key");
  static final String WC_TOKEN_ADDRESS = "B1iGmDJdvmxyUiYM8UEo2Uw2D58EmUrw4KyLYMmrhf8V";
  static final byte[] WC_TOKEN_SIGNED_TX = Base58.decode(
      "PGfKqEaH2zZXDMZLcU6LUKdBSzU1GJWJ1CJXtRYCxaCH7k8uok38WSadZfrZw3TGejiau7nSpan2GvbK26hQim24jR"
          + "e2AupmcYJFrgsdaCt1Aqs5kpGjPqzgj9krgxTZwwob3xgC1NdHK5BcNwhxwRtrCphGEH7zUFpGFrFrHzgpf2KY8FvP"
          + "iPELQyxzTBuyNtjLjMMreehSKShEjD9Xzp1QeC1pEF8JL6vUKzxMXuveoEYem8q8JiWszYzmTMfDk13JPgv7pXFGMq"
          + "DV3yNGCLsWccBeSFKN4UKECre6x2QbUEiKGkHkMc4zQwwyD8tGmEMBAGm339qdANssEMNpDeJp2LxLDStSoWShHnot"
          + "crH7pUa94xCVvCPPaomF", "tx");

  /**
   * trustwallet/wallet-core tests/chains/Solana/SolanaMessageSigner.cpp, TEST(SolanaMessageSigner,
   * Sign): private key (hex), message "Hello world", signature (base58); TEST(..., Verify) gives the
   * public key ee6d61a8….
   */
  static final byte[] WC_MESSAGE_KEY =
      HEX.parseHex("44f480ca27711895586074a14c552e58cc52e66a58edb6c58cf9b9b7295d4a2d");
  static final String WC_MESSAGE_PUBLIC_KEY =
      "ee6d61a89fc8f9909585a996bb0d2b2ac69ae23b5acf39a19f32631239ba06f9";
  static final byte[] WC_MESSAGE_SIGNATURE = Base58.decode(
      "2iBZ6zrQRKHcbD8NWmm552gU5vGvh1dk3XV4jxnyEdRKm8up8AeQk1GFr9pJokSmchw7i9gMtNyFBdDt8tBxM1cG", "sig");

  /**
   * StellarCN/py-stellar-base tests/test_fee_bump_transaction.py, test_to_xdr (Testnet): a fee bump
   * (fee source GDQERENW…, fee 400) around a v1 payment of 2000 XLM (source from INNER_SEED,
   * sequence 8, fee 200), with both signatures; the two seeds are published with it.
   */
  static final byte[] PY_FEE_BUMP = Base64.getDecoder().decode(
      "AAAABQAAAADgSJG2GOUMy/H9lHyjYZOwyuyytH8y0wWaoc596L+bEgAAAAAAAAGQAAAAAgAAAAAcVPE+R/n1VnbIrAK3tu5yVfTkhkqVz04ShWk2SrF3wAAAAMgAAAAAAAAACAAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAQAAAADgSJG2GOUMy/H9lHyjYZOwyuyytH8y0wWaoc596L+bEgAAAAAAAAAEqBfIAAAAAAAAAAABSrF3wAAAAEAordQh63kT50muRLVYaWW7Pgtt8i1tc4t9Bv9MWFWFN3WfTHSU2Jxv7hedjZEyfBPvaS/XnwvYJFcHgPDd1JkNAAAAAAAAAAHov5sSAAAAQKu/RuArXn/P13IIJ8WlnVDStwOquXM0CsWzA4ooZY6gqJ3k1EfmMVIJ0cir0bMTJD9r+g2IUZCANU7wdC38PA0=");
  static final byte[] PY_INNER_SEED =
      StrKey.decodeSeed("SBKTIFHJSS3JJWEZO2W74DZSA45WZU56LOL3AY7GAW63BXPEJQFYV53E");
  static final byte[] PY_FEE_SOURCE_SEED =
      StrKey.decodeSeed("SB7ZMPZB3YMMK5CUWENXVLZWBK4KYX4YU5JBXQNZSK2DP2Q7V3LVTO5V");

  /** A serialized Solana transaction with its signature slots zeroed. */
  static byte[] unsignedSolana(byte[] signedTx) {
    byte[] out = signedTx.clone();
    int n = out[0]; // fewer than 128 signatures: one-byte compact length
    Arrays.fill(out, 1, 1 + 64 * n, (byte) 0);
    return out;
  }

  /** The message part of a serialized Solana transaction. */
  static byte[] solanaMessage(byte[] signedTx) {
    int n = signedTx[0];
    return Arrays.copyOfRange(signedTx, 1 + 64 * n, signedTx.length);
  }

  /** The {@code i}-th signature of a serialized Solana transaction. */
  static byte[] solanaSignature(byte[] signedTx, int i) {
    return Arrays.copyOfRange(signedTx, 1 + 64 * i, 1 + 64 * (i + 1));
  }

  /**
   * A Stellar envelope XDR whose last signature list (the outer one) holds {@code n} 64-byte
   * signatures, with those removed (the envelope as it was before they were added).
   */
  static byte[] stellarWithoutLastSignatures(byte[] xdr, int n) {
    byte[] out = Arrays.copyOf(xdr, xdr.length - 72 * n);
    Arrays.fill(out, out.length - 4, out.length, (byte) 0);
    return out;
  }
}
