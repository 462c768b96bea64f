package io.nitrosign.parent.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/** Reads request bodies with a hard size cap. */
public final class Bodies {
  /** The largest request body any endpoint accepts. */
  public static final int MAX_BODY_BYTES = 256 * 1024;

  private Bodies() {}

  /** The body, or empty when it is larger than {@code max} bytes (the rest is not read). */
  public static Optional<byte[]> readCapped(InputStream in, int max) {
    if (in == null) {
      return Optional.of(new byte[0]);
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int total = 0;
      int n;
      while ((n = in.read(buf)) != -1) {
        total += n;
        if (total > max) {
          return Optional.empty();
        }
        out.write(buf, 0, n);
      }
      return Optional.of(out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("reading request body", e);
    }
  }

  public static ApiException tooLarge() {
    return new ApiException(413, ErrorCodes.PAYLOAD_TOO_LARGE,
        "request body exceeds " + MAX_BODY_BYTES + " bytes");
  }
}
