package io.nitrosign.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.upokecenter.cbor.CBORObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof ECDSA P-384/SHA-384 vectors through {@link Es384#verify}, the function the verifier
 * uses for COSE signatures. Wycheproof signatures are DER; COSE's are raw r||s, so the DER is
 * parsed here, strictly, and a signature that is not strict DER counts as rejected.
 */
class WycheproofEs384Test {

  /** Strict DER ECDSA-Sig-Value: SEQUENCE { INTEGER r, INTEGER s }, minimal, positive, nothing after. */
  static BigInteger[] strictDer(byte[] der) {
    int[] pos = {0};
    if (der.length < 2 || der[pos[0]++] != 0x30) {
      return null;
    }
    int seqLen = length(der, pos);
    if (seqLen < 0 || pos[0] + seqLen != der.length) {
      return null;
    }
    BigInteger r = integer(der, pos);
    BigInteger s = r == null ? null : integer(der, pos);
    if (s == null || pos[0] != der.length) {
      return null;
    }
    return new BigInteger[] {r, s};
  }

  private static int length(byte[] b, int[] pos) {
    if (pos[0] >= b.length) {
      return -1;
    }
    int first = b[pos[0]++] & 0xff;
    if (first < 0x80) {
      return first;
    }
    int n = first & 0x7f;
    if (n == 0 || n > 2 || pos[0] + n > b.length) {
      return -1; // indefinite or absurd
    }
    int len = 0;
    for (int i = 0; i < n; i++) {
      len = (len << 8) | (b[pos[0]++] & 0xff);
    }
    if (len < 0x80 || (n == 2 && len < 0x100)) {
      return -1; // not minimal
    }
    return len;
  }

  private static BigInteger integer(byte[] b, int[] pos) {
    if (pos[0] >= b.length || b[pos[0]++] != 0x02) {
      return null;
    }
    int len = length(b, pos);
    if (len <= 0 || pos[0] + len > b.length) {
      return null;
    }
    byte[] v = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + len);
    pos[0] += len;
    if ((v[0] & 0x80) != 0) {
      return null; // negative
    }
    if (len > 1 && v[0] == 0 && (v[1] & 0x80) == 0) {
      return null; // non-minimal
    }
    return new BigInteger(1, v);
  }

  @Test
  void everyVector() throws Exception {
    String json = new String(TestData.resource("wycheproof/ecdsa_secp384r1_sha384_test.json"), StandardCharsets.UTF_8);
    CBORObject root = CBORObject.FromJSONString(json);
    KeyFactory kf = KeyFactory.getInstance("EC");
    HexFormat hex = HexFormat.of();
    List<String> failures = new ArrayList<>();
    int run = 0;
    int valid = 0;
    CBORObject groups = root.get("testGroups");
    for (int g = 0; g < groups.size(); g++) {
      CBORObject group = groups.get(g);
      assertEquals("SHA-384", group.get("sha").AsString());
      ECPublicKey key = (ECPublicKey) kf.generatePublic(
          new X509EncodedKeySpec(hex.parseHex(group.get("publicKeyDer").AsString())));
      CBORObject tests = group.get("tests");
      for (int t = 0; t < tests.size(); t++) {
        CBORObject tc = tests.get(t);
        int id = tc.get("tcId").AsInt32Value();
        String result = tc.get("result").AsString();
        byte[] msg = hex.parseHex(tc.get("msg").AsString());
        BigInteger[] rs = strictDer(hex.parseHex(tc.get("sig").AsString()));
        boolean ok;
        try {
          ok = rs != null && Es384.verify(key, msg, rs[0], rs[1]);
        } catch (Exception e) {
          failures.add("tcId " + id + ": threw " + e);
          continue;
        }
        run++;
        if (ok) {
          valid++;
        }
        if (result.equals("valid") && !ok) {
          failures.add("tcId " + id + " (" + tc.get("comment").AsString() + "): valid but rejected");
        } else if (result.equals("invalid") && ok) {
          failures.add("tcId " + id + " (" + tc.get("comment").AsString() + "): invalid but accepted");
        }
        // "acceptable" vectors may go either way
      }
    }
    assertTrue(failures.isEmpty(), failures.size() + " failures: " + failures);
    assertEquals(root.get("numberOfTests").AsInt32Value(), run);
    assertTrue(valid >= 194, "valid vectors accepted: " + valid);
  }

  @Test
  void rawAndIntegerFormsAgree() throws Exception {
    String json = new String(TestData.resource("wycheproof/ecdsa_secp384r1_sha384_test.json"), StandardCharsets.UTF_8);
    CBORObject group = CBORObject.FromJSONString(json).get("testGroups").get(0);
    ECPublicKey key = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(
        new X509EncodedKeySpec(HexFormat.of().parseHex(group.get("publicKeyDer").AsString())));
    CBORObject tc = group.get("tests").get(0);
    assertEquals("valid", tc.get("result").AsString());
    BigInteger[] rs = strictDer(HexFormat.of().parseHex(tc.get("sig").AsString()));
    byte[] raw = new byte[96];
    byte[] r = rs[0].toByteArray();
    byte[] s = rs[1].toByteArray();
    System.arraycopy(r, Math.max(0, r.length - 48), raw, 48 - Math.min(48, r.length), Math.min(48, r.length));
    System.arraycopy(s, Math.max(0, s.length - 48), raw, 96 - Math.min(48, s.length), Math.min(48, s.length));
    byte[] msg = HexFormat.of().parseHex(tc.get("msg").AsString());
    assertTrue(Es384.verifyRaw(key, msg, raw));
    raw[95] ^= 1;
    assertTrue(!Es384.verifyRaw(key, msg, raw));
  }
}
