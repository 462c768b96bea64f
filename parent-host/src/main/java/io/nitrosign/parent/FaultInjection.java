package io.nitrosign.parent;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash points for the crash-safety tests: with {@code -Dnitrosign.faults.haltAt=<point>} and
 * {@code -Dnitrosign.faults.haltOnceFile=<path>} on its command line, the parent host halts
 * ({@link Runtime#halt}: no shutdown hooks, no flushing, as {@code kill -9} would) the first time
 * a signing request reaches {@code point}, once per file (the file is created atomically just
 * before halting, so the supervisor's restart, started with the same command line, runs on). Off
 * unless both properties are set; it can only make the process die, which anyone able to set its
 * command line can do anyway.
 *
 * <p>Points, in the order a signing request with an idempotency key passes them:
 * {@code sign.received}, {@code sign.authorized}, {@code sign.signing} (just before the enclave
 * call), {@code sign.signed} (the enclave answered, the audit row is not committed),
 * {@code sign.committed} (committed, the answer not yet sent).
 */
public final class FaultInjection {

  public static final Set<String> POINTS = Set.of("sign.received", "sign.authorized",
      "sign.signing", "sign.signed", "sign.committed");
  private static final Logger LOG = LoggerFactory.getLogger(FaultInjection.class);
  private static final String AT = System.getProperty("nitrosign.faults.haltAt");
  private static final String ONCE = System.getProperty("nitrosign.faults.haltOnceFile");

  static {
    if (AT != null && ONCE != null) {
      if (!POINTS.contains(AT)) {
        throw new IllegalStateException("nitrosign.faults.haltAt must be one of " + POINTS);
      }
      LOG.warn("FAULT INJECTION ON: this process halts the first time a request reaches {}"
          + " (tests only)", AT);
    }
  }

  private FaultInjection() {}

  /** Halts here if this is the configured point and it has not halted here before. */
  public static void point(String name) {
    if (AT == null || ONCE == null || !AT.equals(name)) {
      return;
    }
    try {
      Files.createFile(Path.of(ONCE));
    } catch (FileAlreadyExistsException e) {
      return; // halted here once already
    } catch (IOException e) {
      return;
    }
    LOG.warn("fault injection: halting at {}", name);
    Runtime.getRuntime().halt(137);
  }
}
