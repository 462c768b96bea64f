package io.nitrosign.policy;

import io.nitrosign.policy.payload.TypedDataPayload;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code ethereum_typed_data_message} field: a path into the EIP-712 message, relative to the
 * message as Privy writes it ({@code to.wallet} in the EIP-712 Mail example, not
 * {@code message.to.wallet}), checked against the condition's {@code typed_data.types} from
 * {@code typed_data.primary_type} when the policy is written.
 *
 * <p>When evaluated, the condition applies only to typed data whose {@code primaryType} is the
 * condition's {@code primary_type} and whose types, as far as the primary type reaches, are the
 * condition's: their EIP-712 {@code encodeType} strings are equal (same struct names, fields,
 * field order and referenced structs). Types the primary type does not reach (such as
 * {@code EIP712Domain}) do not take part: they cannot change what the message means. (Privy
 * compares the whole types map; ours is the same test on everything the signature covers.)
 * Otherwise the field is absent and the condition does not hold.
 *
 * <p>Arrays: {@code items[0].to} reads one element; {@code items.to} or a path ending at an array
 * reads every element (see {@link Compiled} for ALLOW/DENY semantics).
 */
final class TypedDataPath implements Compiled.Extractor {

  static final int MAX_TYPES = 64;
  static final int MAX_FIELDS = 64;

