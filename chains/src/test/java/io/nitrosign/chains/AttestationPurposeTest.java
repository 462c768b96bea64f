package io.nitrosign.chains;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AttestationPurposeTest {

  @Test
  void tagsAreTheAsciiLabelFollowedByOneZeroByte() {
    assertEquals("6e6974726f7369676e2f66726573682d7369676e61747572652f763100",
        HexFormat.of().formatHex(AttestationPurpose.FRESH_SIGNATURE.tag()));
    for (AttestationPurpose p : AttestationPurpose.values()) {
      byte[] tag = p.tag();
      assertEquals(0, tag[tag.length - 1]);
      assertEquals(p.label(), new String(tag, 0, tag.length - 1, StandardCharsets.US_ASCII));
      for (int i = 0; i < tag.length - 1; i++) {
        assertTrue(tag[i] >= 0x21 && tag[i] < 0x7f, "printable ASCII without 0x00");
      }
    }
  }

  @Test
  void noTagIsAPrefixOfAnotherPurposesUserData() {
    for (AttestationPurpose a : AttestationPurpose.values()) {
      for (AttestationPurpose b : AttestationPurpose.values()) {
        assertEquals(a == b, b.tags(a.wrap(new byte[] {1, 2, 3})), a + " vs " + b);
      }
      assertEquals(a, AttestationPurpose.of(a.wrap(new byte[0])).orElseThrow());
    }
  }

  @Test
  void wrapAndUnwrapRoundTripTheContent() {
    byte[] content = {9, 8, 7};
    byte[] userData = AttestationPurpose.CLIENT_REQUEST.wrap(content);
    assertArrayEquals(content, AttestationPurpose.CLIENT_REQUEST.unwrap(userData).orElseThrow());
    assertTrue(AttestationPurpose.FRESH_SIGNATURE.unwrap(userData).isEmpty());
    assertFalse(AttestationPurpose.CLIENT_REQUEST.tags(null));
    assertFalse(AttestationPurpose.CLIENT_REQUEST.tags(content));
  }

  @Test
  void userDataNeverExceedsTheNsmLimit() {
    AttestationPurpose p = AttestationPurpose.CLIENT_REQUEST;
    assertEquals(512, p.wrap(new byte[p.maxContentBytes()]).length);
    assertThrows(IllegalArgumentException.class, () -> p.wrap(new byte[p.maxContentBytes() + 1]));
  }

  @Test
  void purposesAreNamedByTheirLabel() {
    assertEquals(AttestationPurpose.KMS_RECIPIENT,
        AttestationPurpose.named("kms-recipient").orElseThrow());
    assertEquals(AttestationPurpose.RESPONSE_KEY,
        AttestationPurpose.named("RESPONSE_KEY").orElseThrow());
    assertTrue(AttestationPurpose.named("nope").isEmpty());
  }
}
