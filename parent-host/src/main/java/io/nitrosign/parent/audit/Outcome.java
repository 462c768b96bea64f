package io.nitrosign.parent.audit;

/** How an audited request ended. */
public enum Outcome {
  /** Done: a wallet created, a signature released. */
  SUCCEEDED,
  /** Accepted but not completed: the enclave was down, timed out or answered with an error. */
  FAILED,
  /** Refused by the parent's own checks (validation, permissions) before reaching the enclave. */
  REJECTED;

  public String dbValue() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Outcome fromDb(String value) {
    return valueOf(value.toUpperCase(java.util.Locale.ROOT));
  }
}
