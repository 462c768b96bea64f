package io.nitrosign.parent.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nitrosign.parent.api.ApiException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Privy's wallet labels in a create or update body: {@code display_name} (a human-readable label
 * of 1 to {@link #MAX_DISPLAY_NAME} characters; {@code null} in an update clears it) and
 * {@code external_id} (the customer's identifier: {@code [A-Za-z0-9_-]}, 1 to 64 characters,
 * unique within the app, write-once). Neither is part of the authority sealed with the key: they
 * change nothing about who may sign, so an update that only changes labels (and policy ids) is
 * applied by the parent without resealing.
 */
public record WalletLabels(String displayName, String externalId) {

  /** The body fields this class reads. */
  public static final Set<String> FIELDS = Set.of("display_name", "external_id");

  public static final int MAX_DISPLAY_NAME = 128;
  private static final Pattern EXTERNAL_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** The labels of a create body (absent: none). */
  public static WalletLabels forCreate(ObjectNode body) {
    return new WalletLabels(displayName(body.get("display_name")),
        externalId(body.get("external_id")));
  }

  /**
   * The labels after an update body is applied to {@code current}: absent fields keep their
   * value, {@code display_name: null} clears it; {@code external_id} may be set once (or given
   * again unchanged) but not changed or cleared.
   */
  public static WalletLabels forUpdate(ObjectNode body, WalletLabels current) {
    String display = current.displayName();
    if (body.has("display_name")) {
      display = displayName(body.get("display_name"));
    }
    String external = current.externalId();
    if (body.has("external_id")) {
      String given = externalId(body.get("external_id"));
      if (given == null || current.externalId() != null && !current.externalId().equals(given)) {
        throw ApiException.invalidRequest(
            "external_id is write-once: it cannot be changed or removed once set");
      }
      external = given;
    }
    return new WalletLabels(display, external);
  }

  /** The labels of {@code w}. */
  public static WalletLabels of(Wallet w) {
    return new WalletLabels(w.displayName(), w.externalId());
  }

  /** Whether {@code body} names a label. */
  public static boolean given(ObjectNode body) {
    return body.has("display_name") || body.has("external_id");
  }

  /** 400 naming {@code field} unless {@code value} is a valid external id. */
  static void checkExternalId(String value, String field) {
    if (!EXTERNAL_ID.matcher(value).matches()) {
      throw ApiException.invalidRequest(field
          + " must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -");
    }
  }

  private static String displayName(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ApiException.invalidRequest("field display_name must be a string");
    }
    String s = v.textValue();
    if (s.isEmpty() || s.codePointCount(0, s.length()) > MAX_DISPLAY_NAME) {
      throw ApiException.invalidRequest("display_name must be 1 to " + MAX_DISPLAY_NAME
          + " characters");
    }
    return s;
  }

  private static String externalId(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ApiException.invalidRequest("field external_id must be a string");
    }
    checkExternalId(v.textValue(), "external_id");
    return v.textValue();
  }
}
