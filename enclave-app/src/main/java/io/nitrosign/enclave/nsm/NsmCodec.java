package io.nitrosign.enclave.nsm;

import com.upokecenter.cbor.CBORException;
import com.upokecenter.cbor.CBORObject;
import com.upokecenter.cbor.CBORType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The NSM API's CBOR messages (aws-nitro-enclaves-nsm-api, {@code src/api}: serde's externally
 * tagged enums). A request without arguments is the bare variant name as a text string
 * ({@code "GetRandom"}, {@code "DescribeNSM"}); one with arguments is a one-entry map from the
 * variant name to a map of its fields, in declaration order:
 *
 * <pre>
 * {"Attestation": {"user_data": bstr / null, "nonce": bstr / null, "public_key": bstr / null}}
 * {"DescribePCR": {"index": uint}}
 * </pre>
 *
 * Responses: {@code {"Attestation": {"document": bstr}}}, {@code {"GetRandom": {"random": bstr}}},
 * {@code {"DescribePCR": {"lock": bool, "data": bstr}}}, {@code {"DescribeNSM": {"version_major",
 * "version_minor", "version_patch", "module_id", "max_pcrs", "locked_pcrs": [uint], "digest":
 * "SHA256"/"SHA384"/"SHA512"}}}, or {@code {"Error": "InvalidArgument" / ...}}.
 *
 * <p>Both directions are here: the client side ({@code encode*Request}, {@code decode*}) for every
 * device, and the module side ({@link #decodeRequest}, {@code encode*Response}) for the simulated
 * NSM, so the simulator speaks exactly the bytes the hardware does.
 */
public final class NsmCodec {

  private NsmCodec() {}

  // --- requests -------------------------------------------------------------------------------

  /** A decoded request (module side). */
  public sealed interface Request permits Attestation, GetRandom, DescribePcr, DescribeNsm {}

  public record Attestation(byte[] userData, byte[] nonce, byte[] publicKey) implements Request {}

  public record GetRandom() implements Request {}

  public record DescribePcr(int index) implements Request {}

  public record DescribeNsm() implements Request {}

  public static byte[] encodeGetRandomRequest() {
    return CBORObject.FromObject("GetRandom").EncodeToBytes();
  }

  public static byte[] encodeDescribeNsmRequest() {
    return CBORObject.FromObject("DescribeNSM").EncodeToBytes();
  }

  public static byte[] encodeDescribePcrRequest(int index) {
    if (index < 0 || index > 0xFFFF) {
      throw new IllegalArgumentException("PCR index must be 0..65535");
    }
    CBORObject args = CBORObject.NewOrderedMap().Add("index", index);
    return variant("DescribePCR", args).EncodeToBytes();
  }

  public static byte[] encodeAttestationRequest(byte[] userData, byte[] nonce, byte[] publicKey) {
    CBORObject args = CBORObject.NewOrderedMap()
        .Add("user_data", bytesOrNull(userData))
        .Add("nonce", bytesOrNull(nonce))
        .Add("public_key", bytesOrNull(publicKey));
    return variant("Attestation", args).EncodeToBytes();
  }

  /** Module side: parses a request; anything unknown or ill-typed is {@code InvalidArgument}. */
  public static Request decodeRequest(byte[] request) throws NsmException {
    CBORObject o = parse(request, NsmException.Code.INVALID_ARGUMENT);
    try {
      if (o.getType() == CBORType.TextString) {
        switch (o.AsString()) {
          case "GetRandom":
            return new GetRandom();
          case "DescribeNSM":
            return new DescribeNsm();
          default:
            throw invalidArgument();
        }
      }
      Map.Entry<String, CBORObject> v = single(o, NsmException.Code.INVALID_ARGUMENT);
      CBORObject args = v.getValue();
      if (args.getType() != CBORType.Map) {
        throw invalidArgument();
      }
      switch (v.getKey()) {
        case "DescribePCR": {
          requireKeys(args, NsmException.Code.INVALID_ARGUMENT, "index");
          return new DescribePcr(uint(args.get("index"), 0xFFFF,
              NsmException.Code.INVALID_ARGUMENT));
        }
        case "Attestation": {
          requireKeys(args, NsmException.Code.INVALID_ARGUMENT, "user_data", "nonce",
              "public_key");
          return new Attestation(optionalBytes(args.get("user_data")),
              optionalBytes(args.get("nonce")), optionalBytes(args.get("public_key")));
        }
        default:
          throw invalidArgument();
      }
    } catch (IllegalStateException | ArithmeticException e) {
      throw invalidArgument();
    }
  }

  // --- responses ------------------------------------------------------------------------------

  public static byte[] encodeAttestationResponse(byte[] document) {
    return variant("Attestation", CBORObject.NewOrderedMap().Add("document", bytes(document)))
        .EncodeToBytes();
  }

  /**
   * {@code {"GetRandom": {"random": bstr}}}, written by hand into one exact-size array: the CBOR
   * library would keep copies of the random bytes (in its object and its output buffer) that we
   * could not wipe. The bytes are the same as the library's encoding.
   */
  public static byte[] encodeGetRandomResponse(byte[] random) {
    int n = random.length;
    byte[] head = n < 24 ? new byte[] {(byte) (0x40 | n)}
        : n < 0x100 ? new byte[] {0x58, (byte) n}
        : n < 0x10000 ? new byte[] {0x59, (byte) (n >>> 8), (byte) n}
        : new byte[] {0x5a, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    byte[] out = new byte[GET_RANDOM_RESPONSE_PREFIX.length + head.length + n];
    System.arraycopy(GET_RANDOM_RESPONSE_PREFIX, 0, out, 0, GET_RANDOM_RESPONSE_PREFIX.length);
    System.arraycopy(head, 0, out, GET_RANDOM_RESPONSE_PREFIX.length, head.length);
    System.arraycopy(random, 0, out, GET_RANDOM_RESPONSE_PREFIX.length + head.length, n);
    return out;
  }

  /** {@code a1 69 "GetRandom" a1 66 "random"}: everything before the random byte string. */
  private static final byte[] GET_RANDOM_RESPONSE_PREFIX = {(byte) 0xa1, 0x69,
      'G', 'e', 't', 'R', 'a', 'n', 'd', 'o', 'm', (byte) 0xa1, 0x66, 'r', 'a', 'n', 'd', 'o', 'm'};

  public static byte[] encodeDescribePcrResponse(NsmDevice.Pcr pcr) {
    return variant("DescribePCR", CBORObject.NewOrderedMap()
        .Add("lock", CBORObject.FromObject(pcr.locked()))
        .Add("data", bytes(pcr.data()))).EncodeToBytes();
  }

  public static byte[] encodeDescribeNsmResponse(NsmDevice.Description d) {
    CBORObject locked = CBORObject.NewArray();
    d.lockedPcrs().stream().sorted().forEach(locked::Add);
    return variant("DescribeNSM", CBORObject.NewOrderedMap()
        .Add("version_major", d.versionMajor())
        .Add("version_minor", d.versionMinor())
        .Add("version_patch", d.versionPatch())
        .Add("module_id", d.moduleId())
        .Add("max_pcrs", d.maxPcrs())
        .Add("locked_pcrs", locked)
        .Add("digest", d.digest())).EncodeToBytes();
  }

  /** {@code {"Error": "<ErrorCode>"}}; only the NSM API's own codes have a wire name. */
  public static byte[] encodeErrorResponse(NsmException.Code code) {
    String name = wireName(code);
    if (name == null) {
      throw new IllegalArgumentException("not an NSM API error code: " + code);
    }
    return CBORObject.NewOrderedMap().Add("Error", name).EncodeToBytes();
  }

  public static byte[] decodeAttestation(byte[] response) throws NsmException {
    CBORObject r = body(response, "Attestation", "document");
    return bstr(r.get("document"));
  }

  /**
   * The random bytes of a GetRandom response, in a new array the caller owns (and wipes). The
   * response as the NSM writes it is read by hand, so the only copy is the returned one; anything
   * else (an error, another encoding) goes through the CBOR library, whose byte string is returned
   * itself rather than copied, so the caller's wipe reaches it.
   */
  public static byte[] decodeGetRandom(byte[] response) throws NsmException {
    byte[] direct = directGetRandom(response);
    if (direct != null) {
      return direct;
    }
    CBORObject r = body(response, "GetRandom", "random");
    return bstr(r.get("random"));
  }

  /** The random bytes if {@code response} is exactly prefix, bstr header, bytes; else null. */
  private static byte[] directGetRandom(byte[] response) {
    int p = GET_RANDOM_RESPONSE_PREFIX.length;
    if (response == null || response.length <= p) {
      return null;
    }
    for (int i = 0; i < p; i++) {
      if (response[i] != GET_RANDOM_RESPONSE_PREFIX[i]) {
        return null;
      }
    }
    int initial = response[p] & 0xff;
    int headerBytes;
    long length;
    if (initial >= 0x40 && initial < 0x58) {
      headerBytes = 1;
      length = initial - 0x40;
    } else if (initial == 0x58 && response.length > p + 1) {
      headerBytes = 2;
      length = response[p + 1] & 0xff;
    } else if (initial == 0x59 && response.length > p + 2) {
      headerBytes = 3;
      length = ((response[p + 1] & 0xff) << 8) | (response[p + 2] & 0xff);
    } else {
      return null;
    }
    int start = p + headerBytes;
    if (response.length - start != length) {
      return null;
    }
    return java.util.Arrays.copyOfRange(response, start, response.length);
  }

  public static NsmDevice.Pcr decodeDescribePcr(byte[] response) throws NsmException {
    CBORObject r = body(response, "DescribePCR", "lock", "data");
    CBORObject lock = r.get("lock");
    if (lock.getType() != CBORType.Boolean) {
      throw malformed();
    }
    return new NsmDevice.Pcr(lock.AsBoolean(), bstr(r.get("data")));
  }

  public static NsmDevice.Description decodeDescribeNsm(byte[] response) throws NsmException {
    CBORObject r = body(response, "DescribeNSM", "version_major", "version_minor",
        "version_patch", "module_id", "max_pcrs", "locked_pcrs", "digest");
    CBORObject lockedArray = r.get("locked_pcrs");
    if (lockedArray.getType() != CBORType.Array) {
      throw malformed();
    }
    List<Integer> locked = new ArrayList<>();
    for (int i = 0; i < lockedArray.size(); i++) {
      locked.add(uint(lockedArray.get(i), 0xFFFF, NsmException.Code.MALFORMED_RESPONSE));
    }
    String digest = text(r.get("digest"));
    if (!digest.equals("SHA256") && !digest.equals("SHA384") && !digest.equals("SHA512")) {
      throw malformed();
    }
    return new NsmDevice.Description(
        uint(r.get("version_major"), 0xFFFF, NsmException.Code.MALFORMED_RESPONSE),
        uint(r.get("version_minor"), 0xFFFF, NsmException.Code.MALFORMED_RESPONSE),
        uint(r.get("version_patch"), 0xFFFF, NsmException.Code.MALFORMED_RESPONSE),
        text(r.get("module_id")),
        uint(r.get("max_pcrs"), 0xFFFF, NsmException.Code.MALFORMED_RESPONSE),
        Collections.unmodifiableList(locked), digest);
  }

  // --- error codes ----------------------------------------------------------------------------

  /** The NSM API's {@code ErrorCode} variant name, or null for our own transport codes. */
  static String wireName(NsmException.Code code) {
    switch (code) {
      case INVALID_ARGUMENT: return "InvalidArgument";
      case INVALID_INDEX: return "InvalidIndex";
      case INVALID_RESPONSE: return "InvalidResponse";
      case READ_ONLY_INDEX: return "ReadOnlyIndex";
      case INVALID_OPERATION: return "InvalidOperation";
      case BUFFER_TOO_SMALL: return "BufferTooSmall";
      case INPUT_TOO_LARGE: return "InputTooLarge";
      case INTERNAL_ERROR: return "InternalError";
      default: return null;
    }
  }

  private static NsmException.Code fromWireName(String name) {
    for (NsmException.Code c : NsmException.Code.values()) {
      if (name.equals(wireName(c))) {
        return c;
      }
    }
    // includes "Success", which the NSM never sends inside an Error
    return null;
  }

  static String fixedText(NsmException.Code code) {
    switch (code) {
      case INVALID_ARGUMENT: return "NSM: invalid argument";
      case INVALID_INDEX: return "NSM: invalid PCR index";
      case INVALID_RESPONSE: return "NSM: invalid response";
      case READ_ONLY_INDEX: return "NSM: PCR is read-only";
      case INVALID_OPERATION: return "NSM: invalid operation";
      case BUFFER_TOO_SMALL: return "NSM: buffer too small";
      case INPUT_TOO_LARGE: return "NSM: input too large";
      case INTERNAL_ERROR: return "NSM: internal error";
      case DEVICE_UNAVAILABLE: return "NSM: device unavailable";
      default: return "NSM: malformed response";
    }
  }

  static NsmException error(NsmException.Code code) {
    return new NsmException(code, fixedText(code));
  }

  // --- helpers --------------------------------------------------------------------------------

  private static CBORObject variant(String name, CBORObject args) {
    return CBORObject.NewOrderedMap().Add(name, args);
  }

  private static CBORObject bytes(byte[] b) {
    return CBORObject.FromObject(b.clone());
  }

  private static CBORObject bytesOrNull(byte[] b) {
    return b == null ? CBORObject.Null : bytes(b);
  }

  /**
   * Parses a response, turns {@code {"Error": name}} into its exception, and returns the field map
   * of {@code expected} after checking it has exactly {@code fields}.
   */
  private static CBORObject body(byte[] response, String expected, String... fields)
      throws NsmException {
    CBORObject o = parse(response, NsmException.Code.MALFORMED_RESPONSE);
    Map.Entry<String, CBORObject> v = single(o, NsmException.Code.MALFORMED_RESPONSE);
    if (v.getKey().equals("Error")) {
      if (v.getValue().getType() != CBORType.TextString) {
        throw malformed();
      }
      NsmException.Code code = fromWireName(v.getValue().AsString());
      throw error(code == null ? NsmException.Code.MALFORMED_RESPONSE : code);
    }
    if (!v.getKey().equals(expected) || v.getValue().getType() != CBORType.Map) {
      // a response to another request: the NSM API calls this InvalidResponse
      throw error(NsmException.Code.INVALID_RESPONSE);
    }
    requireKeys(v.getValue(), NsmException.Code.MALFORMED_RESPONSE, fields);
    return v.getValue();
  }

  private static CBORObject parse(byte[] data, NsmException.Code onError) throws NsmException {
    if (data == null || data.length == 0) {
      throw error(onError);
    }
    try {
      return CBORObject.DecodeFromBytes(data);
    } catch (CBORException | IllegalArgumentException e) {
      throw error(onError);
    }
  }

  private static Map.Entry<String, CBORObject> single(CBORObject o, NsmException.Code onError)
      throws NsmException {
    if (o.getType() != CBORType.Map || o.size() != 1) {
      throw error(onError);
    }
    CBORObject key = o.getKeys().iterator().next();
    if (key.getType() != CBORType.TextString) {
      throw error(onError);
    }
    return Map.entry(key.AsString(), o.get(key));
  }

  private static void requireKeys(CBORObject map, NsmException.Code onError, String... keys)
      throws NsmException {
    if (map.size() != keys.length) {
      throw error(onError);
    }
    for (String k : keys) {
      if (!map.ContainsKey(k)) {
        throw error(onError);
      }
    }
  }

  private static int uint(CBORObject o, int max, NsmException.Code onError) throws NsmException {
    if (o.getType() != CBORType.Integer || !o.CanValueFitInInt32()) {
      throw error(onError);
    }
    int v = o.AsInt32Value();
    if (v < 0 || v > max) {
      throw error(onError);
    }
    return v;
  }

  private static byte[] bstr(CBORObject o) throws NsmException {
    if (o.getType() != CBORType.ByteString || o.isTagged()) {
      throw malformed();
    }
    return o.GetByteString();
  }

  private static String text(CBORObject o) throws NsmException {
    if (o.getType() != CBORType.TextString) {
      throw malformed();
    }
    return o.AsString();
  }

  private static byte[] optionalBytes(CBORObject o) throws NsmException {
    if (o.isNull()) {
      return null;
    }
    if (o.getType() != CBORType.ByteString) {
      throw invalidArgument();
    }
    return o.GetByteString();
  }

  private static NsmException malformed() {
    return error(NsmException.Code.MALFORMED_RESPONSE);
  }

  private static NsmException invalidArgument() {
    return error(NsmException.Code.INVALID_ARGUMENT);
  }
}
