package io.nitrosign.enclave.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.nitrosign.enclave.secret.SecretBytes;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class Ed25519Test {

  private static final HexFormat HEX = HexFormat.of();

  /** RFC 8032, section 7.1: TEST 1, TEST 2, TEST 3 (secret key, public key, message, signature). */
  private static final String[][] RFC8032 = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
          "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
          "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
          "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
          "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
      {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
          "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
          "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
  };

  @Test
  void rfc8032Vectors() {
    for (String[] v : RFC8032) {
      try (Ed25519Signer signer = Ed25519Signer.create(new SecretBytes(HEX.parseHex(v[0])))) {
        assertEquals(v[1], HEX.formatHex(signer.publicKey()));
        byte[] sig = signer.sign(HEX.parseHex(v[2]));
        assertEquals(v[3], HEX.formatHex(sig));
        assertTrue(Ed25519Verifier.verify(signer.publicKey(), HEX.parseHex(v[2]), sig));
      }
    }
  }

  @Test
  void sameSignaturesAsTheJdksOwnEd25519ForRandomKeys() throws Exception {
    // SunEC's EdDSA is an implementation independent of BC-FIPS; Ed25519 is deterministic, so the
    // two must agree byte for byte.
    SecureRandom random = new SecureRandom();
    KeyFactory jdk = KeyFactory.getInstance("Ed25519", "SunEC");
    byte[] prefix = HEX.parseHex("302e020100300506032b657004220420");
    for (int i = 0; i < 50; i++) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      byte[] message = new byte[random.nextInt(300)];
      random.nextBytes(message);
      byte[] pkcs8 = new byte[48];
      System.arraycopy(prefix, 0, pkcs8, 0, 16);
      System.arraycopy(seed, 0, pkcs8, 16, 32);
      PrivateKey key = jdk.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      Signature s = Signature.getInstance("Ed25519", "SunEC");
      s.initSign(key);
      s.update(message);
      byte[] expected = s.sign();
      try (Ed25519Signer signer = Ed25519Signer.create(new SecretBytes(seed))) {
        assertArrayEquals(expected, signer.sign(message));
      }
    }
  }

  @Test
  void wycheproofVectors() throws Exception {
    JsonObject root;
    try (var in = new InputStreamReader(
        getClass().getResourceAsStream("/wycheproof/ed25519_test.json"), StandardCharsets.UTF_8)) {
      root = JsonParser.parseReader(in).getAsJsonObject();
    }
    List<String> failures = new ArrayList<>();
    int count = 0;
    for (JsonElement g : root.getAsJsonArray("testGroups")) {
      byte[] pk = HEX.parseHex(g.getAsJsonObject().getAsJsonObject("publicKey").get("pk")
          .getAsString());
      for (JsonElement t : g.getAsJsonObject().getAsJsonArray("tests")) {
        JsonObject c = t.getAsJsonObject();
        count++;
        boolean valid = Ed25519Verifier.verify(pk, HEX.parseHex(c.get("msg").getAsString()),
            HEX.parseHex(c.get("sig").getAsString()));
        String result = c.get("result").getAsString();
        if (result.equals("valid") != valid && !result.equals("acceptable")) {
          failures.add("tcId " + c.get("tcId").getAsInt() + " expected " + result);
        }
      }
    }
    assertEquals(151, count);
    assertEquals(List.of(), failures);
  }

  @Test
  void refusesBadInputAndHidesTheSeed() {
    assertThrows(IllegalArgumentException.class,
        () -> Ed25519Signer.create(new SecretBytes(new byte[31])));
    assertFalse(Ed25519Verifier.verify(new byte[31], new byte[0], new byte[64]));
    assertFalse(Ed25519Verifier.verify(new byte[32], new byte[0], new byte[63]));
    try (Ed25519Signer signer = Ed25519Signer.create(new SecretBytes(new byte[32]))) {
      assertEquals("Ed25519Signer[<redacted>]", signer.toString());
    }
  }

  @Test
  void closingTheSignerDestroysBcFipsKeyObjectAndRefusesToSign() {
    byte[] seed = HEX.parseHex(RFC8032[0][0]);
    Ed25519Signer signer = Ed25519Signer.create(new SecretBytes(seed.clone()));
    org.bouncycastle.crypto.asymmetric.AsymmetricEdDSAPrivateKey key = signer.keyObjectForTests();
    assertFalse(key.isDestroyed());
    signer.close();
    assertTrue(key.isDestroyed(), "BC-FIPS's copy of the seed is zeroed on close");
    assertThrows(IllegalStateException.class, () -> signer.sign(new byte[0]));
  }
}
