package io.nitrosign.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.proto.v1.SignRequest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link RpcPayloads#deriveRawSign}, the reading of a raw_sign body both parent and enclave use:
 * what each chain type signs, against published hash vectors (FIPS 180-2 SHA-256 "abc"; the
 * Keccak-256 of the empty string, Ethereum's well-known empty hash), and the bodies it refuses.
 */
class RawSignPayloadsTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final String SHA256_ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  private static final String KECCAK_EMPTY =
      "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";

  private static Map<String, Object> body(Map<String, Object> params) {
    return Map.of("params", params);
  }

  private static SignRequest derive(Map<String, Object> params, String chainType) {
    return RpcPayloads.deriveRawSign(body(params), chainType);
  }

  @Test
  void aSecp256k1WalletSignsTheHashOrTheHashOfTheBytesAsADigest() {
    String hash = "0x" + "11".repeat(32);
    assertEquals(hash.substring(2), HEX.formatHex(derive(Map.of("hash", hash), "ethereum")
        .getDigest().toByteArray()));
    assertEquals(SHA256_ABC, HEX.formatHex(derive(Map.of("bytes", "abc", "encoding", "utf-8",
        "hash_function", "sha256"), "bitcoin").getDigest().toByteArray()));
    assertEquals(SHA256_ABC, HEX.formatHex(derive(Map.of("bytes", "616263", "encoding", "hex",
        "hash_function", "sha256"), "bitcoin-testnet").getDigest().toByteArray()));
    assertEquals(KECCAK_EMPTY, HEX.formatHex(derive(Map.of("bytes", "", "encoding", "base64",
        "hash_function", "keccak256"), "ethereum").getDigest().toByteArray()));
  }

  @Test
  void anEd25519WalletSignsTheHashBytesAsGivenOrTheHashOfTheBytesAsTheMessage() {
    byte[] aptosLike = "APTOS::RawTransaction and 100 more bytes".getBytes(StandardCharsets.UTF_8);
    SignRequest r = derive(Map.of("hash", HEX.formatHex(aptosLike)), "solana");
    assertEquals(SignRequest.PayloadCase.RAW_MESSAGE, r.getPayloadCase());
    assertEquals(HEX.formatHex(aptosLike), HEX.formatHex(r.getRawMessage().toByteArray()));
    assertEquals(SHA256_ABC, HEX.formatHex(derive(Map.of("bytes", "YWJj", "encoding", "base64",
        "hash_function", "sha256"), "stellar").getRawMessage().toByteArray()));
  }

  @Test
  void badBodiesAreRefusedNamingTheField() {
    assertEquals("params.hash", assertThrows(ChainFormatException.class,
        () -> derive(Map.of("hash", "0x1234"), "ethereum")).field());
    assertEquals("params.hash", assertThrows(ChainFormatException.class,
        () -> derive(Map.of("hash", "0x"), "solana")).field());
    assertEquals("params.hash", assertThrows(ChainFormatException.class,
        () -> derive(Map.of("hash", "0x" + "11".repeat(32), "bytes", "aa", "encoding", "hex",
            "hash_function", "sha256"), "ethereum")).field());
    assertEquals("params.hash_function", assertThrows(ChainFormatException.class,
        () -> derive(Map.of("bytes", "aa", "encoding", "hex", "hash_function", "blake2b256"),
            "solana")).field());
    assertEquals("params.encoding", assertThrows(ChainFormatException.class,
        () -> derive(Map.of("bytes", "aa", "encoding", "utf-16", "hash_function", "sha256"),
            "ethereum")).field());
    assertEquals("params.extra", assertThrows(ChainFormatException.class,
        () -> derive(Map.of("hash", "0x" + "11".repeat(32), "extra", "x"), "ethereum")).field());
    assertEquals("method", assertThrows(ChainFormatException.class,
        () -> RpcPayloads.deriveRawSign(Map.of("method", "secp256k1_sign",
            "params", Map.of("hash", "0x" + "11".repeat(32))), "ethereum")).field());
    assertEquals("params", assertThrows(ChainFormatException.class,
        () -> RpcPayloads.deriveRawSign(Map.of(), "ethereum")).field());
  }

  @Test
  void theEndpointIsTheOneTheSignedUrlNames() {
    assertEquals(RpcPayloads.Endpoint.RAW_SIGN,
        RpcPayloads.Endpoint.ofSignedUrl("https://signer.test/v1/wallets/w1/raw_sign", "w1"));
    assertEquals(RpcPayloads.Endpoint.RPC,
        RpcPayloads.Endpoint.ofSignedUrl("https://signer.test/v1/wallets/w1/rpc", "w1"));
    // another wallet's raw_sign URL is not this wallet's raw_sign (the URL check refuses it)
    assertEquals(RpcPayloads.Endpoint.RPC,
        RpcPayloads.Endpoint.ofSignedUrl("https://signer.test/v1/wallets/w2/raw_sign", "w1"));
  }
}
