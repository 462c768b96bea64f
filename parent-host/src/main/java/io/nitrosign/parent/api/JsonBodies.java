package io.nitrosign.parent.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

/**
 * Strict parsing of request bodies into JSON trees, with errors that name the offending field
 * and never quote the input's values (Jackson's own messages are never shown).
 */
public final class JsonBodies {

  private final ObjectReader reader;

  public JsonBodies(ObjectMapper mapper) {
    this.reader = mapper.reader()
        .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  }

  /** The body as a JSON object, or 400 invalid_request. */
  public ObjectNode object(byte[] body) {
    JsonNode node = tree(body, "a JSON object");
    if (!node.isObject()) {
      throw ApiException.invalidRequest("request body must be a JSON object");
    }
    return (ObjectNode) node;
  }

  /** The body as a JSON array (e.g. condition set items), or 400 invalid_request. */
  public ArrayNode array(byte[] body) {
    JsonNode node = tree(body, "a JSON array");
    if (!node.isArray()) {
      throw ApiException.invalidRequest("request body must be a JSON array");
    }
    return (ArrayNode) node;
  }

  private JsonNode tree(byte[] body, String expected) {
    JsonNode node;
    try {
      node = reader.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiException.invalidRequest("malformed JSON body");
    } catch (IOException e) {
      throw ApiException.invalidRequest("malformed JSON body");
    }
    if (node == null || node.isMissingNode()) {
      throw ApiException.invalidRequest("request body is empty; expected " + expected);
    }
    return node;
  }

  /** Rejects fields outside {@code allowed}; {@code path} prefixes the field name in messages. */
  public static void onlyFields(ObjectNode node, String path, Set<String> allowed) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw ApiException.invalidRequest("unknown field: " + path + printable(name));
      }
    }
  }

  public static String requiredText(ObjectNode node, String path, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw ApiException.invalidRequest("missing field: " + path + field);
    }
    if (!v.isTextual()) {
      throw ApiException.invalidRequest("field " + path + field + " must be a string");
    }
    return v.textValue();
  }

  /** The text value, or null when absent or JSON null. */
  public static String optionalText(ObjectNode node, String path, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ApiException.invalidRequest("field " + path + field + " must be a string");
    }
    return v.textValue();
  }

  public static ObjectNode requiredObject(ObjectNode node, String path, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw ApiException.invalidRequest("missing field: " + path + field);
    }
    if (!v.isObject()) {
      throw ApiException.invalidRequest("field " + path + field + " must be an object");
    }
    return (ObjectNode) v;
  }

  /** A field name safe to echo: at most 64 printable ASCII characters. */
  public static String printable(String name) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < name.length() && b.length() < 64; i++) {
      char c = name.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
