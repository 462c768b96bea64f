package io.nitrosign.policy;

/** Privy's condition operators, by their wire names. */
public enum Operator {
  EQ("eq"), GT("gt"), GTE("gte"), LT("lt"), LTE("lte"), IN("in"),
  IN_CONDITION_SET("in_condition_set"), CONTAINS("contains"), STARTS_WITH("starts_with"),
  ENDS_WITH("ends_with");

  private final String wire;

  Operator(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}
