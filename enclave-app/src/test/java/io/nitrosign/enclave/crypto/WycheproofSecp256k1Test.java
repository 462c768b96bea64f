package io.nitrosign.enclave.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs every Wycheproof ECDSA secp256k1/SHA-256 vector (see src/test/resources/wycheproof/README.md)
 * through {@link Secp256k1Verifier} with strict DER decoding, collecting failures before asserting.
 */
class WycheproofSecp256k1Test {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void allVectors() throws Exception {
    JsonObject root;
    try (Reader in = new InputStreamReader(
        getClass().getResourceAsStream("/wycheproof/ecdsa_secp256k1_sha256_test.json"),
        StandardCharsets.UTF_8)) {
      root = JsonParser.parseReader(in).getAsJsonObject();
    }
    List<String> failures = new ArrayList<>();
    int count = 0;
    int valid = 0;
    for (JsonElement g : root.getAsJsonArray("testGroups")) {
      JsonObject group = g.getAsJsonObject();
      assertEquals("SHA-256", group.get("sha").getAsString());
      byte[] publicKey = HEX.parseHex(
          group.getAsJsonObject("publicKey").get("uncompressed").getAsString());
      for (JsonElement t : group.getAsJsonArray("tests")) {
        JsonObject test = t.getAsJsonObject();
        count++;
        int id = test.get("tcId").getAsInt();
        String result = test.get("result").getAsString();
        byte[] msg = HEX.parseHex(test.get("msg").getAsString());
        byte[] sig = HEX.parseHex(test.get("sig").getAsString());
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(msg);
        boolean verified;
        try {
          BigInteger[] rs = StrictDer.parse(sig);
          verified = rs != null && Secp256k1Verifier.verify(publicKey, digest, rs[0], rs[1]);
        } catch (RuntimeException e) {
          verified = false;
          if (result.equals("valid")) {
            failures.add("tcId " + id + ": threw " + e);
            continue;
          }
        }
        boolean expected = switch (result) {
          case "valid" -> true;
          case "invalid" -> false;
          default -> verified; // "acceptable": either outcome is allowed
        };
        if (expected) {
          valid++;
        }
        if (verified != expected) {
          failures.add("tcId " + id + " (" + test.get("comment").getAsString() + "): expected "
              + result + ", verified=" + verified);
        }
      }
    }
    assertEquals(root.get("numberOfTests").getAsInt(), count);
    assertTrue(valid > 100, "too few valid vectors ran: " + valid);
    assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n", failures));
  }
}
