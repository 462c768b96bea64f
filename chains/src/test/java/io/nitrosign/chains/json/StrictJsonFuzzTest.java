package io.nitrosign.chains.json;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.internal.bind.TypeAdapters;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.nitrosign.chains.ChainFormatException;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Fuzzes {@link StrictJson#parse}: anything but a {@link ChainFormatException} is a finding
 * (a RuntimeException, StackOverflowError, OutOfMemoryError), and so is accepting a document
 * that Gson's non-lenient reader (an independent RFC 8259 parser) does not read as exactly the
 * same value. Under plain {@code mvn test} this runs the seeds in
 * {@code StrictJsonFuzzTestInputs/parse/} (typed data, escapes, numbers, and broken variants:
 * duplicate keys, trailing data, invalid UTF-8, lone surrogates, over-deep nesting); with
 * {@code JAZZER_FUZZ=1} it fuzzes for 10 s.
 */
class StrictJsonFuzzTest {

  private static final Pattern LONG_DIGIT_RUN = Pattern.compile("[0-9]{19}");
  private static final StrictJson.Limits LIMITS = new StrictJson.Limits(64 * 1024, 32, 10_000, 16_384, 100);

  @FuzzTest(maxDuration = "10s")
  void parse(byte[] input) throws IOException {
    Object value;
    try {
      value = StrictJson.parse(input, "doc", LIMITS);
    } catch (ChainFormatException expected) {
      return; // refusing is fine
    }
    JsonReader reader = new JsonReader(new StringReader(new String(input, StandardCharsets.UTF_8)));
    reader.setLenient(false);
    JsonElement gson;
    try {
      gson = TypeAdapters.JSON_ELEMENT.read(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new AssertionError("accepted trailing data that Gson refuses");
      }
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      if (LONG_DIGIT_RUN.matcher(new String(input, StandardCharsets.UTF_8)).find()) {
        // Gson 2.10's non-lenient reader refuses some integers that overflow a long (e.g. 1
        // followed by 90 zeros: valid JSON): inconclusive, not a finding.
        return;
      }
      throw new AssertionError("accepted a document that Gson's strict reader refuses", e);
    }
    if (!same(value, gson)) {
      throw new AssertionError("parsed to a different value than Gson");
    }
  }

  private static boolean same(Object ours, JsonElement theirs) {
    if (ours == null) {
      return theirs.isJsonNull();
    }
    if (ours instanceof Map<?, ?> map) {
      if (!theirs.isJsonObject()) {
        return false;
      }
      JsonObject o = theirs.getAsJsonObject();
      if (o.size() != map.size()) {
        return false;
      }
      Iterator<String> keys = o.keySet().iterator();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!e.getKey().equals(keys.next()) || !same(e.getValue(), o.get((String) e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (ours instanceof List<?> list) {
      if (!theirs.isJsonArray()) {
        return false;
      }
      JsonArray a = theirs.getAsJsonArray();
      if (a.size() != list.size()) {
        return false;
      }
      for (int i = 0; i < list.size(); i++) {
        if (!same(list.get(i), a.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (!theirs.isJsonPrimitive()) {
      return false;
    }
    JsonPrimitive p = theirs.getAsJsonPrimitive();
    if (ours instanceof String s) {
      return p.isString() && s.equals(p.getAsString());
    }
    if (ours instanceof Boolean b) {
      return p.isBoolean() && b == p.getAsBoolean();
    }
    if (ours instanceof BigInteger || ours instanceof BigDecimal) {
      BigDecimal mine = ours instanceof BigInteger i ? new BigDecimal(i) : (BigDecimal) ours;
      // both come from the same literal text: same unscaled value and scale
      return p.isNumber() && mine.equals(new BigDecimal(p.getAsString()))
          && (ours instanceof BigDecimal || p.getAsString().matches("-?[0-9]+"));
    }
    return false;
  }
}
