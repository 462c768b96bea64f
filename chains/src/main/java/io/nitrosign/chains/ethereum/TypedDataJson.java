package io.nitrosign.chains.ethereum;

import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.json.StrictJson;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code eth_signTypedData_v4} typed data as JSON bytes: parsed with {@link StrictJson} and hashed
 * with {@link Eip712}. The parent and the enclave both call this on the same bytes, so they compute
 * the same digest. Privy's spelling {@code primary_type} is accepted for {@code primaryType} (not
 * both).
 */
public final class TypedDataJson {

  /** The largest typed-data document, in bytes (the enclave wire contract's bound). */
  public static final int MAX_BYTES = 256 * 1024;
  /**
   * JSON bounds: {@link #MAX_BYTES}; depth 64 (Eip712 itself allows 16 levels of struct and array
   * nesting below the message); 100,000 values; numbers of at most 100 characters (a uint256 has
   * 78 decimal digits).
   */
  public static final StrictJson.Limits LIMITS =
      new StrictJson.Limits(MAX_BYTES, 64, 100_000, MAX_BYTES, 100);

  private TypedDataJson() {}

  /**
   * Parses typed data ({@code {types, primaryType, domain, message}}) from UTF-8 JSON.
   *
   * @throws ChainFormatException naming {@code typedData} when the bytes are not one strict,
   *     bounded JSON object
   */
  public static Map<String, Object> parse(byte[] json) {
    Map<String, Object> parsed = StrictJson.parseObject(json, "typedData", LIMITS);
    if (!parsed.containsKey("primary_type")) {
      return parsed;
    }
    if (parsed.containsKey("primaryType")) {
      throw new ChainFormatException("typedData.primary_type", "given twice (also as primaryType)");
    }
    Map<String, Object> renamed = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : parsed.entrySet()) {
      renamed.put(e.getKey().equals("primary_type") ? "primaryType" : e.getKey(), e.getValue());
    }
    return renamed;
  }

  /** The EIP-712 digest of typed data given as UTF-8 JSON: {@code Eip712.hash(parse(json))}. */
  public static Eip712.Digest hash(byte[] json) {
    return Eip712.hash(parse(json));
  }
}
