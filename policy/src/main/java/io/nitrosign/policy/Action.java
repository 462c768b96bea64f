package io.nitrosign.policy;

/** What a matching rule does. Any matching DENY wins over every ALLOW. */
public enum Action {
  ALLOW, DENY
}
