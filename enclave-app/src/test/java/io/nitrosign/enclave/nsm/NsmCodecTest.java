package io.nitrosign.enclave.nsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Byte-for-byte CBOR of every NSM request and response. Expected bytes are derived by hand from
 * RFC 8949 (major type 3 text "6x", 2 bytes "4x", map "ax", array "8x", null f6, true f5) and the
 * NSM API's serde encoding (aws-nitro-enclaves-nsm-api src/api: externally tagged enums).
 */
class NsmCodecTest {

  private static final HexFormat HEX = HexFormat.of();

  private static byte[] hex(String h) {
    return HEX.parseHex(h.replace(" ", ""));
  }

  /** CBOR text string (shorter than 24 bytes) in hex: header 0x60+len, then ASCII. */
  private static String text(String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    return String.format("%02x", 0x60 + b.length) + HEX.formatHex(b);
  }

  // "GetRandom" = 47 65 74 52 61 6e 64 6f 6d (9 bytes: 69)
  static final String GET_RANDOM = "69 47657452616e646f6d";
  // "DescribeNSM" = 11 bytes: 6b
  static final String DESCRIBE_NSM = "6b 44657363726962654e534d";
  // "DescribePCR" = 11 bytes: 6b
  static final String DESCRIBE_PCR = "6b 44657363726962655043 52";
  // "Attestation" = 11 bytes: 6b
  static final String ATTESTATION = "6b 4174746573746174696f6e";

  @Test
  void requestsByteForByte() {
    assertArrayEquals(hex(GET_RANDOM), NsmCodec.encodeGetRandomRequest());
    assertArrayEquals(hex(DESCRIBE_NSM), NsmCodec.encodeDescribeNsmRequest());
    // {"DescribePCR": {"index": 3}}
    assertArrayEquals(hex("a1" + DESCRIBE_PCR + "a1 65 696e646578 03"),
        NsmCodec.encodeDescribePcrRequest(3));
    // index 300 = 0x012c: uint16 follows 0x19
    assertArrayEquals(hex("a1" + DESCRIBE_PCR + "a1 65 696e646578 19 012c"),
        NsmCodec.encodeDescribePcrRequest(300));
    assertThrows(IllegalArgumentException.class, () -> NsmCodec.encodeDescribePcrRequest(65536));
    // {"Attestation": {"user_data": null, "nonce": null, "public_key": null}}
    String userData = "69 757365725f64617461";
    String nonce = "65 6e6f6e6365";
    String publicKey = "6a 7075626c69635f6b6579";
    assertArrayEquals(hex("a1" + ATTESTATION + "a3" + userData + "f6" + nonce + "f6" + publicKey
        + "f6"), NsmCodec.encodeAttestationRequest(null, null, null));
    assertArrayEquals(hex("a1" + ATTESTATION + "a3" + userData + "42 0102" + nonce + "41 03"
        + publicKey + "f6"),
        NsmCodec.encodeAttestationRequest(new byte[] {1, 2}, new byte[] {3}, null));
    // a 300-byte public key: bstr header 59 012c
    byte[] pk = new byte[300];
    assertArrayEquals(hex("a1" + ATTESTATION + "a3" + userData + "f6" + nonce + "f6" + publicKey
        + "59 012c" + HEX.formatHex(pk)), NsmCodec.encodeAttestationRequest(null, null, pk));
  }

