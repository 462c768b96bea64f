package io.nitrosign.chains.solana;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.solana.SolanaInstruction.Other;
import io.nitrosign.chains.solana.SolanaInstruction.SystemCreateAccount;
import io.nitrosign.chains.solana.SolanaInstruction.TokenBurn;
import io.nitrosign.chains.solana.SolanaInstruction.TokenCloseAccount;
import io.nitrosign.chains.solana.SolanaInstruction.TokenMintTo;
import io.nitrosign.chains.solana.SolanaInstruction.TokenTransfer;
import io.nitrosign.chains.solana.SolanaInstruction.TokenTransferChecked;
import io.nitrosign.chains.solana.SolanaMessage.StaticAccount;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class SolanaInstructionTest {

  private static String addr(SolanaMessage.AccountRef r) {
    return ((StaticAccount) r).address().toBase58();
  }

  /** Published vector: see {@link SolanaVectors#CREATE_NONCE_ACCOUNT_TX_BASE58}. */
  @Test
  void createAccountWithTwoSigners() {
    SolanaTransaction tx = SolanaTransaction.decode(Base58.decode(SolanaVectors.CREATE_NONCE_ACCOUNT_TX_BASE58, "tx"));
    assertEquals(2, tx.signatureCount());
    assertEquals(SolanaVectors.CREATE_NONCE_ACCOUNT_TX_SIGNATURES[0], Base58.encode(tx.signature(0)));
    assertEquals(SolanaVectors.CREATE_NONCE_ACCOUNT_TX_SIGNATURES[1], Base58.encode(tx.signature(1)));
    SolanaMessage m = tx.message();
    assertEquals(new SolanaMessage.Header(2, 0, 3), m.header());
    assertEquals(List.of(SolanaAddress.parse("sp6VUqq1nDEuU83bU2hstmEYrJNipJYpwS7gZ7Jv7ZH", "a"),
        SolanaAddress.parse("6vNrYDm6EHcvBALY7HywuDWpTSc6uGt3y2nf5MuG1TmJ", "a")), m.requiredSigners());
    assertEquals("mFmK2xFMhzJJaUN5cctfdCizE9dtgcSASSEDh1Yzmat", m.recentBlockhashBase58());
    List<SolanaInstruction> ixs = SolanaInstruction.decodeAll(m);
    SystemCreateAccount c = assertInstanceOf(SystemCreateAccount.class, ixs.get(0));
    assertEquals("sp6VUqq1nDEuU83bU2hstmEYrJNipJYpwS7gZ7Jv7ZH", addr(c.from()));
    assertEquals("6vNrYDm6EHcvBALY7HywuDWpTSc6uGt3y2nf5MuG1TmJ", addr(c.newAccount()));
    assertEquals(10_000_000L, c.lamports());
    assertEquals(80, c.space());
    assertEquals(SolanaPrograms.SYSTEM, c.owner());
    assertTrue(c.newAccount().signer());
    Other init = assertInstanceOf(Other.class, ixs.get(1)); // InitializeNonceAccount is not decoded
    assertEquals(SolanaPrograms.SYSTEM, init.programId());
    assertEquals(6, init.data()[0]);
  }

  // ---- Constructed, not published: a legacy message built here from the SPL Token instruction
  // layouts (spl-token program/src/instruction.rs: tag u8, amount u64 LE, decimals u8), to reach
  // every decoded token instruction type under both program ids. Keys are arbitrary bytes.

  private static final byte[] OWNER = fill(1);
  private static final byte[] MULTISIG_SIGNER = fill(2);
  private static final byte[] TOKEN_ACCOUNT = fill(3);
  private static final byte[] OTHER_ACCOUNT = fill(4);
  private static final byte[] MINT = fill(5);

  private static byte[] fill(int b) {
    byte[] a = new byte[32];
    java.util.Arrays.fill(a, (byte) b);
    return a;
  }

  /** keys: 0 owner (signer), 1 multisig signer (signer), 2 token account, 3 other account, 4 mint, 5 program. */
  private static SolanaMessage tokenMessage(SolanaAddress program, String dataHex, int... accounts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(new byte[] {2, 1, 1, 6});
    for (byte[] k : new byte[][] {OWNER, MULTISIG_SIGNER, TOKEN_ACCOUNT, OTHER_ACCOUNT, MINT, program.bytes()}) {
      o.writeBytes(k);
    }
    o.writeBytes(new byte[32]);
    o.write(1);
    o.write(5);
    o.write(accounts.length);
    for (int a : accounts) {
      o.write(a);
    }
    byte[] data = HexFormat.of().parseHex(dataHex);
    o.write(data.length);
    o.writeBytes(data);
    return SolanaMessage.decode(o.toByteArray());
  }

  private static SolanaInstruction only(SolanaMessage m) {
    List<SolanaInstruction> ixs = SolanaInstruction.decodeAll(m);
    assertEquals(1, ixs.size());
    return ixs.get(0);
  }

  private static void assertKey(byte[] expected, SolanaMessage.AccountRef r) {
    assertEquals(SolanaAddress.of(expected, "k"), ((StaticAccount) r).address());
  }

  @Test
  void tokenInstructionsUnderBothPrograms() {
    for (SolanaAddress program : new SolanaAddress[] {SolanaPrograms.TOKEN, SolanaPrograms.TOKEN_2022}) {
      TokenTransfer t = assertInstanceOf(TokenTransfer.class,
          only(tokenMessage(program, "03" + "ffffffffffffffff", 2, 3, 0)));
      assertEquals(program, t.programId());
      assertKey(TOKEN_ACCOUNT, t.source());
      assertKey(OTHER_ACCOUNT, t.destination());
      assertKey(OWNER, t.authority());
      assertEquals("18446744073709551615", Long.toUnsignedString(t.amount()));

      TokenTransferChecked tc = assertInstanceOf(TokenTransferChecked.class,
          only(tokenMessage(program, "0c" + "e803000000000000" + "09", 2, 4, 3, 0, 1)));
      assertKey(MINT, tc.mint());
      assertEquals(1000, tc.amount());
      assertEquals(9, tc.decimals());
      assertEquals(1, tc.additionalAccounts().size());
      assertKey(MULTISIG_SIGNER, tc.additionalAccounts().get(0));

      TokenBurn b = assertInstanceOf(TokenBurn.class, only(tokenMessage(program, "08" + "0500000000000000", 2, 4, 0)));
      assertKey(TOKEN_ACCOUNT, b.account());
      assertKey(MINT, b.mint());
      assertKey(OWNER, b.authority());
      assertEquals(5, b.amount());
      assertEquals(-1, b.decimals());
      TokenBurn bc = assertInstanceOf(TokenBurn.class,
          only(tokenMessage(program, "0f" + "0500000000000000" + "06", 2, 4, 0)));
      assertEquals(6, bc.decimals());

      TokenMintTo mt = assertInstanceOf(TokenMintTo.class,
          only(tokenMessage(program, "07" + "0001000000000000", 4, 2, 0)));
      assertKey(MINT, mt.mint());
      assertKey(TOKEN_ACCOUNT, mt.destination());
      assertKey(OWNER, mt.authority());
      assertEquals(256, mt.amount());
      TokenMintTo mtc = assertInstanceOf(TokenMintTo.class,
          only(tokenMessage(program, "0e" + "0001000000000000" + "02", 4, 2, 0)));
      assertEquals(2, mtc.decimals());

      TokenCloseAccount ca = assertInstanceOf(TokenCloseAccount.class, only(tokenMessage(program, "09", 2, 3, 0)));
      assertKey(TOKEN_ACCOUNT, ca.account());
      assertKey(OTHER_ACCOUNT, ca.destination());
      assertKey(OWNER, ca.authority());

      // Approve (4) is not decoded
      assertInstanceOf(Other.class, only(tokenMessage(program, "04" + "0100000000000000", 2, 3, 0)));
    }
  }

  @Test
  void malformedTokenInstructionsAreRefused() {
    SolanaAddress p = SolanaPrograms.TOKEN;
    assertEquals("instructions[0].data", refused(tokenMessage(p, "", 2, 3, 0)).field());
    assertEquals("instructions[0].data", refused(tokenMessage(p, "03" + "0100000000000000" + "00", 2, 3, 0)).field());
    assertEquals("instructions[0].data.amount", refused(tokenMessage(p, "03" + "01000000000000", 2, 3, 0)).field());
    assertEquals("instructions[0].data.decimals", refused(tokenMessage(p, "0c" + "0100000000000000", 2, 4, 3, 0)).field());
    assertEquals("instructions[0].accounts", refused(tokenMessage(p, "03" + "0100000000000000", 2, 3)).field());
    assertEquals("instructions[0].accounts", refused(tokenMessage(p, "09", 2, 3)).field());
    assertEquals("instructions[0].data", refused(tokenMessage(p, "0900", 2, 3, 0)).field());
    // System transfer with a third account is refused (exactly two expected)
    assertEquals("instructions[0].accounts",
        refused(tokenMessage(SolanaPrograms.SYSTEM, "02000000" + "0100000000000000", 0, 3, 2)).field());
  }

  private static ChainFormatException refused(SolanaMessage m) {
    return assertThrows(ChainFormatException.class, () -> SolanaInstruction.decodeAll(m));
  }
}
