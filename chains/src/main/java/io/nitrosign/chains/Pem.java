package io.nitrosign.chains;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/**
 * PEM text (RFC 7468) and the atomic, permission-setting file writes that local mode's own CAs
 * (the simulated NSM's root in enclave-app, the devkit JWT issuer) keep their keys and
 * certificates in. One copy here because both modules depend on chains and on nothing else in
 * common.
 */
public final class Pem {

  private Pem() {}

  /** {@code der} as a PEM block of {@code type} ({@code CERTIFICATE}, {@code PRIVATE KEY}, ...). */
  public static String encode(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** The DER bytes of the first PEM block of {@code type} in {@code text}. */
  public static byte[] decode(String text, String type) throws IOException {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b < 0 || e < b) {
      throw new IOException("no " + type + " PEM block");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    } catch (IllegalArgumentException x) {
      throw new IOException("bad base64 in a " + type + " PEM block");
    }
  }

  /**
   * Writes {@code content} (ASCII) to {@code target} through a sibling temporary file created
   * with mode 0600 when {@code secret}, else 0644, then an atomic rename, so a reader never sees a
   * half-written key and a secret is never readable by others, not even for a moment.
   */
  public static void writeAtomically(Path target, String content, boolean secret)
      throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
    } catch (FileAlreadyExistsException e) {
      throw new IOException("concurrent creation of " + target);
    }
    Files.writeString(tmp, content, StandardCharsets.US_ASCII, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
