package io.nitrosign.enclave.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.bitcoin.Bip340Verifier;
import io.nitrosign.chains.bitcoin.Taproot;
import io.nitrosign.enclave.secret.SecretBytes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * BIP-340 against the BIP's own test-vectors.csv (bitcoin/bips bip-0340/test-vectors.csv, copied
 * verbatim into bip340-test-vectors.csv; origin in bip340-test-vectors.csv.ORIGIN): every row with
 * a secret key is signed and must reproduce the public key and signature byte for byte. (The
 * verification rows moved to chains' Bip340VerifierTest with the verifier.)
 */
class Bip340Test {
  private static final HexFormat HEX = HexFormat.of();

  private static List<String[]> rows() throws Exception {
    List<String[]> rows = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        Bip340Test.class.getResourceAsStream("bip340-test-vectors.csv"), StandardCharsets.UTF_8))) {
      r.readLine();
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.isBlank()) {
          rows.add(line.split(",", -1));
        }
      }
    }
    return rows;
  }

  @Test
  void signRowsReproduceKeyAndSignatureWithThePublishedAuxInjected() throws Exception {
    int signed = 0;
    for (String[] row : rows()) {
      if (row[1].isEmpty()) {
        continue;
      }
      // the row's published aux_rand, injected as the signer's aux source
      byte[] published = HEX.parseHex(row[3]);
      try (SecretBytes sk = new SecretBytes(HEX.parseHex(row[1]));
          Bip340Signer signer = Bip340Signer.create(sk, aux -> System.arraycopy(published, 0, aux, 0, 32))) {
        assertEquals(row[2], HEX.formatHex(signer.publicKey()).toUpperCase(), "pubkey row " + row[0]);
        byte[] sig = signer.sign(HEX.parseHex(row[4]));
        assertEquals(row[5], HEX.formatHex(sig).toUpperCase(), "signature row " + row[0]);
      }
      signed++;
    }
    assertEquals(4, signed);
  }

  @Test
  void signerRejectsBadKeysAndWipesOnClose() {
    Bip340Signer.AuxSource random = Bip340Signer.AuxSource.of(new SecureRandom());
    assertThrows(IllegalArgumentException.class, () -> Bip340Signer.create(new SecretBytes(new byte[32]), random));
    assertThrows(IllegalArgumentException.class, () -> Bip340Signer.create(new SecretBytes(new byte[31]), random));
    byte[] k = new byte[32];
    k[31] = 3;
    assertThrows(IllegalArgumentException.class, () -> Bip340Signer.create(new SecretBytes(k), null));
    SecretBytes sk = new SecretBytes(k);
    Bip340Signer s = Bip340Signer.create(sk, random);
    sk.close();
    byte[] msg = new byte[32];
    byte[] sig = s.sign(msg);
    assertTrue(Bip340Verifier.verify(s.publicKey(), msg, sig));
    s.close();
    assertThrows(IllegalStateException.class, () -> s.sign(msg));
    assertFalse(s.toString().contains("03"));
  }

  @Test
  void eachSignatureDrawsFreshAuxSoSignaturesOfOneMessageDiffer() {
    byte[] k = new byte[32];
    k[31] = 5;
    byte[] msg = new byte[32];
    try (SecretBytes sk = new SecretBytes(k);
        Bip340Signer s = Bip340Signer.create(sk, Bip340Signer.AuxSource.of(new SecureRandom()))) {
      byte[] a = s.sign(msg);
      byte[] b = s.sign(msg);
      assertFalse(Arrays.equals(a, b));
      assertTrue(Bip340Verifier.verify(s.publicKey(), msg, a));
      assertTrue(Bip340Verifier.verify(s.publicKey(), msg, b));
    }
  }

  @Test
  void taprootTweakMatchesBip341KeyPathVectors() throws Exception {
    // BIP-341 wallet-test-vectors.json keyPathSpending[0] (origin in the resource's header).
    List<String> utxos = new ArrayList<>();
    int inputs = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        Bip340Test.class.getResourceAsStream("bip341-keypath-vectors.txt"), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        String[] f = line.split(" ");
        if (f[0].equals("utxo")) {
          utxos.add(f[1]);
        } else if (f[0].equals("input")) {
          int index = Integer.parseInt(f[1]);
          int hashType = Integer.parseInt(f[2]);
          byte[] merkle = f[4].equals("null") ? null : HEX.parseHex(f[4]);
          try (SecretBytes internal = new SecretBytes(HEX.parseHex(f[3]))) {
            byte[] internalPub = TaprootTweak.xOnlyPublicKey(internal);
            assertEquals(f[5], HEX.formatHex(internalPub), "internalPubkey input " + index);
            assertEquals(f[6], HEX.formatHex(Taproot.tweak(internalPub, merkle)), "tweak input " + index);
            Taproot.OutputKey q = Taproot.outputKey(internalPub, merkle);
            assertEquals(utxos.get(index).substring(4), HEX.formatHex(q.x()), "output key input " + index);
            try (SecretBytes tweaked = TaprootTweak.tweakSecretKey(internal, merkle);
                Bip340Signer signer = Bip340Signer.create(tweaked, aux -> Arrays.fill(aux, (byte) 0))) {
              assertEquals(f[7], tweaked.apply(HEX::formatHex), "tweakedPrivkey input " + index);
              assertArrayEquals(q.x(), signer.publicKey());
              byte[] sigHash = HEX.parseHex(f[9]);
              byte[] sig = signer.sign(sigHash);
              assertTrue(Bip340Verifier.verify(q.x(), sigHash, sig));
              String witness = HEX.formatHex(sig) + (hashType == 0 ? "" : String.format("%02x", hashType));
              assertEquals(f[10], witness, "witness input " + index + " (aux_rand = 32 zero bytes, injected)");
            }
          }
          inputs++;
        }
      }
    }
    assertEquals(7, inputs);
  }
}
