package io.nitrosign.parent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash points for the crash-safety tests. With {@code -Dnitrosign.faults.dir=<dir>} on its
 * command line, the parent host halts ({@link Runtime#halt}: no shutdown hooks, no flushing, as
 * {@code kill -9} would) when a signing request with an idempotency key reaches a point whose
 * file {@code <dir>/<point>.armed} exists; the file is deleted first, so each arming halts once
 * (and the supervisor's restart, started with the same command line, runs on). A test arms a
 * point, sends a request, and sees the process die exactly there. Off unless the property is
 * set: it can only make the process die, which anyone able to set its command line can do anyway.
 *
 * <p>Points, in the order a signing request with an idempotency key passes them:
 * {@code sign.received}, {@code sign.authorized}, {@code sign.signing} (just before the enclave
 * call), {@code sign.signed} (the enclave answered, the audit row is not committed),
 * {@code sign.committed} (committed, the answer not yet sent).
 */
public final class FaultInjection {

  private static final Logger LOG = LoggerFactory.getLogger(FaultInjection.class);
  private static final String DIR = System.getProperty("nitrosign.faults.dir");

  static {
    if (DIR != null) {
      LOG.warn("FAULT INJECTION ON: this process halts at a signing step armed in {}"
          + " (tests only)", DIR);
    }
  }

  private FaultInjection() {}

  /** Halts here if this point is armed (and disarms it). */
  public static void point(String name) {
    if (DIR == null) {
      return;
    }
    try {
      if (!Files.deleteIfExists(Path.of(DIR, name + ".armed"))) {
        return;
      }
    } catch (IOException e) {
      return;
    }
    LOG.warn("fault injection: halting at {}", name);
    Runtime.getRuntime().halt(137);
  }
}
