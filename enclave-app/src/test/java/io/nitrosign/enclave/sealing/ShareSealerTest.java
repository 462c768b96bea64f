package io.nitrosign.enclave.sealing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.SealedShare;
import io.nitrosign.proto.v1.ShareKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShareSealerTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] SHARE = new byte[32];

  static {
    RANDOM.nextBytes(SHARE);
  }

  @TempDir Path dir;

  private static WalletBinding binding(String id) {
    byte[] pub = new byte[65];
    pub[0] = 4;
    pub[64] = 7;
    return new WalletBinding(id, Curve.SECP256K1, pub, new byte[] {1, 2, 3});
  }

  private ShareSealer sealer() throws Exception {
    return new ShareSealer(LocalDevSealingKeyProvider.openOrCreate(dir, RANDOM), RANDOM);
  }

  private static ErrorCode code(ThrowingRunnable r) {
    EnclaveException e = assertThrows(EnclaveException.class, r::run);
    return e.code();
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void roundTrip() throws Exception {
    ShareSealer sealer = sealer();
    SealedShare sealed = sealer.seal(ShareKind.AUTH, binding("w1"), new SecretBytes(SHARE));
    assertEquals(ShareKind.AUTH, sealed.getKind());
    assertEquals(1, sealed.getKeyVersion());
    assertEquals(12, sealed.getNonce().size());
    assertEquals(32 + 16, sealed.getCiphertext().size());
    try (SecretBytes opened = sealer.open(ShareKind.AUTH, sealed, binding("w1"))) {
      assertArrayEquals(SHARE, opened.copy());
    }
  }

  @Test
  void noncesDiffer() throws Exception {
    ShareSealer sealer = sealer();
    SealedShare a = sealer.seal(ShareKind.AUTH, binding("w1"), new SecretBytes(SHARE));
    SealedShare b = sealer.seal(ShareKind.AUTH, binding("w1"), new SecretBytes(SHARE));
    assertNotEquals(a.getNonce(), b.getNonce());
  }

  @Test
  void everyFieldIsBound() throws Exception {
    ShareSealer sealer = sealer();
    SealedShare sealed = sealer.seal(ShareKind.EXEC, binding("w1"), new SecretBytes(SHARE));
    WalletBinding b = binding("w1");
    byte[] otherPub = b.publicKey();
    otherPub[64] ^= 1;
    assertEquals(ErrorCode.SEAL_INTEGRITY, code(() -> sealer.open(ShareKind.EXEC, sealed,
        new WalletBinding("w2", Curve.SECP256K1, b.publicKey(), b.owner()))));
    assertEquals(ErrorCode.SEAL_INTEGRITY, code(() -> sealer.open(ShareKind.EXEC, sealed,
        new WalletBinding("w1", Curve.SECP256K1, otherPub, b.owner()))));
    assertEquals(ErrorCode.SEAL_INTEGRITY, code(() -> sealer.open(ShareKind.EXEC, sealed,
        new WalletBinding("w1", Curve.SECP256K1, b.publicKey(), new byte[0]))));
    assertEquals(ErrorCode.SEAL_INTEGRITY, code(() -> sealer.open(ShareKind.EXEC, sealed,
        new WalletBinding("w1", Curve.CURVE_UNSPECIFIED, b.publicKey(), b.owner()))));
    // claims EXEC, opened as AUTH
    assertEquals(ErrorCode.SEAL_INTEGRITY, code(() -> sealer.open(ShareKind.AUTH, sealed, b)));
    // relabelled as AUTH: opened with the AUTH key and AUTH associated data, fails
    SealedShare relabelled = sealed.toBuilder().setKind(ShareKind.AUTH).build();
    assertEquals(ErrorCode.SEAL_INTEGRITY, code(() -> sealer.open(ShareKind.AUTH, relabelled, b)));
    // truncated
    SealedShare truncated = sealed.toBuilder()
        .setCiphertext(sealed.getCiphertext().substring(0, 40)).build();
    assertEquals(ErrorCode.SEAL_INTEGRITY, code(() -> sealer.open(ShareKind.EXEC, truncated, b)));
    SealedShare shortNonce = sealed.toBuilder()
        .setNonce(sealed.getNonce().substring(0, 11)).build();
    assertEquals(ErrorCode.SEAL_INTEGRITY, code(() -> sealer.open(ShareKind.EXEC, shortNonce, b)));
  }

  @Test
  void unknownKeyVersion() throws Exception {
    ShareSealer sealer = sealer();
    SealedShare sealed = sealer.seal(ShareKind.AUTH, binding("w1"), new SecretBytes(SHARE));
    SealedShare v2 = sealed.toBuilder().setKeyVersion(2).build();
    assertEquals(ErrorCode.UNKNOWN_KEY_VERSION,
        code(() -> sealer.open(ShareKind.AUTH, v2, binding("w1"))));
  }

  @Test
  void aadIsLengthPrefixed() {
    // "ab" + "c" must not collide with "a" + "bc" in adjacent fields
    byte[] a = SealedShareAad.encode(ShareKind.AUTH,
        new WalletBinding("w", Curve.SECP256K1, new byte[] {1, 2}, new byte[] {3}), 1);
    byte[] b = SealedShareAad.encode(ShareKind.AUTH,
        new WalletBinding("w", Curve.SECP256K1, new byte[] {1}, new byte[] {2, 3}), 1);
    assertNotEquals(ByteString.copyFrom(a), ByteString.copyFrom(b));
  }

  @Test
  void localProviderPersistsKeysWithOwnerOnlyPermissions() throws Exception {
    SealedShare sealed;
    try (LocalDevSealingKeyProvider first = LocalDevSealingKeyProvider.openOrCreate(dir, RANDOM)) {
      sealed = new ShareSealer(first, RANDOM).seal(ShareKind.EXEC, binding("w1"),
          new SecretBytes(SHARE));
    }
    Path file = dir.resolve(LocalDevSealingKeyProvider.FILE_NAME);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    try (LocalDevSealingKeyProvider second = LocalDevSealingKeyProvider.openOrCreate(dir, RANDOM);
        SecretBytes opened = new ShareSealer(second, RANDOM).open(ShareKind.EXEC, sealed,
            binding("w1"))) {
      assertArrayEquals(SHARE, opened.copy());
      assertEquals("local-dev-file", second.source());
    }
  }

  @Test
  void closedProviderWipesKeys() throws Exception {
    LocalDevSealingKeyProvider p = LocalDevSealingKeyProvider.openOrCreate(dir, RANDOM);
    SecretBytes auth = p.key(ShareKind.AUTH, 1);
    p.close();
    assertTrue(auth.isClosed());
  }
}
