package io.nitrosign.policy;

import com.esaulpaugh.headlong.abi.Address;
import com.esaulpaugh.headlong.abi.Function;
import com.esaulpaugh.headlong.abi.Tuple;
import io.nitrosign.policy.payload.EthTransactionPayload;
import java.lang.reflect.Array;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A contract's JSON ABI as given in an {@code ethereum_calldata} condition (plain values: we
 * read it ourselves, headlong's JSON reader needs Gson, which the build leaves out), and the
 * calldata fields that name its functions' parameters.
 *
 * <p>A field is {@code <function>.<parameter>} followed by tuple component names
 * ({@code exactInputSingle.params.amountIn}) and array indices ({@code batch.recipients[0]});
 * a parameter without a name is addressed by its position ({@code fn.0}). A path that reaches an
 * array without an index reads every element ({@code batch.recipients},
 * {@code multi.orders.amount}): the condition then applies to all of them as {@link Compiled}
 * describes (ALLOW: every element, DENY: any element). Overloaded functions: the field is
 * resolved in each overload that has it, and the calldata's selector picks the overload. The
 * canonical signature is built from the ABI ({@code tuple} components, array suffixes,
 * {@code uint} as {@code uint256}) and handed to headlong's {@link Function}, which also decodes
 * the calldata (strictly: a non-canonical encoding is undecidable, see {@link Compiled}).
 */
final class Abi {

  static final int MAX_ITEMS = 500;
  static final int MAX_PARAMS = 64;
  static final int MAX_NESTING = 8;

