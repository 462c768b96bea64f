package io.nitrosign.chains.solana;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.ChainFormatException;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Malformed inputs derived from the published vectors: each is refused with the field named. */
class SolanaBadInputTest {

  private static final byte[] LEGACY = SolanaVectors.LEGACY_TRANSFER_MESSAGE;
  private static final byte[] V0_TX = SolanaVectors.V0_JUPITER_TX;

  private static ChainFormatException refusedMessage(byte[] b) {
    return assertThrows(ChainFormatException.class, () -> SolanaMessage.decode(b));
  }

  private static ChainFormatException refusedTx(byte[] b) {
    return assertThrows(ChainFormatException.class, () -> SolanaTransaction.decode(b));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void everyTruncationIsRefused() {
    for (int n = 0; n < LEGACY.length; n++) {
      refusedMessage(Arrays.copyOf(LEGACY, n));
    }
    for (int n = 0; n < V0_TX.length; n++) {
      refusedTx(Arrays.copyOf(V0_TX, n));
    }
    byte[] token = Base58.decode(SolanaVectors.TOKEN_TRANSFER_CHECKED_TX_BASE58, "tx");
    for (int n = 0; n < token.length; n++) {
      refusedTx(Arrays.copyOf(token, n));
    }
  }

  @Test
  void truncatedFieldIsNamed() {
    assertEquals("recentBlockhash", refusedMessage(Arrays.copyOf(LEGACY, 4 + 3 * 32 + 10)).field());
    assertEquals("accountKeys.length", refusedMessage(Arrays.copyOf(LEGACY, 4 + 32 + 5)).field());
  }

  @Test
  void trailingBytesAreRefused() {
    assertEquals("message", refusedMessage(concat(LEGACY, new byte[] {0})).field());
    assertEquals("message", refusedTx(concat(V0_TX, new byte[] {0})).field());
  }

  @Test
  void nonCanonicalShortVecIsRefused() {
    // account key count 03 written as 83 00
    byte[] b = new byte[LEGACY.length + 1];
    System.arraycopy(LEGACY, 0, b, 0, 3);
    b[3] = (byte) 0x83;
    b[4] = 0;
    System.arraycopy(LEGACY, 4, b, 5, LEGACY.length - 4);
    ChainFormatException e = refusedMessage(b);
    assertEquals("accountKeys.length", e.field());
    assertTrue(e.reason().contains("non-canonical"), e.reason());
    // signature count 01 written as 81 00
    byte[] t = new byte[V0_TX.length + 1];
    t[0] = (byte) 0x81;
    t[1] = 0;
    System.arraycopy(V0_TX, 1, t, 2, V0_TX.length - 1);
    assertEquals("signatures.length", refusedTx(t).field());
  }

  @Test
  void accountIndexOutOfRangeIsRefused() {
    // legacy: the transfer's "to" index 1 -> 3 (3 keys)
    byte[] b = LEGACY.clone();
    int accounts = LEGACY.length - 15; // ... 02 | 02 | 00 01 | 0c ...
    assertEquals(0x02, b[accounts - 1]);
    b[accounts + 1] = 3;
    assertEquals("instructions[0].accounts[1]", refusedMessage(b).field());
    // v0: SyncNative's account 6 -> 37 (16 static + 21 loaded = 37 accounts); 36 is still fine
    byte[] v = V0_TX.clone();
    int at = indexOf(v, HexFormat.of().parseHex("0c01060111"));
    v[at + 2] = 36;
    SolanaTransaction.decode(v);
    v[at + 2] = 37;
    assertEquals("instructions[4].accounts[0]", refusedTx(v).field());
  }

  @Test
  void programIdIndexMustBeStaticAndNotTheFeePayer() {
    byte[] b = LEGACY.clone();
    int program = LEGACY.length - 17;
    assertEquals(2, b[program]);
    b[program] = 3;
    assertEquals("instructions[0].programIdIndex", refusedMessage(b).field());
    b[program] = 0;
    assertEquals("instructions[0].programIdIndex", refusedMessage(b).field());
    // v0: a program loaded from a lookup table (index 16) is refused
    byte[] v = V0_TX.clone();
    int at = indexOf(v, HexFormat.of().parseHex("0c01060111"));
    v[at] = 16;
    assertEquals("instructions[4].programIdIndex", refusedTx(v).field());
  }

  @Test
  void headerRules() {
    byte[] b = LEGACY.clone();
    b[0] = 0; // no signer
    assertEquals("header.numReadonlySignedAccounts", refusedMessage(b).field());
    b = LEGACY.clone();
    b[1] = 1; // the fee payer read-only
    assertEquals("header.numReadonlySignedAccounts", refusedMessage(b).field());
    b = LEGACY.clone();
    b[2] = 3; // 1 signer + 3 readonly unsigned > 3 keys
    assertEquals("header", refusedMessage(b).field());
  }

  @Test
  void duplicateAccountKeysAreRefused() {
    byte[] b = LEGACY.clone();
    System.arraycopy(LEGACY, 4, b, 36, 32);
    assertEquals("accountKeys[1]", refusedMessage(b).field());
  }

  @Test
  void unknownVersionAndSignatureCountMismatch() {
    byte[] v = V0_TX.clone();
    v[65] = (byte) 0x81;
    assertEquals("message.version", refusedTx(v).field());
    // the legacy message with no signatures in front: requires 1
    byte[] noSig = concat(new byte[] {0}, LEGACY);
    assertEquals("signatures.length", refusedTx(noSig).field());
    // two signatures for a one-signer message
    byte[] two = concat(concat(new byte[] {2}, new byte[128]), LEGACY);
    assertEquals("signatures.length", refusedTx(two).field());
    // a signature count that cannot fit
    assertEquals("signatures.length", refusedTx(HexFormat.of().parseHex("ffff03")).field());
  }

  @Test
  void emptyLookupAndOversize() {
    // v0 lookup loading nothing: rewrite the first lookup's counts... simpler: a fresh minimal v0 message
    byte[] m = HexFormat.of().parseHex("80" + "010001" + "02" + "11".repeat(32) + "22".repeat(32) + "33".repeat(32)
        + "00" + "01" + "44".repeat(32) + "0000");
    assertEquals("addressTableLookups[0]", refusedMessage(m).field());
    assertEquals("message", refusedMessage(new byte[SolanaMessage.MAX_SIZE + 1]).field());
    assertEquals("transaction", refusedTx(new byte[SolanaMessage.MAX_SIZE + 1]).field());
    assertEquals("message", refusedMessage(null).field());
  }

  @Test
  void malformedInstructionDataOfKnownProgramsIsRefused() {
    // the System transfer with a trailing data byte (data length 12 -> 13)
    byte[] b = concat(Arrays.copyOf(LEGACY, LEGACY.length - 13), HexFormat.of().parseHex("0d020000002a0000000000000000"));
    SolanaMessage m = SolanaMessage.decode(b);
    ChainFormatException e = assertThrows(ChainFormatException.class, () -> SolanaInstruction.decodeAll(m));
    assertEquals("instructions[0].data", e.field());
    // ... and truncated (data length 12 -> 11)
    byte[] c = concat(Arrays.copyOf(LEGACY, LEGACY.length - 13), HexFormat.of().parseHex("0b020000002a000000000000"));
    SolanaMessage m2 = SolanaMessage.decode(c);
    assertEquals("instructions[0].data.lamports",
        assertThrows(ChainFormatException.class, () -> SolanaInstruction.decodeAll(m2)).field());
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
