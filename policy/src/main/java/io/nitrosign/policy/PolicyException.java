package io.nitrosign.policy;

/**
 * A policy, rule, condition, condition set item or aggregation that is not valid, naming where:
 * {@code path} is the JSON path inside the request body ({@code rules[2].conditions[0].value}).
 * The message never quotes more of the input than the offending field's name.
 */
public final class PolicyException extends RuntimeException {

  private final String path;

  public PolicyException(String path, String message) {
    super(path.isEmpty() ? message : path + ": " + message, null, false, false);
    this.path = path;
  }

  /** Where in the body: {@code rules[2].conditions[0].value}; empty for the body itself. */
  public String path() {
    return path;
  }
}