  private static final Pattern TYPE = Pattern.compile("([a-z][a-z0-9]*)((?:\\[[0-9]*\\])*)");
  private static final Pattern DIM = Pattern.compile("\\[([0-9]*)\\]");
  private static final Pattern INT = Pattern.compile("(u?)int([0-9]{0,3})");
  private static final Pattern BYTES_N = Pattern.compile("bytes([0-9]{1,2})");
  private static final Pattern FIXED = Pattern.compile("u?fixed([0-9]{1,3}x[0-9]{1,2})?");
  private static final Pattern IDENT = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]{0,127}");
  private static final Pattern SEGMENT = Pattern.compile("([A-Za-z0-9_$]+)((?:\\[[0-9]{1,6}\\])*)");

  private Abi() {}

  /** The type of a parameter. */
  static final class Node {
    final String canonical;
    /** Tuple: component names (null when unnamed) and types. */
    final List<String> names;
    final List<Node> components;
    /** Array: element type and length ({@code -1} dynamic). */
    final Node element;
    /** Leaf: its field type (null for fixed-point, which conditions cannot read) and range. */
    final FieldType leaf;
    final BigInteger min;
    final BigInteger max;

    private Node(String canonical, List<String> names, List<Node> components, Node element,
        FieldType leaf, BigInteger min, BigInteger max) {
      this.canonical = canonical;
      this.names = names;
      this.components = components;
      this.element = element;
      this.leaf = leaf;
      this.min = min;
      this.max = max;
    }

    boolean isTuple() {
      return components != null;
    }

    boolean isArray() {
      return element != null;
    }
  }

  /** One function of the ABI. */
  record Fn(String name, Function function, Node inputs) {}

  /** The functions of an ABI (a JSON array of items). */
  static List<Fn> functions(Object abi, String path) {
    List<Object> items = Plain.list(abi, path, 1, MAX_ITEMS);
    List<Fn> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String p = Plain.index(path, i);
      Map<String, Object> item = Plain.object(items.get(i), p, null);
      String type = item.containsKey("type") ? Plain.string(item.get("type"), p + ".type", 1, 32) : "function";
      switch (type) {
        case "function":
          break;
        case "constructor", "event", "fallback", "receive", "error":
          continue;
        default:
          throw new PolicyException(p + ".type", "must be function, constructor, event, fallback, receive or error");
      }
      String name = Plain.string(item.get("name"), p + ".name", 1, 128);
      if (!IDENT.matcher(name).matches()) {
        throw new PolicyException(p + ".name", "is not a function name");
      }
      List<Object> inputs = item.get("inputs") == null ? List.of()
          : Plain.list(item.get("inputs"), p + ".inputs", 0, MAX_PARAMS);
      Node tuple = tuple(inputs, p + ".inputs", 1);
      String signature = name + tuple.canonical;
      Function f;
      try {
        f = Function.parse(signature);
      } catch (IllegalArgumentException e) {
        throw new PolicyException(p, "is not a valid function: its parameter types do not form an ABI signature");
      }
      out.add(new Fn(name, f, tuple));
    }
    return out;
  }

  private static Node tuple(List<Object> params, String path, int depth) {
    if (depth > MAX_NESTING) {
      throw new PolicyException(path, "tuples nest deeper than " + MAX_NESTING + " levels");
    }
    List<String> names = new ArrayList<>();
    List<Node> nodes = new ArrayList<>();
    StringBuilder sig = new StringBuilder("(");
    for (int i = 0; i < params.size(); i++) {
      String p = Plain.index(path, i);
      Map<String, Object> param = Plain.object(params.get(i), p, null);
      Object n = param.get("name");
      String name = n == null || "".equals(n) ? null : Plain.string(n, p + ".name", 1, 128);
      if (name != null && !IDENT.matcher(name).matches()) {
        throw new PolicyException(p + ".name", "is not a parameter name");
      }
      Node node = param(param, p, depth);
      names.add(name);
      nodes.add(node);
      sig.append(i == 0 ? "" : ",").append(node.canonical);
    }
    sig.append(')');
    return new Node(sig.toString(), List.copyOf(listOfNullable(names)), List.copyOf(nodes), null,
        null, null, null);
  }

  private static List<String> listOfNullable(List<String> names) {
    // List.copyOf refuses nulls: unnamed components are kept as ""
    List<String> out = new ArrayList<>(names.size());
    for (String n : names) {
      out.add(n == null ? "" : n);
    }
    return out;
  }

  private static Node param(Map<String, Object> param, String path, int depth) {
    String type = Plain.string(param.get("type"), path + ".type", 1, 256);
    Matcher m = TYPE.matcher(type);
    if (!m.matches()) {
      throw new PolicyException(path + ".type", "is not an ABI type");
    }
    String base = m.group(1);
    Node node;
    if (base.equals("tuple")) {
      List<Object> components = Plain.list(param.get("components"), path + ".components", 0, MAX_PARAMS);
      node = tuple(components, path + ".components", depth + 1);
    } else {
      if (param.get("components") != null) {
        throw new PolicyException(path + ".components", "only a tuple has components");
      }
      node = leaf(base, path + ".type");
    }
    Matcher d = DIM.matcher(m.group(2));
    int dims = 0;
    while (d.find()) {
      if (++dims > MAX_NESTING) {
        throw new PolicyException(path + ".type", "more than " + MAX_NESTING + " array dimensions");
      }
      int length = -1;
      if (!d.group(1).isEmpty()) {
        if (d.group(1).length() > 6 || Integer.parseInt(d.group(1)) == 0) {
          throw new PolicyException(path + ".type", "array length must be 1..999999");
        }
        length = Integer.parseInt(d.group(1));
      }
      node = new Node(node.canonical + "[" + (length < 0 ? "" : length) + "]", null, null, node,
          null, null, null);
    }
    return node;
  }

  private static Node leaf(String base, String path) {
    switch (base) {
      case "address":
        return new Node(base, null, null, null, FieldType.ETH_ADDRESS, null, null);
      case "bool":
        return new Node(base, null, null, null, FieldType.BOOL, null, null);
      case "string":
        return new Node(base, null, null, null, FieldType.STRING, null, null);
      case "bytes":
        return new Node(base, null, null, null, FieldType.HEX, null, null);
      case "function":
        return new Node(base, null, null, null, FieldType.HEX, null, null);
      default:
        break;
    }
    Matcher i = INT.matcher(base);
    if (i.matches()) {
      int bits = i.group(2).isEmpty() ? 256 : Integer.parseInt(i.group(2));
      if (bits < 8 || bits > 256 || bits % 8 != 0) {
        throw new PolicyException(path, "integer width must be 8..256 in steps of 8");
      }
      boolean unsigned = i.group(1).equals("u");
      BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
      BigInteger max = unsigned ? BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
          : BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE);
      return new Node((unsigned ? "uint" : "int") + bits, null, null, null, FieldType.INTEGER, min, max);
    }
    Matcher b = BYTES_N.matcher(base);
    if (b.matches()) {
      int n = Integer.parseInt(b.group(1));
      if (n < 1 || n > 32) {
        throw new PolicyException(path, "bytesN needs N in 1..32");
      }
      return new Node(base, null, null, null, FieldType.HEX, null, null);
    }
    if (FIXED.matcher(base).matches()) {
      String canonical = base.equals("fixed") ? "fixed128x18" : base.equals("ufixed") ? "ufixed128x18" : base;
      return new Node(canonical, null, null, null, null, null, null);
    }
    throw new PolicyException(path, "unknown ABI type '" + Compiled.shorten(base) + "'");
  }

  /** One step of a path: a tuple component, an array index, or every element of an array. */
  private record Step(int component, int index, boolean all) {}

  /** A field resolved in one overload. */
  private record Resolved(int selector, Function function, Step[] steps, boolean many) {}

  /** A compiled calldata field: its type and how to read it from a transaction's calldata. */
  static final class Field implements Compiled.Extractor {
    final FieldType type;
    final BigInteger min;
    final BigInteger max;
    final boolean many;
    private final Resolved[] overloads;

    private Field(FieldType type, BigInteger min, BigInteger max, Resolved[] overloads) {
      this.type = type;
      this.min = min;
      this.max = max;
      this.overloads = overloads;
      boolean m = false;
      for (Resolved r : overloads) {
        m |= r.many;
      }
      this.many = m;
    }

    @Override
    public Object extract(Eval ev, Object element) {
      if (!(ev.payload instanceof EthTransactionPayload tx)) {
        return null;
      }
      byte[] data = tx.data();
      if (data == null || data.length < 4) {
        return null;
      }
      int selector = ((data[0] & 0xff) << 24) | ((data[1] & 0xff) << 16) | ((data[2] & 0xff) << 8)
          | (data[3] & 0xff);
      for (Resolved r : overloads) {
        if (r.selector == selector) {
          Object args = ev.decodedCall(r.function, data);
          if (args == FieldType.UNKNOWN) {
            return FieldType.UNKNOWN;
          }
          if (!r.many) {
            Object v = walk(args, r.steps, 0);
            return v == null ? null : leafValue(v);
          }
          List<Object> out = new ArrayList<>();
          collect(args, r.steps, 0, out);
          return new Compiled.Many(out);
        }
      }
      return null;
    }

    private Object leafValue(Object v) {
      if (v instanceof Address a) {
        return "0x" + a.toString().substring(2).toLowerCase(Locale.ROOT);
      }
      return type.fromPayload(v);
    }

    /** The value at the steps (none of them "all"), or null past the end of an array. */
    private static Object walk(Object v, Step[] steps, int from) {
      for (int i = from; i < steps.length; i++) {
        Step s = steps[i];
        if (s.component >= 0) {
          v = ((Tuple) v).get(s.component);
        } else {
          if (s.index >= Array.getLength(v)) {
            return null;
          }
          v = Array.get(v, s.index);
        }
      }
      return v;
    }

    private void collect(Object v, Step[] steps, int from, List<Object> out) {
      for (int i = from; i < steps.length; i++) {
        Step s = steps[i];
        if (s.all) {
          int n = Array.getLength(v);
          for (int k = 0; k < n; k++) {
            collect(Array.get(v, k), steps, i + 1, out);
          }
          return;
        }
        if (s.component >= 0) {
          v = ((Tuple) v).get(s.component);
        } else {
          if (s.index >= Array.getLength(v)) {
            return;
          }
          v = Array.get(v, s.index);
        }
      }
      out.add(leafValue(v));
    }
  }

  /**
   * The calldata field {@code field} ({@code fn.param...}) in {@code functions}; errors at
   * {@code fieldPath}.
   */
  static Field field(List<Fn> functions, String field, String fieldPath) {
    int dot = field.indexOf('.');
    if (dot <= 0 || dot == field.length() - 1) {
      throw new PolicyException(fieldPath, "must be <function name>.<parameter name>");
    }
    String fnName = field.substring(0, dot);
    String[] segments = field.substring(dot + 1).split("\\.", -1);
    List<Resolved> resolved = new ArrayList<>();
    Node leaf = null;
    String lastError = null;
    boolean named = false;
    for (Fn fn : functions) {
      if (!fn.name.equals(fnName)) {
        continue;
      }
      named = true;
      List<Step> steps = new ArrayList<>();
      Node node = fn.inputs;
      String error = null;
      for (String seg : segments) {
        Matcher m = SEGMENT.matcher(seg);
        if (!m.matches()) {
          throw new PolicyException(fieldPath, "'" + Compiled.shorten(seg) + "' is not a parameter name with optional [index]");
        }
        // an array met before a component name: every element
        while (node.isArray()) {
          steps.add(new Step(-1, -1, true));
          node = node.element;
        }
        if (!node.isTuple()) {
          error = "'" + Compiled.shorten(seg) + "' is past a value that has no components";
          break;
        }
        String name = m.group(1);
        int c = node.names.indexOf(name);
        if (c < 0 && name.chars().allMatch(Character::isDigit) && name.length() < 4
            && Integer.parseInt(name) < node.components.size()) {
          c = Integer.parseInt(name);
        }
        if (c < 0) {
          error = "function " + Compiled.shorten(fnName) + " has no parameter '" + Compiled.shorten(name) + "' there";
          break;
        }
        steps.add(new Step(c, -1, false));
        node = node.components.get(c);
        Matcher d = DIM.matcher(m.group(2));
        while (d.find()) {
          if (!node.isArray()) {
            error = "'" + Compiled.shorten(seg) + "' indexes a value that is not an array";
            break;
          }
          int idx = Integer.parseInt(d.group(1));
          if (node.element != null && lengthOf(node) >= 0 && idx >= lengthOf(node)) {
            error = "index " + idx + " is past the end of " + node.canonical;
            break;
          }
          steps.add(new Step(-1, idx, false));
          node = node.element;
        }
        if (error != null) {
          break;
        }
      }
      if (error == null) {
        while (node.isArray()) {
          steps.add(new Step(-1, -1, true));
          node = node.element;
        }
        if (node.isTuple()) {
          error = "names a tuple: name one of its components";
        } else if (node.leaf == null) {
          error = "fixed-point values cannot be compared";
        }
      }
      if (error != null) {
        lastError = error;
        continue;
      }
      if (leaf != null && !leaf.canonical.equals(node.canonical)) {
        throw new PolicyException(fieldPath, "has a different type in overloads of " + fnName);
      }
      leaf = node;
      boolean many = steps.stream().anyMatch(Step::all);
      byte[] sel = fn.function.selector();
      int selector = ((sel[0] & 0xff) << 24) | ((sel[1] & 0xff) << 16) | ((sel[2] & 0xff) << 8) | (sel[3] & 0xff);
      resolved.add(new Resolved(selector, fn.function, steps.toArray(new Step[0]), many));
    }
    if (!named) {
      throw new PolicyException(fieldPath, "the ABI has no function '" + Compiled.shorten(fnName) + "'");
    }
    if (resolved.isEmpty()) {
      throw new PolicyException(fieldPath, lastError);
    }
    return new Field(leaf.leaf, leaf.min, leaf.max, resolved.toArray(new Resolved[0]));
  }

  private static int lengthOf(Node arrayNode) {
    String c = arrayNode.canonical;
    int open = c.lastIndexOf('[');
    String n = c.substring(open + 1, c.length() - 1);
    return n.isEmpty() ? -1 : Integer.parseInt(n);
  }
}
