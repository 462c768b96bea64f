package io.nitrosign.enclave.service;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.crypto.Ed25519Signer;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.enclave.secret.Wipe;
import io.nitrosign.enclave.signing.UnsealedKey;
import io.nitrosign.proto.v1.Curve;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The private key inside Privy's import and export envelopes ({@code KEY_ENVELOPE_PRIVY}), as
 * {@code @privy-io/node} 0.35.0 handles it.
 *
 * <ul>
 *   <li><b>Import</b> ({@code wallets().import}): the SDK decodes the key text itself
 *       ({@code lib/wallet-entropy.ts}: hex for Ethereum and the other secp256k1 chains, base58
 *       for Solana, the strkey's 32-byte payload for Stellar) and seals the bytes. So the
 *       plaintext is 32 bytes, or for Ed25519 64 bytes (a Solana keypair file's seed followed by
 *       its public key, which must be the seed's).
 *   <li><b>Export</b> ({@code wallets().exportPrivateKey}): the SDK decodes the plaintext as UTF-8
 *       text and hands it over as {@code private_key}. Privy's documented formats: Ethereum
 *       {@code 0x} + hex, Solana base58 (of the 64-byte seed and public key, the form Solana
 *       wallets import), Bitcoin WIF. Stellar is not in Privy's list; we give the {@code S...}
 *       secret strkey, which is what the SDK's own import takes.
 * </ul>
 *
 * <p>The text is built in arrays this class owns and wipes (the callers wipe what they get), not
 * in {@code String}s, which cannot be cleared; the chains module's encoders return strings, so the
 * few lines of base58, base32 and hex are repeated here. Not wiped: the SHA-256 state of WIF's
 * checksum (the JDK's digest object, garbage once the checksum is computed).
 */
final class PrivyKeyFormat {

  static final int KEY_BYTES = 32;
  private static final byte[] BASE58 =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
          .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BASE32 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private PrivyKeyFormat() {}

  /**
   * The 32-byte private key in an import's plaintext; takes ownership of {@code plaintext} (wiped
   * here on every path). The caller owns the result.
   *
   * @throws EnclaveException INVALID_REQUEST when the plaintext is not a key of {@code curve}
   */
  static SecretBytes importedKey(Curve curve, byte[] plaintext) throws EnclaveException {
    try {
      if (plaintext.length == KEY_BYTES) {
        return SecretBytes.takeOwnership(plaintext.clone());
      }
      if (curve == Curve.ED25519 && plaintext.length == 2 * KEY_BYTES) {
        SecretBytes seed = SecretBytes.takeOwnership(Arrays.copyOf(plaintext, KEY_BYTES));
        try (Ed25519Signer signer = Ed25519Signer.create(seed)) {
          if (!MessageDigest.isEqual(signer.publicKey(),
              Arrays.copyOfRange(plaintext, KEY_BYTES, 2 * KEY_BYTES))) {
            seed.close();
            throw RequestValidation.invalid(
                "imported key's public half does not belong to its seed");
          }
        }
        return seed;
      }
      throw RequestValidation.invalid(curve == Curve.ED25519
          ? "imported key is not a 32-byte Ed25519 seed or a 64-byte seed and public key"
          : "imported key is not a 32-byte secp256k1 private key");
    } finally {
      Wipe.wipe(plaintext);
    }
  }

  /**
   * The export plaintext of {@code key} for a wallet of {@code chainType} (null: a wallet sealed
   * before chain types were bound, exported by curve as Ethereum or Solana). UTF-8 text; the
   * caller owns and wipes it.
   */
  static byte[] exportText(String chainType, UnsealedKey key) {
    byte[] secret = key.privateKey().copy();
    try {
      String chain = chainType != null ? chainType
          : key.curve() == Curve.ED25519 ? "solana" : "ethereum";
      return switch (chain) {
        case "solana" -> {
          byte[] keypair = Arrays.copyOf(secret, 2 * KEY_BYTES);
          System.arraycopy(key.publicKey(), 0, keypair, KEY_BYTES, KEY_BYTES);
          try {
            yield base58(keypair);
          } finally {
            Wipe.wipe(keypair);
          }
        }
        case "stellar" -> stellarSeed(secret);
        case "bitcoin" -> wif(0x80, secret);
        case "bitcoin-testnet" -> wif(0xef, secret);
        default -> hex0x(secret);
      };
    } finally {
      Wipe.wipe(secret);
    }
  }

  /** {@code 0x} and lower-case hex. */
  static byte[] hex0x(byte[] bytes) {
    byte[] out = new byte[2 + 2 * bytes.length];
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < bytes.length; i++) {
      out[2 + 2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      out[3 + 2 * i] = HEX[bytes[i] & 0xf];
    }
    return out;
  }

  /** Base58 (Bitcoin alphabet, no checksum); every scratch array is wiped. */
  static byte[] base58(byte[] input) {
    int zeros = 0;
    while (zeros < input.length && input[zeros] == 0) {
      zeros++;
    }
    byte[] number = Arrays.copyOfRange(input, zeros, input.length);
    byte[] digits = new byte[input.length * 2];
    int pos = digits.length;
    try {
      int start = 0;
      while (start < number.length) {
        int remainder = 0;
        for (int i = start; i < number.length; i++) {
          int acc = (remainder << 8) | (number[i] & 0xff);
          number[i] = (byte) (acc / 58);
          remainder = acc % 58;
        }
        digits[--pos] = BASE58[remainder];
        while (start < number.length && number[start] == 0) {
          start++;
        }
      }
      for (int i = 0; i < zeros; i++) {
        digits[--pos] = '1';
      }
      return Arrays.copyOfRange(digits, pos, digits.length);
    } finally {
      Wipe.wipe(number, digits);
    }
  }

  /** Wallet import format, compressed: base58check(version || key || 0x01). */
  static byte[] wif(int version, byte[] key) {
    byte[] payload = new byte[1 + KEY_BYTES + 1 + 4];
    payload[0] = (byte) version;
    System.arraycopy(key, 0, payload, 1, KEY_BYTES);
    payload[1 + KEY_BYTES] = 0x01;
    byte[] first = null;
    byte[] second = null;
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(payload, 0, KEY_BYTES + 2);
      first = sha256.digest();
      second = sha256.digest(first);
      System.arraycopy(second, 0, payload, KEY_BYTES + 2, 4);
      return base58(payload);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the runtime");
    } finally {
      Wipe.wipe(payload);
      if (first != null) {
        Wipe.wipe(first);
      }
      if (second != null) {
        Wipe.wipe(second);
      }
    }
  }

  /**
   * Stellar's secret seed strkey (SEP-23): base32(0x90 || seed || crc16xmodem_le), {@code S...}.
   */
  static byte[] stellarSeed(byte[] seed) {
    byte[] data = new byte[1 + KEY_BYTES + 2];
    data[0] = (byte) (18 << 3);
    System.arraycopy(seed, 0, data, 1, KEY_BYTES);
    int crc = 0;
    for (int i = 0; i < 1 + KEY_BYTES; i++) {
      crc ^= (data[i] & 0xff) << 8;
      for (int b = 0; b < 8; b++) {
        crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
      }
    }
    data[1 + KEY_BYTES] = (byte) crc;
    data[2 + KEY_BYTES] = (byte) (crc >>> 8);
    byte[] out = new byte[(data.length * 8 + 4) / 5];
    try {
      int buffer = 0;
      int bits = 0;
      int o = 0;
      for (byte d : data) {
        buffer = (buffer << 8) | (d & 0xff);
        bits += 8;
        while (bits >= 5) {
          bits -= 5;
          out[o++] = BASE32[(buffer >>> bits) & 0x1f];
        }
        buffer &= (1 << bits) - 1;
      }
      if (bits > 0) {
        out[o++] = BASE32[(buffer << (5 - bits)) & 0x1f];
      }
      return out;
    } finally {
      Wipe.wipe(data);
    }
  }
}
