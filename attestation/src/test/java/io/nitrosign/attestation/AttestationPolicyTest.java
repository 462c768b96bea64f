package io.nitrosign.attestation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttestationPolicyTest {
  private static final byte[] A = new byte[48];
  private static final String HEX = "ab".repeat(48);

  @Test
  void anAllowedPcrSetWithoutPcr0IsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AttestationPolicy.builder().addAllowedPcrSet(Map.of(1, A, 2, A)));
    assertTrue(e.getMessage().contains("PCR0 missing"), e.getMessage());
  }

  @Test
  void anEmptyPcrSetIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> AttestationPolicy.builder().addAllowedPcrSet(Map.of()));
  }

  @Test
  void anEmptyListOfAllowedSetsIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AttestationPolicy.builder().allowedPcrSets(List.of()));
    assertTrue(e.getMessage().contains("no allowed PCR set"), e.getMessage());
  }

  @Test
  void everySetOfAnUpgradeListMustPinPcr0() {
    assertThrows(IllegalArgumentException.class, () -> AttestationPolicy.builder()
        .allowedPcrSets(List.of(Map.of(0, A), Map.of(8, A))));
  }

  @Test
  void pcrJsonWithoutPcr0IsRefusedWithAClearMessage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AttestationPolicy.pcrsFromNitroCliJson("{\"PCR1\":\"" + HEX + "\",\"PCR2\":\"" + HEX + "\"}"));
    assertTrue(e.getMessage().contains("PCR0 missing") && e.getMessage().contains("PCR1, PCR2"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> AttestationPolicy.pcrSetsFromJson(
        "[{\"PCR0\":\"" + HEX + "\"},{\"PCR8\":\"" + HEX + "\"}]"));
    assertTrue(e.getMessage().startsWith("element 1: PCR0 missing"), e.getMessage());
  }

  @Test
  void aPolicyChecksPcrsOnlyWhenGivenAnAllowedSet() {
    assertFalse(AttestationPolicy.any().checksPcrs());
    assertFalse(AttestationPolicy.builder().build().checksPcrs());
    assertTrue(AttestationPolicy.builder().addAllowedPcrSet(Map.of(0, A)).build().checksPcrs());
    assertTrue(AttestationPolicy.builder().addAllowedPcrSet(Map.of(0, A)).build().toBuilder()
        .build().checksPcrs());
  }
}
