package io.nitrosign.chains.ethereum;

import io.nitrosign.chains.ChainFormatException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EIP-712 typed structured data hashing, as used by {@code eth_signTypedData_v4}: the input is
 * the parsed JSON object {@code {types, primaryType, domain, message}}; the digest signed is
 * {@code keccak256(0x19 0x01 || domainSeparator || hashStruct(message))} (or {@code
 * keccak256(0x19 0x01 || domainSeparator)} when {@code primaryType} is {@code EIP712Domain}).
 *
 * <p>Supported: nested structs (with {@code encodeType} listing referenced types sorted by name),
 * arrays fixed and dynamic, nested arrays ({@code T[2][]}), {@code string} and {@code bytes}
 * (hashed), {@code bytes1..32}, {@code uint8..256}/{@code int8..256} range-checked, {@code
 * address}, {@code bool}. Strict: values must be present for every declared field (except that,
 * as in {@code eth_signTypedData_v4}, an absent struct-typed field encodes as 32 zero bytes) and no
 * undeclared field may appear; type names must be declared; numbers are JSON integers or {@code
 * 0x}/decimal strings; byte values are {@code 0x} hex of the exact length. Bounded: nesting depth,
 * number of types, fields, array lengths, values and dynamic bytes; exceeding a bound is a
 * {@link ChainFormatException}.
 */
public final class Eip712 {

  public static final int MAX_DEPTH = 16;
  public static final int MAX_TYPES = 64;
  public static final int MAX_FIELDS_PER_TYPE = 64;
  public static final int MAX_ARRAY_LENGTH = 1024;
  /** Total number of values (leaves, structs and arrays) hashed in domain and message. */
  public static final int MAX_VALUES = 10_000;
  /** Total bytes of {@code string} and {@code bytes} values. */
  public static final int MAX_DYNAMIC_BYTES = 256 * 1024;
  public static final String DOMAIN_TYPE = "EIP712Domain";
  /** Longest field type string, e.g. {@code Person[2][]}. */
  public static final int MAX_TYPE_STRING = 256;

