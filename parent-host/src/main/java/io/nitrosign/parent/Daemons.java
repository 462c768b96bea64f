package io.nitrosign.parent;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The parent host's background timers (sweeps, lease renewal, checkpoints, the enclave
 * bootstrapper): one daemon thread each, named for what it does so thread dumps and logs say it,
 * and never keeping the JVM alive on its own.
 */
public final class Daemons {

  private Daemons() {}

  /** A single-thread scheduler on a daemon thread called {@code name}. */
  public static ScheduledExecutorService scheduler(String name) {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }
}
