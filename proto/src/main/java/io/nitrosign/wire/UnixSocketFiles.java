package io.nitrosign.wire;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** File-system chores around an AF_UNIX listening socket. */
final class UnixSocketFiles {

  private static final Logger log = LoggerFactory.getLogger(UnixSocketFiles.class);
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;

  private UnixSocketFiles() {}

  /**
   * Creates the parent directory (owner-only) if missing and removes a stale socket file. Refuses
   * to remove anything that is not a socket, and refuses to steal a socket someone still serves.
   */
  static void prepareForBind(Path path) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      try {
        Files.createDirectories(parent,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (UnsupportedOperationException e) {
        Files.createDirectories(parent);
      }
    }
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!isSocket(path)) {
      throw new FileAlreadyExistsException(path.toString(), null, "exists and is not a socket");
    }
    if (isServed(path)) {
      throw new BindException("address in use: " + path);
    }
    log.info("removing stale socket file {}", path);
    Files.deleteIfExists(path);
  }

  /** Sets the socket file to 0600 where the file system supports POSIX permissions. */
  static void restrictToOwner(Path path) {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | UnsupportedOperationException e) {
      log.warn("could not restrict permissions of {} ({})", path, e.getClass().getSimpleName());
    }
  }

  static void deleteQuietly(Path path) {
    try {
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && isSocket(path)) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | RuntimeException e) {
      log.debug("could not remove socket file {} ({})", path, e.getClass().getSimpleName());
    }
  }

  private static boolean isSocket(Path path) throws IOException {
    try {
      Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return mode instanceof Integer m && (m & S_IFMT) == S_IFSOCK;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS).isOther();
    }
  }

  private static boolean isServed(Path path) {
    try (AFUNIXSocket probe = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(path))) {
      return probe.isConnected();
    } catch (IOException e) {
      return false;
    }
  }
}
