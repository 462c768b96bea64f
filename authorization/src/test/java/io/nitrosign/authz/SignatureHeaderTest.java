package io.nitrosign.authz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SignatureHeaderTest {

  @Test
  void blankOrMissingHeadersHaveNoSignatures() {
    assertEquals(List.of(), SignatureHeader.parse(null));
    assertEquals(List.of(), SignatureHeader.parse(""));
    assertEquals(List.of(), SignatureHeader.parse("   "));
  }

  @Test
  void commaSeparatedBase64IsDecodedInOrderToleratingSpaces() {
    List<byte[]> sigs = SignatureHeader.parse(" AQI= , AwQF,Bg== ");
    assertEquals(3, sigs.size());
    assertArrayEquals(new byte[] {1, 2}, sigs.get(0));
    assertArrayEquals(new byte[] {3, 4, 5}, sigs.get(1));
    assertArrayEquals(new byte[] {6}, sigs.get(2));
  }

  @Test
  void malformedHeadersAreRefusedWithAFixedMessage() {
    String eightyOne = java.util.Base64.getEncoder().encodeToString(new byte[81]);
    String seventeen = String.join(",", java.util.Collections.nCopies(17, "AQI="));
    for (String h : new String[] {"AQI=,", ",AQI=", "AQI=,,AwQF", "not base64!", "AQ-_", eightyOne, seventeen}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SignatureHeader.parse(h));
      assertEquals("invalid authorization signature header", e.getMessage());
    }
    assertEquals(16, SignatureHeader.parse(String.join(",", java.util.Collections.nCopies(16, "AQI="))).size());
  }
}
