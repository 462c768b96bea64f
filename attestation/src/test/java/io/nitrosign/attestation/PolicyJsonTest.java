package io.nitrosign.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyJsonTest {
  private static final String P0 = "e72a46ca80a260fb044a125442f0c7e331813bcbaf9724d9f3857758992766f2d65710a27aa94ae3949dd54e7c9fe86a";
  private static final String P1 = "0343b056cd8485ca7890ddd833476d78460aed2aa161548e4e26bedf321726696257d623e8805f3f605946b3d8b0c6aa";
  private static final String P2 = "d5dcbdea0aa39c802f9d55ced2ea6e4d74ecec5f08fe40c508882639c9090642669106a062a3e24ee2805a3024b9b75c";

  static final String NITRO_CLI = "{\n  \"Measurements\": {\n    \"HashAlgorithm\": \"Sha384 { ... }\",\n"
      + "    \"PCR0\": \"" + P0 + "\",\n    \"PCR1\": \"" + P1 + "\",\n    \"PCR2\": \"" + P2 + "\"\n  }\n}\n";

  @Test
  void nitroCliBuildEnclaveOutput() {
    Map<Integer, byte[]> pcrs = AttestationPolicy.pcrsFromNitroCliJson(NITRO_CLI);
    assertEquals(3, pcrs.size());
    assertEquals(P2, HexFormat.of().formatHex(pcrs.get(2)));
  }

  @Test
  void describeEifOutputWithOtherKeys() {
    String json = "{\"EifVersion\":4,\"Measurements\":{\"HashAlgorithm\":\"Sha384 { ... }\",\"PCR0\":\"" + P0
        + "\",\"PCR8\":\"" + P1 + "\"},\"IsSigned\":true}";
    Map<Integer, byte[]> pcrs = AttestationPolicy.pcrsFromNitroCliJson(json);
    assertEquals(List.of(0, 8), List.copyOf(pcrs.keySet()));
  }

  @Test
  void bareObjectAndArrayOfSets() {
    assertEquals(1, AttestationPolicy.pcrsFromNitroCliJson("{\"PCR0\":\"" + P0 + "\"}").size());
    assertEquals(2, AttestationPolicy.pcrSetsFromJson("[" + NITRO_CLI + ",{\"PCR0\":\"" + P1 + "\"}]").size());
  }

  @Test
  void malformedInputs() {
    for (String bad : new String[] {"", "not json", "[]", "{}", "{\"PCR0\":\"zz\"}", "{\"PCR0\":\"00\"}",
        "{\"PCR0\":5}", "{\"PCR40\":\"" + P0 + "\"}", "{\"Measurements\":[]}"}) {
      assertThrows(IllegalArgumentException.class, () -> AttestationPolicy.pcrsFromNitroCliJson(bad), bad);
    }
  }
}
