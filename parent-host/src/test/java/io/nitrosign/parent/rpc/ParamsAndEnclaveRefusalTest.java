package io.nitrosign.parent.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.enclave.EnclaveCallException;
import io.nitrosign.parent.enclave.EnclaveFailures;
import io.nitrosign.proto.v1.ErrorCode;
import org.junit.jupiter.api.Test;

/** Strict base64 params, and how an enclave-side payload refusal reaches the client. */
class ParamsAndEnclaveRefusalTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode params(String value) {
    return JSON.createObjectNode().put("bytes", value);
  }

  @Test
  void base64MustBeCanonical() {
    assertArrayEquals(new byte[] {(byte) 0xff}, Params.base64(params("/w=="), "bytes", 10));
    for (String bad : new String[] {"/w", "/x==", "/w==\n", "_w==", "/w=", " /w=="}) {
      ApiException e = assertThrows(ApiException.class,
          () -> Params.base64(params(bad), "bytes", 10), bad);
      assertEquals(400, e.status());
      assertEquals("invalid_request", e.code());
      assertTrue(e.getMessage().startsWith("params.bytes"), e.getMessage());
    }
    assertThrows(ApiException.class, () -> Params.base64(params("AAAAAAAA"), "bytes", 5));
  }

  @Test
  void hexIsBoundedByItsBytesWithOrWithoutThePrefix() {
    for (String prefix : new String[] {"", "0x", "0X"}) {
      assertEquals(4, Params.hex(params(prefix + "00ff00ff"), "bytes", 4).length);
      ApiException e = assertThrows(ApiException.class,
          () -> Params.hex(params(prefix + "00ff00ff00"), "bytes", 4), prefix);
      assertEquals("params.bytes exceeds 4 bytes", e.getMessage());
    }
    assertEquals(0, Params.hex(params("0x"), "bytes", 0).length);
    assertThrows(ApiException.class, () -> Params.hex(params("0xabc"), "bytes", 4));
  }

  @Test
  void anEnclaveRefusalIsA400NamingTheFieldAndOtherEnclaveErrorsAre502() {
    ApiException refused = EnclaveFailures.toApi(new EnclaveCallException(
        EnclaveCallException.Kind.ERROR, ErrorCode.MALFORMED_PAYLOAD,
        "malformed tx.chainId: expected 1"));
    assertEquals(400, refused.status());
    assertEquals("malformed_payload", refused.code());
    assertTrue(refused.getMessage().contains("tx.chainId"), refused.getMessage());

    ApiException other = EnclaveFailures.toApi(new EnclaveCallException(
        EnclaveCallException.Kind.ERROR, ErrorCode.INVALID_REQUEST, "enclave error"));
    assertEquals(502, other.status());
  }
}
