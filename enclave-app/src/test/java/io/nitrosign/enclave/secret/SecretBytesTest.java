package io.nitrosign.enclave.secret;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SecretBytesTest {

  private static final byte[] CONTENT = {0x41, 0x42, 0x43, 0x7f, 0x01, 0x02};

  @Test
  void toStringNeverShowsContent() {
    try (SecretBytes s = new SecretBytes(CONTENT)) {
      String text = s.toString();
      assertEquals("SecretBytes[<redacted>, 6 bytes]", text);
      assertFalse(text.contains("ABC"));
      assertFalse(text.toLowerCase().contains(HexFormat.of().formatHex(CONTENT)));
      assertFalse(text.contains("65"));
    }
  }

  @Test
  void copiesInputSoCallerMayWipeIt() {
    byte[] mine = CONTENT.clone();
    try (SecretBytes s = new SecretBytes(mine)) {
      java.util.Arrays.fill(mine, (byte) 0);
      assertArrayEquals(CONTENT, s.copy());
    }
  }

  @Test
  void closeWipesBackingArray() {
    SecretBytes s = new SecretBytes(CONTENT);
    byte[] backing = s.backingArray();
    assertArrayEquals(CONTENT, backing);
    s.close();
    assertArrayEquals(new byte[CONTENT.length], backing);
    assertTrue(s.isClosed());
  }

  @Test
  void takeOwnershipWipesTheGivenArray() {
    byte[] owned = CONTENT.clone();
    SecretBytes.takeOwnership(owned).close();
    assertArrayEquals(new byte[CONTENT.length], owned);
  }

  @Test
  void useAfterCloseThrows() {
    SecretBytes s = new SecretBytes(CONTENT);
    SecretBytes other = new SecretBytes(CONTENT);
    s.close();
    assertThrows(IllegalStateException.class, s::copy);
    assertThrows(IllegalStateException.class, () -> s.apply(b -> b.length));
    assertThrows(IllegalStateException.class, () -> s.contentEquals(other));
    assertThrows(IllegalStateException.class, () -> other.contentEquals(s));
    s.close(); // idempotent
    assertEquals(6, s.length());
  }

  @Test
  void contentEqualsComparesContentNotIdentity() {
    try (SecretBytes a = new SecretBytes(CONTENT);
        SecretBytes b = new SecretBytes(CONTENT);
        SecretBytes c = new SecretBytes(new byte[] {1, 2, 3})) {
      assertTrue(a.contentEquals(b));
      assertFalse(a.contentEquals(c));
      assertNotEquals(a, b); // equals is identity
    }
  }
}
