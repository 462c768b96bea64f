package io.nitrosign.chains.ethereum;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import io.nitrosign.chains.ChainFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Fuzzes {@link Eip712#hash} on typed data parsed from the input as JSON (inputs that are not a
 * JSON object are skipped): anything but a {@link ChainFormatException} is a finding. Under plain
 * {@code mvn test} this runs the seeds in {@code Eip712FuzzTestInputs/hashTypedData/} (the EIP's
 * Mail example, the array and recursive vectors, and broken variants); with {@code JAZZER_FUZZ=1}
 * it fuzzes for 10 s.
 */
class Eip712FuzzTest {

  @FuzzTest(maxDuration = "10s")
  void hashTypedData(byte[] input) {
    Map<String, Object> typedData;
    try {
      typedData = new GsonBuilder().setObjectToNumberStrategy(ToNumberPolicy.BIG_DECIMAL).create()
          .fromJson(new String(input, StandardCharsets.UTF_8),
              new TypeToken<Map<String, Object>>() {}.getType());
    } catch (JsonParseException | IllegalStateException | ClassCastException | NumberFormatException e) {
      return; // not a JSON object: not this target's concern
    }
    if (typedData == null) {
      return;
    }
    try {
      Eip712.hash(typedData);
    } catch (ChainFormatException expected) {
      // refusing is fine
    }
  }
}
