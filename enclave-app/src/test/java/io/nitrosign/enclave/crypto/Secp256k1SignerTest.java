package io.nitrosign.enclave.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.ethereum.Eip191;
import io.nitrosign.chains.ethereum.EthereumAddress;
import io.nitrosign.enclave.secret.SecretBytes;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.crypto.asymmetric.AsymmetricECPrivateKey;
import org.bouncycastle.crypto.fips.FipsEC;
import org.bouncycastle.crypto.fips.FipsOutputSigner;
import org.bouncycastle.crypto.fips.FipsSHS;
import org.junit.jupiter.api.Test;

class Secp256k1SignerTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final String N_MINUS_1 =
      "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140";

  /** privateKey (hex), message (SHA-256 hashed), expected k (hex). */
  private record KVector(String key, String message, String k) {}

  /**
   * RFC 6979 k values for secp256k1 + HMAC-SHA-256, from trezor-crypto tests/test_check.c
   * ("test_rfc6979"); the same vectors appear in python-ecdsa and bitcoinjs-lib fixtures.
   */
  private static final List<KVector> K_VECTORS = List.of(
      new KVector("cca9fbcc1b41e5a95d369eaa6ddcff73b61a4efaa279cfc6567e8daa39cbaf50", "sample",
          "2df40ca70e639d89528a6b670d9d48d9165fdc0febc0974056bdce192b8e16a3"),
      new KVector("0000000000000000000000000000000000000000000000000000000000000001",
          "Satoshi Nakamoto",
          "8f8a276c19f4149656b280621e358cce24f5f52542772691ee69063b74f15d15"),
      new KVector(N_MINUS_1, "Satoshi Nakamoto",
          "33a19b60e25fb6f4435af53a3d42d493644827367e6453928554f43e49aa6f90"),
      new KVector("f8b8af8ce3c7cca5e300d33939540c10d45ce001b8f252bfbc57ba0342904181",
          "Alan Turing",
          "525a82b70e67874398067543fd84c83d30c175fdc45fdeee082fe13b1d7cfdf1"),
      new KVector("0000000000000000000000000000000000000000000000000000000000000001",
          "All those moments will be lost in time, like tears in rain. Time to die...",
          "38aa22d72376b4dbc472e06c3ba403ee0a394da63fc58d88686c611aba98d6b3"),
      new KVector("e91671c46231f833a6406ccbea0e3e392c76c167bac1cb013f6f1013980455c2",
          "There is a computer disease that anybody who works with computers knows about. It's a"
              + " very serious disease and it interferes completely with the work. The trouble"
              + " with computers is that you 'play' with them!",
          "1f4b84c23a86a221d233f2521be018d9318639d5b8bbd6374a8a59232d16ad3d"));

  /** privateKey (hex), message (SHA-256 hashed), expected low-S r and s (hex). */
  private record SigVector(String key, String message, String r, String s) {}

  /**
   * Deterministic signatures from bitcoinjs-lib test/fixtures/ecdsa.json ("valid" section; these
   * originate from the bitcointalk thread "RFC 6979 test vectors for secp256k1", topic 285142,
   * and are repeated in python-ecdsa's test suite).
   */
  private static final List<SigVector> SIG_VECTORS = List.of(
      new SigVector("0000000000000000000000000000000000000000000000000000000000000001",
          "Satoshi Nakamoto",
          "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8",
          "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5"),
      new SigVector("0000000000000000000000000000000000000000000000000000000000000001",
          "All those moments will be lost in time, like tears in rain. Time to die...",
          "8600dbd41e348fe5c9465ab92d23e3db8b98b873beecd930736488696438cb6b",
          "547fe64427496db33bf66019dacbf0039c04199abb0122918601db38a72cfc21"),
      new SigVector("0000000000000000000000000000000000000000000000000000000000000001",
          "Everything should be made as simple as possible, but not simpler.",
          "33a69cd2065432a30f3d1ce4eb0d59b8ab58c74f27c41a7fdb5696ad4e6108c9",
          "6f807982866f785d3f6418d24163ddae117b7db4d5fdf0071de069fa54342262"),
      new SigVector(N_MINUS_1,
          "Equations are more important to me, because politics is for the present, but an"
              + " equation is something for eternity.",
          "54c4a33c6423d689378f160a7ff8b61330444abb58fb470f96ea16d99d4a2fed",
          "07082304410efa6b2943111b6a4e0aaa7b7db55a07e9861d1fb3cb1f421044a5"),
      new SigVector(N_MINUS_1,
          "Not only is the Universe stranger than we think, it is stranger than we can think.",
          "ff466a9f1b7b273e2f4c3ffe032eb2e814121ed18ef84665d0f515360dab3dd0",
          "6fc95f5132e5ecfdc8e5e6e616cc77151455d46ed48f5589b7db7771a332b283"),
      new SigVector("69ec59eaa1f4f2e36b639716b7c30ca86d9a5375c7b38d8918bd9c0ebc80ba64",
          "Computer science is no more about computers than astronomy is about telescopes.",
          "7186363571d65e084e7f02b0b77c3ec44fb1b257dee26274c38c928986fea45d",
          "0de0b38e06807e46bda1f1e293f4f6323e854c86d58abdd00c46c16441085df6"),
      new SigVector("00000000000000000000000000007246174ab1e92e9149c6e446fe194d072637",
          "...if you aren't, at any given time, scandalized by code you wrote five or even three"
              + " years ago, you're not learning anywhere near enough",
          "fbfe5076a15860ba8ed00e75e9bd22e05d230f02a936b653eb55b61c99dda487",
          "0e68880ebb0050fe4312b1b1eb0899e1b82da89baa5b895f612619edf34cbd37"),
      new SigVector("f8b8af8ce3c7cca5e300d33939540c10d45ce001b8f252bfbc57ba0342904181",
          "Alan Turing",
          "7063ae83e7f62bbb171798131b4a0564b956930092b33b07b395615d9ec7e15c",
          "58dfcc1e00a35e1572f366ffe34ba0fc47db1e7189759b9fb233c5b05ab388ea"),
      new SigVector("e91671c46231f833a6406ccbea0e3e392c76c167bac1cb013f6f1013980455c2",
          "There is a computer disease that anybody who works with computers knows about. It's a"
              + " very serious disease and it interferes completely with the work. The trouble"
              + " with computers is that you 'play' with them!",
          "b552edd27580141f3b2a5463048cb7cd3e047b97c9f98076c32dbdf85a68718b",
          "279fa72dd19bfae05577e06c7c0c1900c371fcd5893f7e1d56a37d30174671f6"));

  private static byte[] sha256(String message) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(message.getBytes(StandardCharsets.UTF_8));
  }

  private static Secp256k1Signer signer(String hexKey) {
    try (SecretBytes key = new SecretBytes(HEX.parseHex(hexKey))) {
      return Secp256k1Signer.create(key);
    }
  }

  @Test
  void rfc6979NonceVectors() throws Exception {
    List<String> failures = new ArrayList<>();
    for (KVector v : K_VECTORS) {
      Rfc6979 nonces = new Rfc6979(HEX.parseHex(v.key()), sha256(v.message()));
      String k = HEX.formatHex(Secp256k1.toBytes32(nonces.nextK()));
      if (!k.equals(v.k())) {
        failures.add(v.message() + ": k=" + k + ", expected " + v.k());
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void deterministicSignatureVectors() throws Exception {
    List<String> failures = new ArrayList<>();
    for (SigVector v : SIG_VECTORS) {
      try (Secp256k1Signer signer = signer(v.key())) {
        byte[] digest = sha256(v.message());
        EcdsaSignature sig = signer.sign(digest);
        if (!HEX.formatHex(sig.r()).equals(v.r()) || !HEX.formatHex(sig.s()).equals(v.s())) {
          failures.add(v.message() + ": got r=" + HEX.formatHex(sig.r()) + " s="
              + HEX.formatHex(sig.s()));
        }
        if (!Secp256k1Verifier.verify(signer.publicKey(), digest, sig.r(), sig.s())) {
          failures.add(v.message() + ": does not verify");
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  /**
   * Cross-check against bc-fips's own deterministic ECDSA ("DDSA", HMacDsaKCalculator with
   * SHA-256), which hashes the message itself: over h1 = SHA256(m) both must give the same (r, s)
   * up to low-S normalisation.
   */
  @Test
  void agreesWithBcFipsDeterministicEcdsa() throws Exception {
    SecureRandom random = new SecureRandom();
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      byte[] keyBytes = new byte[32];
      random.nextBytes(keyBytes);
      if (!Secp256k1Signer.isValidPrivateKey(keyBytes)) {
        continue;
      }
      byte[] message = new byte[i * 7];
      random.nextBytes(message);
      AsymmetricECPrivateKey fipsKey = new AsymmetricECPrivateKey(
          FipsEC.ALGORITHM, FipsEC.DomainParameterID.secp256k1, new BigInteger(1, keyBytes));
      FipsOutputSigner<FipsEC.DSAParameters> fips = new FipsEC.DSAOperatorFactory()
          .createSigner(fipsKey, FipsEC.DDSA.withDigestAlgorithm(FipsSHS.Algorithm.SHA256));
      fips.getSigningStream().update(message);
      BigInteger[] expected = StrictDer.parse(fips.getSignature());
      BigInteger s = expected[1].compareTo(Secp256k1.HALF_N) > 0
          ? Secp256k1.N.subtract(expected[1]) : expected[1];
      try (SecretBytes key = SecretBytes.takeOwnership(keyBytes);
          Secp256k1Signer ours = Secp256k1Signer.create(key)) {
        EcdsaSignature sig = ours.sign(MessageDigest.getInstance("SHA-256").digest(message));
        if (!new BigInteger(1, sig.r()).equals(expected[0])
            || !new BigInteger(1, sig.s()).equals(s)) {
          failures.add("case " + i + " differs from bc-fips DDSA");
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void knownPrivateKeyToAddress() {
    // web3.js docs (web3.eth.accounts.privateKeyToAccount) and ethers.js docs.
    try (Secp256k1Signer s =
        signer("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")) {
      assertEquals("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
          EthereumAddress.fromPublicKey(s.publicKey()));
    }
    // Private key 1 -> generator G -> 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf.
    try (Secp256k1Signer s = signer(
        "0000000000000000000000000000000000000000000000000000000000000001")) {
      assertEquals("0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
          + "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8",
          HEX.formatHex(s.publicKey()));
      assertEquals("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf",
          EthereumAddress.fromPublicKey(s.publicKey()));
    }
  }

  @Test
  void web3PersonalSignVector() {
    // web3.js docs, web3.eth.accounts.sign("Some data", "0x4c0883a6...362318"): signature
    // r || s || v with v = 0x1c (27 + recovery id 1).
    try (Secp256k1Signer s =
        signer("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")) {
      byte[] digest = Eip191.personalMessageHash("Some data".getBytes(StandardCharsets.UTF_8));
      EcdsaSignature sig = s.sign(digest);
      assertEquals("b91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd"
          + "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a029" + "1c",
          HEX.formatHex(sig.toEthereumRsv()));
    }
  }

  @Test
  void signaturesRecoverToSignerForRandomKeys() {
    SecureRandom random = new SecureRandom();
    List<String> failures = new ArrayList<>();
    int recoveryIds = 0;
    for (int i = 0; i < 100; i++) {
      try (SecretBytes key = SecretBytes.random(random, 32)) {
        if (!key.apply(Secp256k1Signer::isValidPrivateKey)) {
          continue;
        }
        try (Secp256k1Signer signer = Secp256k1Signer.create(key)) {
          byte[] digest = new byte[32];
          random.nextBytes(digest);
          EcdsaSignature sig = signer.sign(digest);
          recoveryIds |= 1 << sig.recoveryId();
          if (!Secp256k1Verifier.isLowS(new BigInteger(1, sig.s()))) {
            failures.add(i + ": high S");
          }
          byte[] recovered =
              Secp256k1Recovery.recoverPublicKey(digest, sig.r(), sig.s(), sig.recoveryId());
          if (!MessageDigest.isEqual(recovered, signer.publicKey())) {
            failures.add(i + ": recovered another key");
          }
          if (!EthereumAddress.fromPublicKey(recovered)
              .equals(EthereumAddress.fromPublicKey(signer.publicKey()))) {
            failures.add(i + ": recovered another address");
          }
          if (!Secp256k1Verifier.verify(signer.publicKey(), digest, sig.r(), sig.s())) {
            failures.add(i + ": does not verify");
          }
          byte[] other = digest.clone();
          other[0] ^= 1;
          if (Secp256k1Verifier.verify(signer.publicKey(), other, sig.r(), sig.s())) {
            failures.add(i + ": verifies another digest");
          }
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    assertEquals(3, recoveryIds, "both recovery ids should occur in 100 signatures");
  }

  @Test
  void rejectsOutOfRangeKeys() {
    for (String bad : List.of(
        "0000000000000000000000000000000000000000000000000000000000000000",
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")) {
      try (SecretBytes key = new SecretBytes(HEX.parseHex(bad))) {
        assertThrows(IllegalArgumentException.class, () -> Secp256k1Signer.create(key));
        assertFalse(Secp256k1Signer.isValidPrivateKey(HEX.parseHex(bad)));
      }
    }
    try (SecretBytes shortKey = new SecretBytes(new byte[31])) {
      assertThrows(IllegalArgumentException.class, () -> Secp256k1Signer.create(shortKey));
    }
    try (Secp256k1Signer s = signer(N_MINUS_1)) {
      assertThrows(IllegalArgumentException.class, () -> s.sign(new byte[31]));
    }
  }

  @Test
  void closeDisablesSigning() {
    Secp256k1Signer s = signer(N_MINUS_1);
    s.close();
    assertThrows(IllegalStateException.class, () -> s.sign(new byte[32]));
    assertEquals("Secp256k1Signer[<redacted>]", s.toString());
  }

  @Test
  void deterministic() throws Exception {
    try (Secp256k1Signer s = signer(N_MINUS_1)) {
      byte[] d = sha256("x");
      assertArrayEquals(s.sign(d).toEthereumRsv(), s.sign(d).toEthereumRsv());
    }
  }
}
