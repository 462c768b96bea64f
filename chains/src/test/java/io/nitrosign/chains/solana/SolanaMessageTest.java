package io.nitrosign.chains.solana;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.solana.SolanaInstruction.Other;
import io.nitrosign.chains.solana.SolanaInstruction.SystemTransfer;
import io.nitrosign.chains.solana.SolanaInstruction.TokenCloseAccount;
import io.nitrosign.chains.solana.SolanaInstruction.TokenTransferChecked;
import io.nitrosign.chains.solana.SolanaMessage.AddressTableLookup;
import io.nitrosign.chains.solana.SolanaMessage.LookupAccount;
import io.nitrosign.chains.solana.SolanaMessage.StaticAccount;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Published transactions decoded field by field; origins in {@link SolanaVectors}. */
class SolanaMessageTest {

  private static String addr(SolanaMessage.AccountRef r) {
    return ((StaticAccount) r).address().toBase58();
  }

  @Test
  void legacyTransferMessage() {
    SolanaMessage m = SolanaMessage.decode(SolanaVectors.LEGACY_TRANSFER_MESSAGE);
    assertEquals(SolanaMessage.Version.LEGACY, m.version());
    assertEquals(new SolanaMessage.Header(1, 0, 1), m.header());
    assertEquals(List.of("6eoo7i1khGhVm8tLBMAdq4ax2FxkKP4G7mCcfHyr3STN", "56B334QvCDMSirsmtEJGfanZm8GqeQarrSjdAb2MbeNM",
        "11111111111111111111111111111111"),
        m.staticAccountKeys().stream().map(SolanaAddress::toBase58).collect(Collectors.toList()));
    assertEquals("11111111111111111111111111111111", m.recentBlockhashBase58());
    assertArrayEquals(SolanaVectors.LEGACY_TRANSFER_MESSAGE, m.serialized());
    assertTrue(m.addressTableLookups().isEmpty());
    List<SolanaInstruction> ixs = SolanaInstruction.decodeAll(m);
    assertEquals(1, ixs.size());
    SystemTransfer t = assertInstanceOf(SystemTransfer.class, ixs.get(0));
    assertEquals("6eoo7i1khGhVm8tLBMAdq4ax2FxkKP4G7mCcfHyr3STN", addr(t.from()));
    assertEquals("56B334QvCDMSirsmtEJGfanZm8GqeQarrSjdAb2MbeNM", addr(t.to()));
    assertEquals(42, t.lamports());
    assertTrue(t.from().signer() && t.from().writable());
    assertTrue(!t.to().signer() && t.to().writable());
    assertFalse(m.account(2).writable());
  }

  @Test
  void legacySignedTransferTransaction() {
    byte[] wire = Base58.decode(SolanaVectors.LEGACY_TRANSFER_TX_BASE58, "tx");
    SolanaTransaction tx = SolanaTransaction.decode(wire);
    assertEquals(1, tx.signatureCount());
    assertEquals(SolanaVectors.LEGACY_TRANSFER_TX_SIGNATURE, Base58.encode(tx.signature(0)));
    assertFalse(tx.isUnsigned(0));
    assertArrayEquals(Arrays.copyOfRange(wire, 65, wire.length), tx.messageBytes());
    assertArrayEquals(wire, tx.serialize());
    SystemTransfer t = assertInstanceOf(SystemTransfer.class, SolanaInstruction.decodeAll(tx.message()).get(0));
    assertEquals("41a5jYky56M6EWDsFfLaZRxoRtgAJSRWxJnxaJNJELn5", addr(t.from()));
    assertEquals("4iSnyfDKaejniaPc2pBBckwQqV3mDS93go15NdxWJq2y", addr(t.to()));
    assertEquals(42, t.lamports());
    assertEquals("41a5jYky56M6EWDsFfLaZRxoRtgAJSRWxJnxaJNJELn5", tx.message().feePayer().toBase58());
    // re-signing puts the signature in the signer's slot and nothing else changes
    byte[] sig = new byte[64];
    Arrays.fill(sig, (byte) 7);
    SolanaTransaction resigned = tx.withSignature(tx.message().feePayer(), sig);
    assertArrayEquals(sig, resigned.signature(0));
    assertArrayEquals(tx.messageBytes(), resigned.messageBytes());
    ChainFormatException e = assertThrows(ChainFormatException.class,
        () -> tx.withSignature(SolanaPrograms.SYSTEM, sig));
    assertEquals("signer", e.field());
  }

