package io.nitrosign.chains.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The escapes RFC 8259 section 7 requires, plus U+2028/U+2029; null stays null. */
class JsonStringsTest {

  @Test
  void escapesWhatJsonRequires() {
    assertEquals("\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u2028\\u2029é\"",
        JsonStrings.quoted("a\"b\\c\n\r\t\u0001\u2028\u2029é"));
    assertEquals("null", JsonStrings.quoted(null));
    assertEquals("x:\"\"", JsonStrings.appendQuoted(new StringBuilder("x:"), "").toString());
  }
}
