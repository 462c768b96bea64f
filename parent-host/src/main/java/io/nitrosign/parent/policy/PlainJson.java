package io.nitrosign.parent.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nitrosign.parent.api.JsonBodies;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Between Jackson's trees and the plain JSON values the policy module reads (it has no Jackson):
 * objects as {@code LinkedHashMap} (order kept), arrays as {@code ArrayList}, integers as
 * {@code BigInteger}, other numbers as {@code BigDecimal} (exact: a limit of 10^30 wei stays
 * 10^30), strings, booleans and null. Also renders such values as JSON text for storage.
 */
final class PlainJson {

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private PlainJson() {}

  /**
   * Strict body parsing ({@link JsonBodies}) with decimals read exactly, so {@link #of} hands the
   * policy module the number the client wrote.
   */
  static JsonBodies bodies(ObjectMapper json) {
    return new JsonBodies(json.copy().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS));
  }

  /** The plain value of {@code node}. */
  static Object of(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isObject()) {
      Map<String, Object> out = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        out.put(f.getKey(), of(f.getValue()));
      }
      return out;
    }
    if (node.isArray()) {
      List<Object> out = new ArrayList<>(node.size());
      node.forEach(n -> out.add(of(n)));
      return out;
    }
    if (node.isIntegralNumber()) {
      return node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.decimalValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.asText();
  }

  /** The plain object of {@code node} (which must be a JSON object). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> object(JsonNode node) {
    return (Map<String, Object>) of(node);
  }

  /** Stored JSON text (written by {@link #render}) as a tree. */
  static JsonNode tree(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored policy JSON does not parse", e);
    }
  }

  /** Stored JSON text as plain values. */
  static Object parse(String text) {
    return of(tree(text));
  }

  /** A plain value (or a tree) as JSON text. */
  static String render(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("policy JSON does not render", e);
    }
  }
}
