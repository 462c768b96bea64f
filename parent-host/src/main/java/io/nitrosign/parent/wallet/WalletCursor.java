package io.nitrosign.parent.wallet;

import io.nitrosign.parent.Ids;
import io.nitrosign.parent.api.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * Keyset position in the newest-first wallet listing: the last row's (created_at, id). Opaque to
 * clients: base64url of {@code v1:<epoch micros>:<id>}.
 */
public record WalletCursor(Instant createdAt, String id) {

  public String encode() {
    String raw = "v1:" + ChronoUnit.MICROS.between(Instant.EPOCH, createdAt) + ":" + id;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  public static WalletCursor decode(String cursor) {
    try {
      if (cursor.length() > 200) {
        throw new IllegalArgumentException();
      }
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      String[] parts = raw.split(":", -1);
      if (parts.length != 3 || !parts[0].equals("v1") || !Ids.plausible(parts[2])) {
        throw new IllegalArgumentException();
      }
      long micros = Long.parseLong(parts[1]);
      return new WalletCursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), parts[2]);
    } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
      throw ApiException.invalidRequest("cursor is not valid");
    }
  }
}