  @Test
  void moduleSideDecodesEveryRequest() throws Exception {
    assertInstanceOf(NsmCodec.GetRandom.class, NsmCodec.decodeRequest(hex(GET_RANDOM)));
    assertInstanceOf(NsmCodec.DescribeNsm.class, NsmCodec.decodeRequest(hex(DESCRIBE_NSM)));
    assertEquals(new NsmCodec.DescribePcr(300),
        NsmCodec.decodeRequest(NsmCodec.encodeDescribePcrRequest(300)));
    NsmCodec.Attestation a = (NsmCodec.Attestation) NsmCodec.decodeRequest(
        NsmCodec.encodeAttestationRequest(new byte[] {1, 2}, null, new byte[] {9}));
    assertArrayEquals(new byte[] {1, 2}, a.userData());
    assertNull(a.nonce());
    assertArrayEquals(new byte[] {9}, a.publicKey());
    for (String bad : new String[] {"", "ff", text("ExtendPCR"), "a1" + DESCRIBE_PCR + "a0",
        "a1" + DESCRIBE_PCR + "a1 65 696e646578 20", "a1" + ATTESTATION + "a0", "01"}) {
      NsmException e = assertThrows(NsmException.class, () -> NsmCodec.decodeRequest(hex(bad)));
      assertEquals(NsmException.Code.INVALID_ARGUMENT, e.code(), bad);
    }
  }

  @Test
  void attestationResponse() throws Exception {
    // {"Attestation": {"document": h'010203'}}
    byte[] r = hex("a1" + ATTESTATION + "a1 68 646f63756d656e74 43 010203");
    assertArrayEquals(new byte[] {1, 2, 3}, NsmCodec.decodeAttestation(r));
    assertArrayEquals(r, NsmCodec.encodeAttestationResponse(new byte[] {1, 2, 3}));
  }

  @Test
  void getRandomResponse() throws Exception {
    // {"GetRandom": {"random": h'0a0b'}}
    byte[] r = hex("a1" + GET_RANDOM + "a1 66 72616e646f6d 42 0a0b");
    assertArrayEquals(new byte[] {10, 11}, NsmCodec.decodeGetRandom(r));
    assertArrayEquals(r, NsmCodec.encodeGetRandomResponse(new byte[] {10, 11}));
  }

  @Test
  void describePcrResponse() throws Exception {
    // {"DescribePCR": {"lock": true, "data": h'00ff'}}
    byte[] r = hex("a1" + DESCRIBE_PCR + "a2 64 6c6f636b f5 64 64617461 42 00ff");
    NsmDevice.Pcr p = NsmCodec.decodeDescribePcr(r);
    assertTrue(p.locked());
    assertArrayEquals(new byte[] {0, (byte) 0xff}, p.data());
    assertArrayEquals(r, NsmCodec.encodeDescribePcrResponse(p));
    NsmDevice.Pcr unlocked = NsmCodec.decodeDescribePcr(
        hex("a1" + DESCRIBE_PCR + "a2 64 6c6f636b f4 64 64617461 40"));
    assertFalse(unlocked.locked());
    assertEquals(0, unlocked.data().length);
  }

  @Test
  void describeNsmResponse() throws Exception {
    byte[] r = hex("a1" + DESCRIBE_NSM + "a7"
        + "6d 76657273696f6e5f6d616a6f72 01"
        + "6d 76657273696f6e5f6d696e6f72 00"
        + "6d 76657273696f6e5f7061746368 00"
        + "69 6d6f64756c655f6964 61 6d"
        + "68 6d61785f70637273 18 20"
        + "6b 6c6f636b65645f70637273 82 00 01"
        + "66 646967657374 66 534841333834");
    NsmDevice.Description d = NsmCodec.decodeDescribeNsm(r);
    assertEquals(new NsmDevice.Description(1, 0, 0, "m", 32, List.of(0, 1), "SHA384"), d);
    assertArrayEquals(r, NsmCodec.encodeDescribeNsmResponse(d));
  }