  @Test
  void mainnetTokenTransferChecked() {
    SolanaTransaction tx = SolanaTransaction.decode(Base58.decode(SolanaVectors.TOKEN_TRANSFER_CHECKED_TX_BASE58, "tx"));
    assertEquals(SolanaVectors.TOKEN_TRANSFER_CHECKED_TX_SIGNATURE, Base58.encode(tx.signature(0)));
    SolanaMessage m = tx.message();
    assertEquals(new SolanaMessage.Header(1, 0, 2), m.header());
    assertEquals(5, m.staticAccountKeys().size());
    assertEquals("CNaHfvqePgGYMvtYi9RuUdVxDYttr1zs4TWrTXYabxZi", m.recentBlockhashBase58());
    List<SolanaInstruction> ixs = SolanaInstruction.decodeAll(m);
    assertEquals(1, ixs.size());
    TokenTransferChecked t = assertInstanceOf(TokenTransferChecked.class, ixs.get(0));
    assertEquals(SolanaPrograms.TOKEN, t.programId());
    assertEquals("EDNd1ycsydWYwVmrYZvqYazFqwk1QjBgAUKFjBoz1jKP", addr(t.source()));
    assertEquals("SRMuApVNdxXokk5GT7XD5cUUgXMBCoAz2LHeuAoKWRt", addr(t.mint()));
    assertEquals("3WUX9wASxyScbA7brDipioKfXS1XEYkQ4vo3Kej9bKei", addr(t.destination()));
    assertEquals("B1iGmDJdvmxyUiYM8UEo2Uw2D58EmUrw4KyLYMmrhf8V", addr(t.authority()));
    assertTrue(t.additionalAccounts().isEmpty());
    assertEquals(4000, t.amount());
    assertEquals(6, t.decimals());
    assertTrue(t.authority().signer());
  }

