package io.nitrosign.authz;

import io.nitrosign.chains.json.StrictJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Reads test resources of this package. */
final class TestData {

  static final StrictJson.Limits LARGE = new StrictJson.Limits(4 << 20, 64, 1_000_000, 1 << 20, 1000);

  private TestData() {}

  static byte[] bytes(String name) {
    try (InputStream in = TestData.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(String name) {
    return new String(bytes(name), StandardCharsets.UTF_8);
  }

  static Object json(String text) {
    return StrictJson.parse(text.getBytes(StandardCharsets.UTF_8), "test", LARGE);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> jsonResource(String name) {
    return (Map<String, Object>) StrictJson.parse(bytes(name), name, LARGE);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Object o) {
    return (List<Map<String, Object>>) o;
  }
}
