package io.nitrosign.parent.app;

/** A new app and its secret, shown to the operator exactly once. {@code toString} redacts it. */
public record CreatedApp(App app, String secret) {
  @Override
  public String toString() {
    return "CreatedApp[app=" + app + ", secret=<redacted>]";
  }
}
