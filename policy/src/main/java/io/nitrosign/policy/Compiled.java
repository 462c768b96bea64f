package io.nitrosign.policy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * A condition compiled when its policy is written ({@link Condition#compiled()}): where its value
 * comes from ({@link Extractor}) and the operator with its parsed value ({@link Test}), so that an
 * evaluation parses nothing.
 *
 * <p>Three outcomes of reading a field, and what each means:
 * <ul>
 *   <li>absent (null): the payload does not have the field (a transaction without calldata for a
 *       calldata condition, an instruction of another program): the condition does not hold;</li>
 *   <li>{@link FieldType#UNKNOWN}: the payload has the field but its value cannot be known
 *       (calldata whose selector is the ABI's function but that does not decode, a Solana account
 *       loaded from a lookup table, a legacy transaction without chain id, a PSBT whose fee is
 *       unknown): the condition is undecidable and resolves toward refusal: it holds in a DENY
 *       rule and does not hold in an ALLOW rule;</li>
 *   <li>several values ({@link Many}: a whole calldata array, a typed-data array, the
 *       authorizations of a type-4 transaction): in an ALLOW rule the condition holds only if the
 *       list is not empty and it holds for every value; in a DENY rule it holds if it holds for
 *       any value. Both resolve the question "which element?" toward refusal: an extra element
 *       cannot make an ALLOW rule allow more, and cannot hide a denied value from a DENY rule.
 *       An empty list holds in neither.</li>
 * </ul>
 * Aggregations read their pre-filter conditions the DENY way (a request that might be a
 * spending counts).
 */
final class Compiled {

  /** Reads a field from the request; {@code element} is the Solana instruction, Stellar
   *  operation or Bitcoin output being evaluated, or null. */
  interface Extractor {
    Object extract(Eval ev, Object element);
  }

  /** The operator with its value, applied to one runtime value. */
  interface Test {
    boolean test(Object value, Eval ev);
  }

  /** Several values of one field. */
  record Many(List<Object> values) {}

  final String fieldSource;
  final String field;
  final FieldType type;
  final Extractor extractor;
  final Test test;
  /** Whether the field belongs to an element (instruction, operation, output). */
  final boolean elementLevel;
  /** {@code ethereum_transaction.to eq 0x…}, for reasons. */
  final String label;
  /** An integer field's lower bound (null for other types). */
  final BigInteger min;

  Compiled(String fieldSource, String field, FieldType type, Extractor extractor, Test test,
      boolean elementLevel, String label, BigInteger min) {
    this.fieldSource = fieldSource;
    this.field = field;
    this.type = type;
    this.extractor = extractor;
    this.test = test;
    this.elementLevel = elementLevel;
    this.label = label;
    this.min = min;
  }

  /** Whether the condition holds; {@code denySide} for DENY rules (see the class comment). */
  boolean holds(Eval ev, Object element, boolean denySide) {
    Object v = extractor.extract(ev, element);
    if (v == null) {
      return false;
    }
    if (v == FieldType.UNKNOWN) {
      return denySide;
    }
    if (v instanceof Many m) {
      List<Object> values = m.values();
      if (values.isEmpty()) {
        return false;
      }
      for (Object x : values) {
        boolean h = x == FieldType.UNKNOWN ? denySide : test.test(x, ev);
        if (h == denySide) {
          return denySide;
        }
      }
      return !denySide;
    }
    return test.test(v, ev);
  }

  /** The value the field has in this request, for aggregations: absent, UNKNOWN or Many too. */
  Object value(Eval ev, Object element) {
    return extractor.extract(ev, element);
  }

  /** The test for {@code op} over parsed values ({@code values} are runtime values of {@code type}). */
  static Test test(FieldType type, Operator op, List<Object> values, String conditionSetId) {
    Object v0 = values.isEmpty() ? null : values.get(0);
    switch (op) {
      case EQ:
        if (v0 instanceof byte[] b) {
          return (x, ev) -> Arrays.equals((byte[]) x, b);
        }
        return (x, ev) -> v0.equals(x);
      case IN: {
        if (type == FieldType.HEX) {
          Set<String> set = new HashSet<>();
          for (Object v : values) {
            set.add(HexFormat.of().formatHex((byte[]) v));
          }
          return (x, ev) -> set.contains(HexFormat.of().formatHex((byte[]) x));
        }
        Set<Object> set = new HashSet<>(values);
        return (x, ev) -> set.contains(x);
      }
      case GT:
        return (x, ev) -> ((BigInteger) x).compareTo((BigInteger) v0) > 0;
      case GTE:
        return (x, ev) -> ((BigInteger) x).compareTo((BigInteger) v0) >= 0;
      case LT:
        return (x, ev) -> ((BigInteger) x).compareTo((BigInteger) v0) < 0;
      case LTE:
        return (x, ev) -> ((BigInteger) x).compareTo((BigInteger) v0) <= 0;
      case CONTAINS:
        if (v0 instanceof byte[] b) {
          return (x, ev) -> indexOf((byte[]) x, b) >= 0;
        }
        return (x, ev) -> ((String) x).contains((String) v0);
      case STARTS_WITH:
        if (v0 instanceof byte[] b) {
          return (x, ev) -> {
            byte[] a = (byte[]) x;
            return a.length >= b.length && Arrays.equals(a, 0, b.length, b, 0, b.length);
          };
        }
        return (x, ev) -> ((String) x).startsWith((String) v0);
      case ENDS_WITH:
        if (v0 instanceof byte[] b) {
          return (x, ev) -> {
            byte[] a = (byte[]) x;
            return a.length >= b.length
                && Arrays.equals(a, a.length - b.length, a.length, b, 0, b.length);
          };
        }
        return (x, ev) -> ((String) x).endsWith((String) v0);
      case IN_CONDITION_SET:
        return (x, ev) -> ev.context.inConditionSet(conditionSetId,
            Values.normalizeItem(FieldType.text(x)));
      default:
        throw new IllegalStateException();
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** {@code source.field op value}, values shortened. */
  static String label(String source, String field, Operator op, List<String> raw) {
    StringBuilder sb = new StringBuilder(source).append('.').append(field).append(' ')
        .append(op.wire()).append(' ');
    if (op == Operator.IN) {
      sb.append('[');
      for (int i = 0; i < raw.size() && i < 3; i++) {
        sb.append(i == 0 ? "" : ", ").append(shorten(raw.get(i)));
      }
      if (raw.size() > 3) {
        sb.append(", … ").append(raw.size() - 3).append(" more");
      }
      sb.append(']');
    } else {
      sb.append(shorten(raw.get(0)));
    }
    return sb.toString();
  }

  static String shorten(String s) {
    return s.length() <= 66 ? s : s.substring(0, 64) + "…";
  }

  static List<Object> list(Object... values) {
    return new ArrayList<>(Arrays.asList(values));
  }
}