  /** Expected values: the MessageV0 the origin test asserts (see {@link SolanaVectors#V0_JUPITER_TX}). */
  @Test
  void v0WithAddressLookupTables() {
    SolanaTransaction tx = SolanaTransaction.decode(SolanaVectors.V0_JUPITER_TX);
    assertTrue(tx.isUnsigned(0));
    SolanaMessage m = tx.message();
    assertEquals(SolanaMessage.Version.V0, m.version());
    assertEquals(0x80, m.serialized()[0] & 0xff);
    assertArrayEquals(Arrays.copyOfRange(SolanaVectors.V0_JUPITER_TX, 65, SolanaVectors.V0_JUPITER_TX.length),
        tx.messageBytes());
    assertEquals(new SolanaMessage.Header(1, 0, 7), m.header());
    assertEquals(List.of("AHy6YZA8BsHgQfVkk7MbwpAN94iyN7Nf1zN4nPqUN32Q", "g7dD1FHSemkUQrX1Eak37wzvDjscgBW2pFCENwjLdMX",
        "7m57LBTxtzhWn6WdFxKtnoJLBQXyNERLYebebXLVaKy3", "AEBCPtV8FFkWFAKxrz7mbYvobpkZuWaRWQCyJVRaheUD",
        "BND2ehwWVeHVA5EtMm2b7Vu51AT8f2PNWusS9KQX5moy", "DVCeozFGbe6ew3eWTnZByjHeYqTq1cvbrB7JJhkLxaRJ",
        "GvgWmk8iPACw1AEMt47WzkuTkKoSGbn4Xk3aLM8vdbJD", "HkphEpUqnFBxBuCPEq5j1HA9L8EwmsmRT6UcFKziptM1",
        "Hzxx6b5a7dmmJeDXLQzr4dTrc2HGK9ar5YRakZgr3ZZ7", "11111111111111111111111111111111",
        "ComputeBudget111111111111111111111111111111", "JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4",
        "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL",
        "D8cy77BBepLMngZx6ZukaTff5hCt1HrWyKk3Hnd9oitf", "GGztQqQ6pCPaJQnNpXBgELr5cs3WwDakRbh1iEMzjgSJ"),
        m.staticAccountKeys().stream().map(SolanaAddress::toBase58).collect(Collectors.toList()));
    assertEquals("DiSimxK2z1cRa6yD4goqte3rDMmghJAD8WDUZEab2CzD", m.recentBlockhashBase58());
    assertEquals(List.of(
        new AddressTableLookup(SolanaAddress.parse("FeXRmSWmwChZbB2EC7Qjw9XKk28yBrPj3k3nzT1DKfak", "t"),
            List.of(202, 200, 201), List.of(196, 197, 36, 199)),
        new AddressTableLookup(SolanaAddress.parse("5cFsmTCEfmvpBUBHqsWZnf9n5vTWLYH2LT8X7HdShwxP", "t"),
            List.of(160, 245, 248, 159, 157), List.of(156, 244, 246, 247)),
        new AddressTableLookup(SolanaAddress.parse("HJ5StCvsDU4JsvK39VcsHjaoTRTtQU749MQ9qUsJaG1m", "t"),
            List.of(122, 121, 125), List.of(110, 126))), m.addressTableLookups());
    // instructions: program ids and account indexes as in the origin test; data as its base58
    int[] programs = {10, 10, 13, 9, 12, 11, 12};
    String[] data = {"K1FDJ7", "3E9ErJ5MrzbZ", "2", "3Bxs3zzLZLuLQEYX", "J",
        "5n9zLuyvSGkuf4iDD6PfDvzvzehUkDghmApUkZSXSx57jF9RGSH5Y23tzFJDG3", "A"};
    assertEquals(7, m.instructions().size());
    for (int i = 0; i < 7; i++) {
      assertEquals(programs[i], m.instructions().get(i).programIdIndex(), "instruction " + i);
      assertEquals(data[i], Base58.encode(m.instructions().get(i).data()), "instruction " + i);
    }
    assertEquals(List.of(0, 6, 0, 35, 9, 12), m.instructions().get(2).accountIndexes());
    assertEquals(List.of(12, 15, 0, 6, 1, 5, 2, 35, 33, 11, 11, 14, 11, 29, 12, 15, 26, 1, 25, 7, 24, 4, 8, 3, 36, 27,
        28, 12, 30, 15, 7, 5, 16, 18, 17, 31, 21, 31, 20, 23, 7, 5, 33, 34, 19, 31, 15, 12, 12, 32, 31, 22, 11),
        m.instructions().get(5).accountIndexes());
    assertEquals(List.of(6, 0, 0), m.instructions().get(6).accountIndexes());

    // 16 static + 11 writable + 10 readonly lookups; index 35 = third table's readonly[0] = entry 110
    assertEquals(37, m.accounts().size());
    LookupAccount mint = assertInstanceOf(LookupAccount.class, m.account(35));
    assertEquals("HJ5StCvsDU4JsvK39VcsHjaoTRTtQU749MQ9qUsJaG1m", mint.table().toBase58());
    assertEquals(110, mint.tableIndex());
    assertFalse(mint.writable());
    LookupAccount w = assertInstanceOf(LookupAccount.class, m.account(16));
    assertEquals("FeXRmSWmwChZbB2EC7Qjw9XKk28yBrPj3k3nzT1DKfak", w.table().toBase58());
    assertEquals(202, w.tableIndex());
    assertTrue(w.writable());
    assertEquals(157, ((LookupAccount) m.account(23)).tableIndex());
    assertEquals(125, ((LookupAccount) m.account(26)).tableIndex());
    assertEquals(196, ((LookupAccount) m.account(27)).tableIndex());
    assertEquals(126, ((LookupAccount) m.account(36)).tableIndex());

    List<SolanaInstruction> ixs = SolanaInstruction.decodeAll(m);
    assertEquals(SolanaPrograms.COMPUTE_BUDGET, assertInstanceOf(Other.class, ixs.get(0)).programId());
    assertEquals(SolanaPrograms.ASSOCIATED_TOKEN, assertInstanceOf(Other.class, ixs.get(2)).programId());
    assertEquals(mint, ((Other) ixs.get(2)).accounts().get(3));
    SystemTransfer wrap = assertInstanceOf(SystemTransfer.class, ixs.get(3));
    assertEquals("AHy6YZA8BsHgQfVkk7MbwpAN94iyN7Nf1zN4nPqUN32Q", addr(wrap.from()));
    assertEquals("GvgWmk8iPACw1AEMt47WzkuTkKoSGbn4Xk3aLM8vdbJD", addr(wrap.to()));
    assertEquals(1_000_000_000L, wrap.lamports());
    Other sync = assertInstanceOf(Other.class, ixs.get(4)); // SyncNative (17) is not decoded
    assertEquals(SolanaPrograms.TOKEN, sync.programId());
    assertArrayEquals(new byte[] {17}, sync.data());
    TokenCloseAccount close = assertInstanceOf(TokenCloseAccount.class, ixs.get(6));
    assertEquals("GvgWmk8iPACw1AEMt47WzkuTkKoSGbn4Xk3aLM8vdbJD", addr(close.account()));
    assertEquals("AHy6YZA8BsHgQfVkk7MbwpAN94iyN7Nf1zN4nPqUN32Q", addr(close.destination()));
    assertEquals("AHy6YZA8BsHgQfVkk7MbwpAN94iyN7Nf1zN4nPqUN32Q", addr(close.authority()));
    assertEquals(SolanaPrograms.TOKEN, close.programId());
  }

  @Test
  void kitCodecVectorIsStructurallyReadButFailsSanitize() {
    ChainFormatException e = assertThrows(ChainFormatException.class,
        () -> SolanaMessage.decode(SolanaVectors.kitV0Message()));
    assertEquals("header", e.field());
    // the same bytes with the header made consistent (2 signers, 1 readonly signed, 1 readonly
    // unsigned) still refused: the first instruction's program is the fee payer
    byte[] b = SolanaVectors.kitV0Message();
    b[1] = 2;
    b[2] = 1;
    e = assertThrows(ChainFormatException.class, () -> SolanaMessage.decode(b));
    assertEquals("instructions[0].programIdIndex", e.field());
  }

  @Test
  void hexOfLegacyMessageIsWhatIsSigned() {
    // what the enclave signs for the legacy transfer is exactly the vector's message bytes
    assertEquals("0100010353f9d6", HexFormat.of().formatHex(
        SolanaMessage.decode(SolanaVectors.LEGACY_TRANSFER_MESSAGE).serialized(), 0, 7));
  }
}