  @Test
  void everyErrorCode() {
    Map<String, NsmException.Code> codes = Map.of(
        "InvalidArgument", NsmException.Code.INVALID_ARGUMENT,
        "InvalidIndex", NsmException.Code.INVALID_INDEX,
        "InvalidResponse", NsmException.Code.INVALID_RESPONSE,
        "ReadOnlyIndex", NsmException.Code.READ_ONLY_INDEX,
        "InvalidOperation", NsmException.Code.INVALID_OPERATION,
        "BufferTooSmall", NsmException.Code.BUFFER_TOO_SMALL,
        "InputTooLarge", NsmException.Code.INPUT_TOO_LARGE,
        "InternalError", NsmException.Code.INTERNAL_ERROR);
    codes.forEach((name, code) -> {
      // {"Error": "<name>"}
      byte[] r = hex("a1 65 4572726f72" + text(name));
      assertArrayEquals(r, NsmCodec.encodeErrorResponse(code));
      for (ThrowingDecode decode : decoders()) {
        NsmException e = assertThrows(NsmException.class, () -> decode.apply(r));
        assertEquals(code, e.code(), name);
        assertEquals(0, e.getStackTrace().length);
      }
    });
    // "Success" inside Error, or an unknown name, is a malformed response
    for (String name : new String[] {"Success", "Bogus"}) {
      NsmException e = assertThrows(NsmException.class,
          () -> NsmCodec.decodeGetRandom(hex("a1 65 4572726f72" + text(name))));
      assertEquals(NsmException.Code.MALFORMED_RESPONSE, e.code());
    }
    assertThrows(IllegalArgumentException.class,
        () -> NsmCodec.encodeErrorResponse(NsmException.Code.DEVICE_UNAVAILABLE));
  }

  @Test
  void malformedAndMismatchedResponses() {
    // a GetRandom answer to an Attestation request
    NsmException e = assertThrows(NsmException.class, () -> NsmCodec.decodeAttestation(
        NsmCodec.encodeGetRandomResponse(new byte[] {1})));
    assertEquals(NsmException.Code.INVALID_RESPONSE, e.code());
    for (String bad : new String[] {"", "ff", "01", "a0", "a2 01 02 03 04",
        "a1" + GET_RANDOM + "a1 66 72616e646f6d 62 6162", // random as text
        "a1" + GET_RANDOM + "a0", // missing field
        "a1" + GET_RANDOM + "a2 66 72616e646f6d 40 61 78 00"}) { // extra field
      NsmException m = assertThrows(NsmException.class, () -> NsmCodec.decodeGetRandom(hex(bad)));
      assertEquals(NsmException.Code.MALFORMED_RESPONSE, m.code(), bad);
    }
  }

  interface ThrowingDecode {
    Object apply(byte[] r) throws NsmException;
  }

  private static List<ThrowingDecode> decoders() {
    return List.of(NsmCodec::decodeAttestation, NsmCodec::decodeGetRandom,
        NsmCodec::decodeDescribePcr, NsmCodec::decodeDescribeNsm);
  }

  @Test
  void theHandWrittenGetRandomResponseIsByteForByteTheCborLibrarysEncodingAndDecodesBack()
      throws Exception {
    for (int n : new int[] {0, 1, 23, 24, 255, 256, 1000, 65535, 70000}) {
      byte[] random = new byte[n];
      new java.util.Random(n).nextBytes(random);
      byte[] library = com.upokecenter.cbor.CBORObject.NewOrderedMap().Add("GetRandom",
          com.upokecenter.cbor.CBORObject.NewOrderedMap().Add("random",
              com.upokecenter.cbor.CBORObject.FromObject(random.clone()))).EncodeToBytes();
      byte[] ours = NsmCodec.encodeGetRandomResponse(random);
      assertArrayEquals(library, ours, "length " + n);
      byte[] decoded = NsmCodec.decodeGetRandom(ours);
      assertArrayEquals(random, decoded, "length " + n);
      java.util.Arrays.fill(ours, (byte) 0);
      assertArrayEquals(random, decoded, "the decoded bytes are a copy the caller owns");
    }
    // a response with trailing bytes is not read directly, and the library refuses it
    byte[] trailing = java.util.Arrays.copyOf(NsmCodec.encodeGetRandomResponse(new byte[4]), 26);
    assertThrows(NsmException.class, () -> NsmCodec.decodeGetRandom(trailing));
  }
}
