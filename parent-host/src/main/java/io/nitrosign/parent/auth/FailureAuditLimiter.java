package io.nitrosign.parent.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides which failed logins get an audit row: at most {@code perApp} per app id per window (each
 * app's window starts at its first counted failure), and at most {@code global} in all per window.
 * Failures that name no real app share one key. The rest are only counted in metrics, so a flood of
 * bad credentials cannot fill the append-only audit table.
 */
final class FailureAuditLimiter {

  /** The key for failures that name no real app. */
  static final String NO_APP = "";
  private static final int MAX_KEYS = 10_000;

  private static final class Window {
    final long start;
    int count;

    Window(long start) {
      this.start = start;
    }
  }

  private final Clock clock;
  private final int perApp;
  private final int global;
  private final long windowMillis;
  private final Map<String, Window> windows = new HashMap<>();
  private Window globalWindow;

  FailureAuditLimiter(Clock clock, int perApp, int global, Duration window) {
    if (perApp < 0 || global < 0 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("limits must be non-negative and the window positive");
    }
    this.clock = clock;
    this.perApp = perApp;
    this.global = global;
    this.windowMillis = window.toMillis();
  }

  /** True when a row may be written for a failure under this key (and counts it). */
  synchronized boolean tryAcquire(String appIdOrNull) {
    String key = appIdOrNull == null ? NO_APP : appIdOrNull;
    long now = clock.millis();
    if (globalWindow == null || now - globalWindow.start >= windowMillis) {
      globalWindow = new Window(now);
    }
    if (globalWindow.count >= global) {
      return false;
    }
    Window w = windows.get(key);
    if (w == null || now - w.start >= windowMillis) {
      if (w == null && windows.size() >= MAX_KEYS) {
        // Keys are real app ids (plus NO_APP), so this only bounds memory; the global cap holds.
        windows.values().removeIf(old -> now - old.start >= windowMillis);
        if (windows.size() >= MAX_KEYS) {
          return false;
        }
      }
      w = new Window(now);
      windows.put(key, w);
    }
    if (w.count >= perApp) {
      return false;
    }
    w.count++;
    globalWindow.count++;
    return true;
  }
}
