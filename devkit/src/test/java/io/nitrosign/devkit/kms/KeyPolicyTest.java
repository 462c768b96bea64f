package io.nitrosign.devkit.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyPolicyTest {

  private static final String PCR_A = FakeAttestation.pcr0(0xaa);
  private static final String PCR_B = FakeAttestation.pcr0(0xbb);

  private static Map<String, String> attested(String pcr0) {
    return Map.of(RequestContext.IMAGE_SHA384, pcr0, RequestContext.PCR_PREFIX + "0", pcr0);
  }

  @Test
  void attestationConditionNeedsTheKeyInTheRequest() {
    KeyPolicy p = KeyPolicy.parse(LocalKmsMain.enclavePolicy(List.of(PCR_A)));
    assertTrue(p.evaluate("kms:Decrypt", attested(PCR_A)).allowed());
    assertTrue(p.evaluate("kms:GenerateDataKey", attested(PCR_A)).allowed());
    assertFalse(p.evaluate("kms:Decrypt", attested(PCR_B)).allowed());
    assertFalse(p.evaluate("kms:Decrypt", Map.of()).allowed(), "no recipient, no key");
    assertFalse(p.evaluate("kms:Encrypt", attested(PCR_A)).allowed(), "action not allowed");
    assertTrue(p.evaluate("kms:DescribeKey", Map.of()).allowed());
  }

  @Test
  void listOfValuesIsAnyOfAndIgnoreCaseIgnoresCase() {
    KeyPolicy p = KeyPolicy.parse(LocalKmsMain.enclavePolicy(List.of(PCR_A, PCR_B)));
    assertTrue(p.evaluate("kms:Decrypt", attested(PCR_A)).allowed());
    assertTrue(p.evaluate("kms:Decrypt", attested(PCR_B)).allowed());
    assertTrue(p.evaluate("kms:Decrypt", attested(PCR_A.toUpperCase())).allowed());
  }

  @Test
  void stringEqualsIsCaseSensitiveAndAllConditionsMustHold() {
    KeyPolicy p = KeyPolicy.parse("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kms:*\","
        + "\"Condition\":{\"StringEquals\":{\"kms:RecipientAttestation:PCR0\":\"" + PCR_A
        + "\",\"kms:EncryptionContext:purpose\":\"seal\"}}}}");
    Map<String, String> ok = Map.of(RequestContext.PCR_PREFIX + "0", PCR_A,
        RequestContext.ENCRYPTION_CONTEXT_PREFIX + "purpose", "seal");
    assertTrue(p.evaluate("kms:Decrypt", ok).allowed());
    assertFalse(p.evaluate("kms:Decrypt", Map.of(RequestContext.PCR_PREFIX + "0",
        PCR_A.toUpperCase(), RequestContext.ENCRYPTION_CONTEXT_PREFIX + "purpose", "seal"))
        .allowed());
    assertFalse(p.evaluate("kms:Decrypt", Map.of(RequestContext.PCR_PREFIX + "0", PCR_A))
        .allowed());
  }

  @Test
  void explicitDenyWins() {
    KeyPolicy p = KeyPolicy.parse("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\"},"
        + "{\"Sid\":\"NoDecrypt\",\"Effect\":\"Deny\",\"Action\":[\"kms:Decrypt\"]}]}");
    KeyPolicy.Decision d = p.evaluate("kms:Decrypt", Map.of());
    assertFalse(d.allowed());
    assertEquals("denied by statement NoDecrypt", d.reason());
    assertTrue(p.evaluate("KMS:encrypt", Map.of()).allowed(), "actions are case-insensitive");
  }

  @Test
  void conditionalDenyAppliesOnlyWhenItsConditionHolds() {
    KeyPolicy p = KeyPolicy.parse("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\"},"
        + "{\"Effect\":\"Deny\",\"Action\":\"kms:Decrypt\",\"Condition\":{\"StringEqualsIgnoreCase\":"
        + "{\"kms:RecipientAttestation:ImageSha384\":\"" + PCR_B + "\"}}}]}");
    assertTrue(p.evaluate("kms:Decrypt", attested(PCR_A)).allowed());
    assertFalse(p.evaluate("kms:Decrypt", attested(PCR_B)).allowed());
  }

  @Test
  void unsupportedOrMalformedPoliciesAreRefused() {
    for (String bad : List.of("", "not json", "[]", "{}",
        "{\"Statement\":{\"Effect\":\"Maybe\",\"Action\":\"kms:*\"}}",
        "{\"Statement\":{\"Effect\":\"Allow\",\"NotAction\":\"kms:Decrypt\"}}",
        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Condition\":"
            + "{\"StringLike\":{\"kms:RecipientAttestation:PCR0\":\"*\"}}}}",
        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":[]}}")) {
      KmsError e = assertThrows(KmsError.class, () -> KeyPolicy.parse(bad), bad);
      assertEquals("MalformedPolicyDocumentException", e.type(), bad);
    }
  }
}