  private static final Pattern IDENT = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]{0,127}");
  private static final Pattern ARRAY_SUFFIX = Pattern.compile("^(.*)\\[([0-9]*)\\]$");
  private static final Pattern INT_TYPE = Pattern.compile("(u?)int([0-9]{1,3})");
  private static final Pattern BYTES_N = Pattern.compile("bytes([0-9]{1,2})");
  private static final Set<String> TOP_KEYS = Set.of("types", "primaryType", "domain", "message");
  /** Standard domain fields, in the order used when {@code types} omits EIP712Domain. */
  private static final String[][] DOMAIN_FIELDS = {
      {"name", "string"}, {"version", "string"}, {"chainId", "uint256"},
      {"verifyingContract", "address"}, {"salt", "bytes32"}};

  /** The result: domain separator, hashStruct(message) (null for primaryType EIP712Domain), digest. */
  public record Digest(byte[] domainSeparator, byte[] messageHash, byte[] digest) {}

  private record Field(String name, String type) {}

  private final Map<String, List<Field>> types;
  private final Map<String, byte[]> typeHashes = new HashMap<>();
  private int values;
  private long dynamicBytes;

  private Eip712(Map<String, List<Field>> types) {
    this.types = types;
  }

  /**
   * Hashes {@code eth_signTypedData_v4} typed data (the parsed JSON object).
   *
   * @throws ChainFormatException naming the offending part ({@code typedData.types.Mail[1]},
   *     {@code typedData.message.to.wallet}, ...)
   */
  public static Digest hash(Map<String, ?> typedData) {
    if (typedData == null) {
      throw new ChainFormatException("typedData", "is missing");
    }
    for (String k : typedData.keySet()) {
      if (!TOP_KEYS.contains(k)) {
        throw new ChainFormatException("typedData." + k, "unknown field");
      }
    }
    Object primaryV = typedData.get("primaryType");
    if (!(primaryV instanceof String)) {
      throw new ChainFormatException("typedData.primaryType", "must be a string");
    }
    String primary = (String) primaryV;
    Map<?, ?> domain = EthJson.object(typedData.get("domain"), "typedData.domain");
    Map<String, List<Field>> types = parseTypes(
        EthJson.object(typedData.get("types"), "typedData.types"), domain);
    Eip712 h = new Eip712(types);
    if (!types.containsKey(primary)) {
      throw new ChainFormatException("typedData.primaryType", "type '" + primary + "' is not defined");
    }
    byte[] domainSeparator = h.hashStruct(DOMAIN_TYPE, domain, "typedData.domain", 1);
    byte[] prefix = {0x19, 0x01};
    if (DOMAIN_TYPE.equals(primary)) {
      if (typedData.get("message") != null && !(typedData.get("message") instanceof Map
          && ((Map<?, ?>) typedData.get("message")).isEmpty())) {
        throw new ChainFormatException("typedData.message", "must be empty when primaryType is EIP712Domain");
      }
      return new Digest(domainSeparator, null, Keccak256.hash(prefix, domainSeparator));
    }
    Map<?, ?> message = EthJson.object(typedData.get("message"), "typedData.message");
    byte[] messageHash = h.hashStruct(primary, message, "typedData.message", 1);
    return new Digest(domainSeparator, messageHash, Keccak256.hash(prefix, domainSeparator, messageHash));
  }

  /** {@code encodeType(primaryType)} of the given typed data's {@code types}, for inspection. */
  public static String encodeType(Map<String, ?> typedData, String primaryType) {
    Map<?, ?> domain = typedData.get("domain") instanceof Map ? (Map<?, ?>) typedData.get("domain") : Map.of();
    Eip712 h = new Eip712(parseTypes(EthJson.object(typedData.get("types"), "typedData.types"), domain));
    if (!h.types.containsKey(primaryType)) {
      throw new ChainFormatException("typedData.primaryType", "type '" + primaryType + "' is not defined");
    }
    return h.encodeType(primaryType);
  }

  // ------------------------------------------------------------------ types

  private static Map<String, List<Field>> parseTypes(Map<?, ?> raw, Map<?, ?> domain) {
    if (raw.size() > MAX_TYPES) {
      throw new ChainFormatException("typedData.types", "more than " + MAX_TYPES + " types");
    }
    Map<String, List<Field>> types = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : raw.entrySet()) {
      String name = String.valueOf(e.getKey());
      String f = "typedData.types." + name;
      if (!(e.getKey() instanceof String) || !IDENT.matcher(name).matches() || isAtomic(name)) {
        throw new ChainFormatException(f, "invalid struct type name");
      }
      List<?> fields = EthJson.list(e.getValue(), f, MAX_FIELDS_PER_TYPE);
      List<Field> parsed = new ArrayList<>();
      Set<String> seen = new TreeSet<>();
      for (int i = 0; i < fields.size(); i++) {
        String ff = f + "[" + i + "]";
        Map<?, ?> def = EthJson.object(fields.get(i), ff);
        if (def.size() != 2 || !(def.get("name") instanceof String) || !(def.get("type") instanceof String)) {
          throw new ChainFormatException(ff, "must be exactly {name, type} strings");
        }
        String fname = (String) def.get("name");
        String ftype = (String) def.get("type");
        if (ftype.length() > MAX_TYPE_STRING) {
          throw new ChainFormatException(ff + ".type", "longer than " + MAX_TYPE_STRING + " characters");
        }
        if (!IDENT.matcher(fname).matches()) {
          throw new ChainFormatException(ff + ".name", "invalid field name");
        }
        if (!seen.add(fname)) {
          throw new ChainFormatException(ff + ".name", "duplicate field '" + fname + "'");
        }
        parsed.add(new Field(fname, ftype));
      }
      types.put(name, parsed);
    }
    if (!types.containsKey(DOMAIN_TYPE)) {
      // Not declared: use the standard fields present in the domain, in the standard order.
      List<Field> inferred = new ArrayList<>();
      for (String[] df : DOMAIN_FIELDS) {
        if (domain.containsKey(df[0])) {
          inferred.add(new Field(df[0], df[1]));
        }
      }
      types.put(DOMAIN_TYPE, inferred);
    }
    // every referenced type must resolve, array dimensions must be sane
    for (Map.Entry<String, List<Field>> e : types.entrySet()) {
      for (int i = 0; i < e.getValue().size(); i++) {
        checkType(types, e.getValue().get(i).type, "typedData.types." + e.getKey() + "[" + i + "].type");
      }
    }
    return types;
  }

  private static void checkType(Map<String, List<Field>> types, String type, String field) {
    String base = type;
    int dims = 0;
    Matcher m;
    while ((m = ARRAY_SUFFIX.matcher(base)).matches()) {
      if (++dims > MAX_DEPTH) {
        throw new ChainFormatException(field, "too many array dimensions");
      }
      String len = m.group(2);
      if (!len.isEmpty()) {
        if (len.length() > 4 || (len.length() > 1 && len.charAt(0) == '0')
            || Integer.parseInt(len) > MAX_ARRAY_LENGTH) {
          throw new ChainFormatException(field, "invalid fixed array length " + len);
        }
      }
      base = m.group(1);
    }
    if (!isAtomic(base) && !types.containsKey(base)) {
      throw new ChainFormatException(field, "unknown type '" + base + "'");
    }
  }

  private static boolean isAtomic(String t) {
    if (t.equals("bool") || t.equals("address") || t.equals("string") || t.equals("bytes")) {
      return true;
    }
    Matcher m = INT_TYPE.matcher(t);
    if (m.matches()) {
      return validBits(m.group(2));
    }
    m = BYTES_N.matcher(t);
    if (m.matches()) {
      String n = m.group(1);
      return n.charAt(0) != '0' && Integer.parseInt(n) >= 1 && Integer.parseInt(n) <= 32;
    }
    return false;
  }

  private static boolean validBits(String bits) {
    if (bits.charAt(0) == '0') {
      return false;
    }
    int b = Integer.parseInt(bits);
    return b >= 8 && b <= 256 && b % 8 == 0;
  }

  private static String baseOf(String type) {
    Matcher m;
    String base = type;
    while ((m = ARRAY_SUFFIX.matcher(base)).matches()) {
      base = m.group(1);
    }
    return base;
  }

  /** {@code encodeType}: the type's definition then its dependencies' sorted by name. */
  private String encodeType(String primary) {
    TreeSet<String> deps = new TreeSet<>();
    collectDependencies(primary, deps);
    deps.remove(primary);
    StringBuilder sb = new StringBuilder();
    appendDefinition(sb, primary);
    for (String d : deps) {
      appendDefinition(sb, d);
    }
    return sb.toString();
  }

  private void collectDependencies(String type, Set<String> found) {
    if (isAtomic(type) || !found.add(type)) {
      return;
    }
    for (Field f : types.get(type)) {
      String base = baseOf(f.type);
      if (!isAtomic(base)) {
        collectDependencies(base, found);
      }
    }
  }

  private void appendDefinition(StringBuilder sb, String type) {
    sb.append(type).append('(');
    List<Field> fields = types.get(type);
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(fields.get(i).type).append(' ').append(fields.get(i).name);
    }
    sb.append(')');
  }

  private byte[] typeHash(String type) {
    return typeHashes.computeIfAbsent(type,
        t -> Keccak256.hash(encodeType(t).getBytes(StandardCharsets.UTF_8)));
  }

  // ------------------------------------------------------------------ values

  private void count(String path) {
    if (++values > MAX_VALUES) {
      throw new ChainFormatException(path, "typed data has more than " + MAX_VALUES + " values");
    }
  }

  private void checkDepth(int depth, String path) {
    if (depth > MAX_DEPTH) {
      throw new ChainFormatException(path, "nested deeper than " + MAX_DEPTH);
    }
  }

  private byte[] hashStruct(String type, Map<?, ?> value, String path, int depth) {
    checkDepth(depth, path);
    count(path);
    List<Field> fields = types.get(type);
    for (Object k : value.keySet()) {
      if (fields.stream().noneMatch(f -> f.name.equals(k))) {
        throw new ChainFormatException(path + "." + k, "not a field of " + type);
      }
    }
    byte[] out = new byte[32 * (fields.size() + 1)];
    System.arraycopy(typeHash(type), 0, out, 0, 32);
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      String p = path + "." + f.name;
      if (!value.containsKey(f.name) || value.get(f.name) == null) {
        if (types.containsKey(f.type)) {
          // eth_signTypedData_v4 (MetaMask eth-sig-util): an absent struct value encodes as
          // 32 zero bytes; this is what lets recursive types terminate.
          continue;
        }
        throw new ChainFormatException(p, "is missing");
      }
      System.arraycopy(encodeValue(f.type, value.get(f.name), p, depth), 0, out, 32 * (i + 1), 32);
    }
    return Keccak256.hash(out);
  }

  /** The 32-byte encoding of one value in {@code encodeData}. */
  private byte[] encodeValue(String type, Object v, String path, int depth) {
    Matcher arr = ARRAY_SUFFIX.matcher(type);
    if (arr.matches()) {
      checkDepth(depth + 1, path);
      count(path);
      List<?> items = EthJson.list(v, path, MAX_ARRAY_LENGTH);
      if (!arr.group(2).isEmpty() && items.size() != Integer.parseInt(arr.group(2))) {
        throw new ChainFormatException(path, "must have exactly " + arr.group(2) + " elements");
      }
      byte[] concat = new byte[32 * items.size()];
      for (int i = 0; i < items.size(); i++) {
        Object item = items.get(i);
        String p = path + "[" + i + "]";
        if (item == null) {
          throw new ChainFormatException(p, "is null");
        }
        System.arraycopy(encodeValue(arr.group(1), item, p, depth + 1), 0, concat, 32 * i, 32);
      }
      return Keccak256.hash(concat);
    }
    if (types.containsKey(type)) {
      return hashStruct(type, EthJson.object(v, path), path, depth + 1);
    }
    count(path);
    switch (type) {
      case "string": {
        if (!(v instanceof String)) {
          throw new ChainFormatException(path, "must be a string");
        }
        byte[] utf8 = ((String) v).getBytes(StandardCharsets.UTF_8);
        addDynamic(utf8.length, path);
        return Keccak256.hash(utf8);
      }
      case "bytes": {
        byte[] b = EthJson.hexBytes(v, path, MAX_DYNAMIC_BYTES);
        addDynamic(b.length, path);
        return Keccak256.hash(b);
      }
      case "address":
        return leftPad(EthJson.address(v, path));
      case "bool":
        if (!(v instanceof Boolean)) {
          throw new ChainFormatException(path, "must be true or false");
        }
        return leftPad(new byte[] {(byte) (((Boolean) v) ? 1 : 0)});
      default:
        break;
    }
    Matcher bn = BYTES_N.matcher(type);
    if (bn.matches()) {
      return Arrays.copyOf(EthJson.fixedHex(v, path, Integer.parseInt(bn.group(1))), 32);
    }
    Matcher in = INT_TYPE.matcher(type);
    if (in.matches()) {
      int bits = Integer.parseInt(in.group(2));
      BigInteger n = EthJson.integer(v, path);
      boolean unsigned = in.group(1).equals("u");
      BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
      BigInteger max = unsigned ? BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
          : BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE);
      if (n.compareTo(min) < 0 || n.compareTo(max) > 0) {
        throw new ChainFormatException(path, "out of range for " + type);
      }
      return word(n);
    }
    // unreachable: checkType validated every type
    throw new ChainFormatException(path, "unknown type '" + type + "'");
  }

  private void addDynamic(int length, String path) {
    dynamicBytes += length;
    if (dynamicBytes > MAX_DYNAMIC_BYTES) {
      throw new ChainFormatException(path, "typed data has more than " + MAX_DYNAMIC_BYTES
          + " bytes of string/bytes values");
    }
  }

  private static byte[] leftPad(byte[] b) {
    byte[] out = new byte[32];
    System.arraycopy(b, 0, out, 32 - b.length, b.length);
    return out;
  }

  /** A 256-bit two's complement word. */
  private static byte[] word(BigInteger n) {
    byte[] two = n.toByteArray();
    byte[] out = new byte[32];
    if (n.signum() < 0) {
      Arrays.fill(out, (byte) 0xff);
    }
    int len = Math.min(two.length, 32);
    System.arraycopy(two, two.length - len, out, 32 - len, len);
    return out;
  }
}
