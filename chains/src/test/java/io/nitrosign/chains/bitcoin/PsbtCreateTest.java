package io.nitrosign.chains.bitcoin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nitrosign.chains.ChainFormatException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Psbt#create}: BIP-174's Creator role. */
class PsbtCreateTest {

  private static final HexFormat HEX = HexFormat.of();

  // BIP-174, "Test Vectors" / Creator: the unsigned transaction given to the Creator, and the PSBT
  // it must produce.
  private static final String BIP174_UNSIGNED_TX = "020000000258e87a21b56daf0c23be8e7070456c336f7cb"
      + "aa5c8757924f545887bb2abdd750000000000ffffffff838d0427d0ec650a68aa46bb0b098aea4422c071b2ca"
      + "78352a077959d07cea1d0100000000ffffffff0270aaf00800000000160014d85c2b71d0060b09c9886aeb815e"
      + "50991dda124d00e1f5050000000016001400aea9a2e5f0f876a588df5546e8742d1d87008f00000000";
  private static final String BIP174_CREATOR_PSBT = "cHNidP8BAJoCAAAAAljoeiG1ba8MI76OcHBFbDNvfLqlyH"
      + "V5JPVFiHuyq911AAAAAAD/////g40EJ9DsZQpoqka7CwmK6kQiwHGyyng1Kgd5WdB86h0BAAAAAP////8CcKrwCAAAAA"
      + "AWABTYXCtx0AYLCcmIauuBXlCZHdoSTQDh9QUAAAAAFgAUAK6pouXw+HaliN9VRuh0LR2HAI8AAAAAAAAAAAA=";

  @Test
  void createsBip174sCreatorOutput() {
    Transaction tx = Transaction.parse(HEX.parseHex(BIP174_UNSIGNED_TX));
    assertEquals(BIP174_CREATOR_PSBT, Psbt.create(tx, List.of(List.of(), List.of())).toBase64());
  }

  @Test
  void updaterEntriesLandInTheirInputMaps() {
    Transaction tx = Transaction.parse(HEX.parseHex(BIP174_UNSIGNED_TX));
    byte[] spk = HEX.parseHex("0014d85c2b71d0060b09c9886aeb815e50991dda124d");
    Psbt psbt = Psbt.create(tx, List.of(List.of(), List.of(Psbt.witnessUtxoEntry(150_000_000L, spk))));
    assertEquals(150_000_000L, psbt.inputValue(1));
    assertEquals(Psbt.InputKind.P2WPKH, psbt.kind(1));
    assertEquals(psbt.toBase64(), Psbt.parse(psbt.serialize()).toBase64());
  }

  @Test
  void inputMapsMustMatchTheTransaction() {
    Transaction tx = Transaction.parse(HEX.parseHex(BIP174_UNSIGNED_TX));
    assertThrows(ChainFormatException.class, () -> Psbt.create(tx, List.of(List.of())));
    assertThrows(ChainFormatException.class, () -> Psbt.create(tx,
        List.of(List.of(), List.of(new Psbt.Entry(new byte[] {0x01}, new byte[] {1, 2})))));
  }
}