  private static final Pattern IDENT = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$:.]{0,127}");
  private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]{0,127}");
  private static final Pattern ARRAY = Pattern.compile("^(.*)\\[([0-9]*)\\]$");
  private static final Pattern INT = Pattern.compile("(u?)int([0-9]{1,3})");
  private static final Pattern BYTES_N = Pattern.compile("bytes([0-9]{1,2})");
  private static final Pattern SEGMENT = Pattern.compile("([A-Za-z_$][A-Za-z0-9_$]*)((?:\\[[0-9]{1,6}\\])*)");

  private record Step(String name, int index, boolean all) {}

  final FieldType type;
  final BigInteger min;
  final BigInteger max;
  final boolean many;
  private final String primaryType;
  private final String encodeType;
  private final Step[] steps;

  private TypedDataPath(FieldType type, BigInteger min, BigInteger max, String primaryType,
      String encodeType, Step[] steps) {
    this.type = type;
    this.min = min;
    this.max = max;
    this.primaryType = primaryType;
    this.encodeType = encodeType;
    this.steps = steps;
    boolean m = false;
    for (Step s : steps) {
      m |= s.all;
    }
    this.many = m;
  }

  /** Compiles {@code field} against {@code typed_data} ({@code {types, primary_type}}). */
  static TypedDataPath compile(Object typedData, String field, String tdPath, String fieldPath) {
    Map<String, Object> td = Plain.object(typedData, tdPath, java.util.Set.of("types", "primary_type"));
    String primary = Plain.string(td.get("primary_type"), tdPath + ".primary_type", 1, 128);
    Map<String, Object> rawTypes = Plain.object(td.get("types"), tdPath + ".types", null);
    if (rawTypes.size() > MAX_TYPES) {
      throw new PolicyException(tdPath + ".types", "more than " + MAX_TYPES + " types");
    }
    Map<String, List<String[]>> types = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : rawTypes.entrySet()) {
      String tp = tdPath + ".types." + e.getKey();
      if (!IDENT.matcher(e.getKey()).matches() || isAtomic(e.getKey())) {
        throw new PolicyException(tp, "is not a struct type name");
      }
      List<Object> fields = Plain.list(e.getValue(), tp, 0, MAX_FIELDS);
      List<String[]> parsed = new ArrayList<>();
      for (int i = 0; i < fields.size(); i++) {
        String fp = Plain.index(tp, i);
        Map<String, Object> f = Plain.object(fields.get(i), fp, java.util.Set.of("name", "type"));
        String name = Plain.string(f.get("name"), fp + ".name", 1, 128);
        if (!FIELD_NAME.matcher(name).matches()) {
          throw new PolicyException(fp + ".name", "is not a field name");
        }
        String type = Plain.string(f.get("type"), fp + ".type", 1, 256);
        parsed.add(new String[] {name, type});
      }
      types.put(e.getKey(), parsed);
    }
    for (Map.Entry<String, List<String[]>> e : types.entrySet()) {
      List<String[]> fields = e.getValue();
      for (int i = 0; i < fields.size(); i++) {
        String base = stripArrays(fields.get(i)[1]);
        if (base == null || (!isAtomic(base) && !types.containsKey(base))) {
          throw new PolicyException(tdPath + ".types." + e.getKey() + "[" + i + "].type",
              "is not an EIP-712 type nor a struct of types");
        }
      }
    }
    if (!types.containsKey(primary)) {
      throw new PolicyException(tdPath + ".primary_type", "is not one of types");
    }
    String encodeType = encodeTypeOf(types, primary);

    // resolve the path
    List<Step> steps = new ArrayList<>();
    String current = primary;
    String[] segments = field.split("\\.", -1);
    for (String seg : segments) {
      Matcher m = SEGMENT.matcher(seg);
      if (!m.matches()) {
        throw new PolicyException(fieldPath, "'" + Compiled.shorten(seg) + "' is not a field name with optional [index]");
      }
      while (current.endsWith("]")) {
        steps.add(new Step(null, -1, true));
        current = current.substring(0, current.lastIndexOf('['));
      }
      List<String[]> fields = types.get(current);
      if (fields == null) {
        throw new PolicyException(fieldPath, "'" + Compiled.shorten(seg) + "' is past a value of type " + Compiled.shorten(current) + ", which has no fields");
      }
      String name = m.group(1);
      String[] f = null;
      for (String[] x : fields) {
        if (x[0].equals(name)) {
          f = x;
        }
      }
      if (f == null) {
        throw new PolicyException(fieldPath, Compiled.shorten(current) + " has no field '" + Compiled.shorten(name) + "'");
      }
      steps.add(new Step(name, -1, false));
      current = f[1];
      Matcher d = Pattern.compile("\\[([0-9]+)\\]").matcher(m.group(2));
      while (d.find()) {
        Matcher a = ARRAY.matcher(current);
        if (!a.matches()) {
          throw new PolicyException(fieldPath, "'" + Compiled.shorten(seg) + "' indexes a value that is not an array");
        }
        int idx = Integer.parseInt(d.group(1));
        if (!a.group(2).isEmpty() && idx >= Integer.parseInt(a.group(2))) {
          throw new PolicyException(fieldPath, "index " + idx + " is past the end of " + Compiled.shorten(current));
        }
        steps.add(new Step(null, idx, false));
        current = a.group(1);
      }
    }
    while (current.endsWith("]")) {
      steps.add(new Step(null, -1, true));
      current = current.substring(0, current.lastIndexOf('['));
    }
    if (types.containsKey(current)) {
      throw new PolicyException(fieldPath, "names a struct (" + Compiled.shorten(current) + "): name one of its fields");
    }
    FieldType ft;
    BigInteger min = null;
    BigInteger max = null;
    Matcher in = INT.matcher(current);
    if (in.matches()) {
      int bits = Integer.parseInt(in.group(2));
      boolean unsigned = in.group(1).equals("u");
      ft = FieldType.INTEGER;
      min = unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
      max = unsigned ? BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
          : BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE);
    } else if (current.equals("address")) {
      ft = FieldType.ETH_ADDRESS;
    } else if (current.equals("bool")) {
      ft = FieldType.BOOL;
    } else if (current.equals("string")) {
      ft = FieldType.STRING;
    } else {
      ft = FieldType.HEX;
    }
    return new TypedDataPath(ft, min, max, primary, encodeType, steps.toArray(new Step[0]));
  }

  @Override
  public Object extract(Eval ev, Object element) {
    if (!(ev.payload instanceof TypedDataPayload td) || !primaryType.equals(td.primaryType())
        || !encodeType.equals(ev.typedDataType())) {
      return null;
    }
    if (!many) {
      Object v = walk(td.message(), 0);
      return v == null || v == FieldType.UNKNOWN ? v : type.fromPayload(v);
    }
    List<Object> out = new ArrayList<>();
    collect(td.message(), 0, out);
    return new Compiled.Many(out);
  }

  /** The value at steps[from..] (none "all"); UNKNOWN when the message does not have it. */
  private Object walk(Object v, int from) {
    for (int i = from; i < steps.length; i++) {
      Step s = steps[i];
      if (s.name != null) {
        if (!(v instanceof Map<?, ?> m) || m.get(s.name) == null) {
          return FieldType.UNKNOWN;
        }
        v = m.get(s.name);
      } else {
        if (!(v instanceof List<?> l)) {
          return FieldType.UNKNOWN;
        }
        if (s.index >= l.size()) {
          return null;
        }
        v = l.get(s.index);
      }
    }
    return v;
  }

  private void collect(Object v, int from, List<Object> out) {
    for (int i = from; i < steps.length; i++) {
      Step s = steps[i];
      if (s.all) {
        if (!(v instanceof List<?> l)) {
          out.add(FieldType.UNKNOWN);
          return;
        }
        for (Object x : l) {
          collect(x, i + 1, out);
        }
        return;
      }
      Object next = walk(v, i, i + 1);
      if (next == null) {
        return;
      }
      if (next == FieldType.UNKNOWN) {
        out.add(next);
        return;
      }
      v = next;
    }
    out.add(v == null ? FieldType.UNKNOWN : type.fromPayload(v));
  }

  private Object walk(Object v, int from, int to) {
    Step s = steps[from];
    if (s.name != null) {
      if (!(v instanceof Map<?, ?> m) || m.get(s.name) == null) {
        return FieldType.UNKNOWN;
      }
      return m.get(s.name);
    }
    if (!(v instanceof List<?> l)) {
      return FieldType.UNKNOWN;
    }
    return s.index >= l.size() ? null : l.get(s.index);
  }

  static boolean isAtomic(String t) {
    if (t.equals("address") || t.equals("bool") || t.equals("string") || t.equals("bytes")) {
      return true;
    }
    Matcher i = INT.matcher(t);
    if (i.matches()) {
      int bits = Integer.parseInt(i.group(2));
      return bits >= 8 && bits <= 256 && bits % 8 == 0;
    }
    Matcher b = BYTES_N.matcher(t);
    if (b.matches()) {
      int n = Integer.parseInt(b.group(1));
      return n >= 1 && n <= 32;
    }
    return false;
  }

  /** The type without array suffixes, or null when a suffix is malformed. */
  private static String stripArrays(String t) {
    while (t.endsWith("]")) {
      Matcher a = ARRAY.matcher(t);
      if (!a.matches() || (!a.group(2).isEmpty() && (a.group(2).length() > 6 || Integer.parseInt(a.group(2)) == 0))) {
        return null;
      }
      t = a.group(1);
    }
    return t;
  }

  private static String encodeTypeOf(Map<String, List<String[]>> types, String primary) {
    TreeSet<String> deps = new TreeSet<>();
    Deque<String> todo = new ArrayDeque<>();
    todo.add(primary);
    while (!todo.isEmpty()) {
      String t = todo.poll();
      for (String[] f : types.get(t)) {
        String base = stripArrays(f[1]);
        if (base != null && types.containsKey(base) && !base.equals(primary) && deps.add(base)) {
          todo.add(base);
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    append(sb, primary, types.get(primary));
    for (String d : deps) {
      append(sb, d, types.get(d));
    }
    return sb.toString();
  }

  private static void append(StringBuilder sb, String name, List<String[]> fields) {
    sb.append(name).append('(');
    for (int i = 0; i < fields.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(fields.get(i)[1]).append(' ').append(fields.get(i)[0]);
    }
    sb.append(')');
  }

  /**
   * The EIP-712 {@code encodeType} of {@code primary} in a request's {@code types} (plain JSON:
   * type name to a list of {@code {name, type}}); null when the types are not of that shape.
   * Total on any input.
   */
  static String encodeType(Map<String, Object> types, String primary) {
    if (types == null || primary == null || types.size() > 4 * MAX_TYPES) {
      return null;
    }
    Map<String, List<String[]>> parsed = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : types.entrySet()) {
      if (e.getKey() == null || !(e.getValue() instanceof List<?> l) || l.size() > 4 * MAX_FIELDS) {
        return null;
      }
      List<String[]> fields = new ArrayList<>(l.size());
      for (Object o : l) {
        if (!(o instanceof Map<?, ?> f) || !(f.get("name") instanceof String n)
            || !(f.get("type") instanceof String t)) {
          return null;
        }
        fields.add(new String[] {n, t});
      }
      parsed.put(e.getKey(), fields);
    }
    if (!parsed.containsKey(primary)) {
      return null;
    }
    return encodeTypeOf(parsed, primary);
  }
}
