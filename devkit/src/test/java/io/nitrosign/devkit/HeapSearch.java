package io.nitrosign.devkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Heap dumps of a running JVM (live objects only, after a full GC) and a byte search over them.
 * HPROF stores primitive arrays in big-endian order, so a 32-byte private key shows up as the same
 * 32 bytes whether it lingers in a {@code byte[]} or as a {@code BigInteger} magnitude.
 */
final class HeapSearch {

  private HeapSearch() {}

  /** {@code jcmd PID GC.heap_dump FILE}: only reachable objects are written. */
  static Path dumpLiveObjects(long pid, Path dir) throws IOException, InterruptedException {
    Path file = dir.resolve("enclave-" + pid + ".hprof");
    Files.deleteIfExists(file);
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.heap_dump",
        file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(file)) {
      throw new IOException("heap dump failed: " + out);
    }
    return file;
  }

  /** The needles found in the haystack (by index into {@code needles}). */
  static List<Integer> find(byte[] haystack, List<byte[]> needles) {
    List<Integer> found = new ArrayList<>();
    for (int n = 0; n < needles.size(); n++) {
      if (indexOf(haystack, needles.get(n)) >= 0) {
        found.add(n);
      }
    }
    return found;
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      if (haystack[i] != needle[0]) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
