package io.nitrosign.parent.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nitrosign.chains.ethereum.EthTransaction;
import io.nitrosign.parent.api.ApiException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Shared readers of the Ethereum methods' {@code params}. */
final class EthParams {

  private static final Pattern CAIP2_EIP155 = Pattern.compile("eip155:[1-9][0-9]{0,18}");

  private EthParams() {}

  /**
   * The JSON tree as the plain values the {@code chains} JSON readers take: objects as
   * {@code Map}, arrays as {@code List}, integers as {@code BigInteger} (exact), other numbers as
   * {@code Double} (refused by those readers unless integral and below 2^53: a double may have
   * lost digits), strings, booleans and null.
   */
  static Object toJava(JsonNode n, String path) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return null;
    }
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        m.put(e.getKey(), toJava(e.getValue(), path));
      }
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>(n.size());
      for (JsonNode item : n) {
        l.add(toJava(item, path));
      }
      return l;
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isIntegralNumber()) {
      return n.bigIntegerValue();
    }
    if (n.isBigDecimal()) {
      return n.decimalValue();
    }
    if (n.isNumber()) {
      return n.doubleValue();
    }
    throw ApiException.invalidRequest(path + " holds a value that is not JSON");
  }

  /** An optional boolean field: false when absent or null. */
  static boolean optionalBoolean(ObjectNode params, String field) {
    JsonNode v = params.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw ApiException.invalidRequest("field params." + field + " must be a boolean");
    }
    return v.booleanValue();
  }

  /**
   * The chain id named by the request's CAIP-2 reference ({@code eip155:<chain id>}), or null
   * when the request has none.
   */
  static Long caip2ChainId(String caip2) {
    if (caip2 == null) {
      return null;
    }
    if (!CAIP2_EIP155.matcher(caip2).matches()) {
      throw ApiException.invalidRequest("caip2 must be \"eip155:<chain id>\" for an ethereum wallet");
    }
    BigInteger id = new BigInteger(caip2.substring("eip155:".length()));
    if (id.compareTo(BigInteger.valueOf(EthTransaction.MAX_CHAIN_ID)) > 0) {
      throw ApiException.invalidRequest("caip2 chain id is out of range");
    }
    return id.longValue();
  }

  /** 32-byte big-endian hex of an unsigned integer ({@code 0x} + 64 digits). */
  static String word(BigInteger v) {
    String h = v.toString(16);
    return "0x" + "0".repeat(Math.max(0, 64 - h.length())) + h;
  }
}
