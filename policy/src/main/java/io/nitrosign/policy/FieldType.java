package io.nitrosign.policy;

import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.ethereum.EthereumAddress;
import io.nitrosign.chains.solana.SolanaAddress;
import io.nitrosign.chains.stellar.StrKey;
import java.math.BigInteger;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * The type of a condition field: which operators it takes, how a condition's value is read when
 * the policy is written, and how a payload's value is brought to the same form when it is
 * evaluated. Runtime values: {@code INTEGER} a {@link BigInteger}; {@code ETH_ADDRESS}
 * {@code 0x} + 40 lower-case hex digits (addresses compare case-insensitively); Solana and
 * Stellar addresses and strings a {@link String} compared exactly (a muxed Stellar {@code M…}
 * account is its base {@code G…} account); Bitcoin addresses a {@link String}, bech32 ones
 * lower-cased (bech32 is case-insensitive); {@code HEX} a {@code byte[]} (the operators compare
 * bytes, so {@code starts_with "0xa9059cbb"} is a selector test and never matches half a byte);
 * {@code BOOL} a {@link Boolean}.
 */
enum FieldType {
  INTEGER, ETH_ADDRESS, SOLANA_ADDRESS, STELLAR_ADDRESS, BITCOIN_ADDRESS, STRING, HEX, BOOL;

  /** Longest accepted string value of a condition. */
  static final int MAX_VALUE_CHARS = 1024;

  private static final Set<Operator> NUMERIC = EnumSet.of(Operator.EQ, Operator.GT, Operator.GTE,
      Operator.LT, Operator.LTE, Operator.IN, Operator.IN_CONDITION_SET);
  private static final Set<Operator> ADDRESS = EnumSet.of(Operator.EQ, Operator.IN,
      Operator.IN_CONDITION_SET);
  private static final Set<Operator> TEXT = EnumSet.of(Operator.EQ, Operator.IN,
      Operator.IN_CONDITION_SET, Operator.CONTAINS, Operator.STARTS_WITH, Operator.ENDS_WITH);
  private static final Set<Operator> BOOLEAN = EnumSet.of(Operator.EQ, Operator.IN);

  /** What a payload value could not be read as: a condition on it is undecidable. */
  static final Object UNKNOWN = new Object() {
    @Override
    public String toString() {
      return "unknown";
    }
  };

  Set<Operator> operators() {
    return switch (this) {
      case INTEGER -> NUMERIC;
      case ETH_ADDRESS, SOLANA_ADDRESS, STELLAR_ADDRESS, BITCOIN_ADDRESS -> ADDRESS;
      case STRING, HEX -> TEXT;
      case BOOL -> BOOLEAN;
    };
  }

  String describe() {
    return switch (this) {
      case INTEGER -> "an integer";
      case ETH_ADDRESS -> "an Ethereum address";
      case SOLANA_ADDRESS -> "a Solana address";
      case STELLAR_ADDRESS -> "a Stellar account";
      case BITCOIN_ADDRESS -> "a Bitcoin address";
      case STRING -> "a string";
      case HEX -> "a hex byte string";
      case BOOL -> "a boolean";
    };
  }

  /**
   * A condition's value for a field of this type (and for integers, of range
   * {@code min..max}), in runtime form; {@code affix} for contains/starts_with/ends_with, which
   * need a non-empty value.
   */
  Object parse(String s, BigInteger min, BigInteger max, boolean affix, String path) {
    if (s.length() > MAX_VALUE_CHARS) {
      throw new PolicyException(path, "longer than " + MAX_VALUE_CHARS + " characters");
    }
    switch (this) {
      case INTEGER: {
        BigInteger n = integer(s);
        if (n == null) {
          throw new PolicyException(path, "must be an integer: decimal digits or 0x and hex digits");
        }
        if (n.compareTo(min) < 0 || n.compareTo(max) > 0) {
          throw new PolicyException(path, "out of range " + min + ".." + max);
        }
        return n;
      }
      case ETH_ADDRESS: {
        String a = ethAddress(s);
        if (a == null) {
          throw new PolicyException(path, "must be an Ethereum address (0x and 40 hex digits)");
        }
        String digits = s.substring(2);
        if (!digits.equals(digits.toLowerCase(Locale.ROOT)) && !digits.equals(digits.toUpperCase(Locale.ROOT))
            && !EthereumAddress.checksum(s).equals(s)) {
          throw new PolicyException(path, "mixed-case address with an invalid EIP-55 checksum");
        }
        return a;
      }
      case SOLANA_ADDRESS:
        if (!SolanaAddress.isValid(s)) {
          throw new PolicyException(path, "must be a Solana address (base58 of 32 bytes)");
        }
        return s;
      case STELLAR_ADDRESS:
        if (s.startsWith("M")) {
          throw new PolicyException(path, "must be a G… account: a muxed M… account is matched by its G… account");
        }
        try {
          StrKey.decodeAccountId(s);
        } catch (ChainFormatException e) {
          throw new PolicyException(path, "must be a Stellar account (G… strkey)");
        }
        return s;
      case BITCOIN_ADDRESS: {
        if (s.isEmpty() || s.length() > 100 || !s.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c))) {
          throw new PolicyException(path, "must be a Bitcoin address (letters and digits)");
        }
        return bitcoinAddress(s);
      }
      case STRING:
        if (affix && s.isEmpty()) {
          throw new PolicyException(path, "must not be empty");
        }
        return s;
      case HEX: {
        byte[] b = hex(s);
        if (b == null) {
          throw new PolicyException(path, "must be 0x and an even number of hex digits");
        }
        if (affix && b.length == 0) {
          throw new PolicyException(path, "must not be empty");
        }
        return b;
      }
      case BOOL:
        if (s.equals("true") || s.equals("false")) {
          return Boolean.valueOf(s);
        }
        throw new PolicyException(path, "must be \"true\" or \"false\"");
      default:
        throw new IllegalStateException();
    }
  }

  /**
   * A payload's value in runtime form, or {@link #UNKNOWN} when it is not of this type (a
   * condition on it is then undecidable). {@code raw} is not null.
   */
  Object fromPayload(Object raw) {
    switch (this) {
      case INTEGER:
        if (raw instanceof BigInteger b) {
          return b;
        }
        if (raw instanceof Long || raw instanceof Integer || raw instanceof Short || raw instanceof Byte) {
          return BigInteger.valueOf(((Number) raw).longValue());
        }
        if (raw instanceof String s && s.length() <= 80) {
          BigInteger n = s.startsWith("-") && s.length() > 1 && s.length() <= 80
              && s.chars().skip(1).allMatch(c -> c >= '0' && c <= '9')
              ? new BigInteger(s) : integer(s);
          return n == null ? UNKNOWN : n;
        }
        return UNKNOWN;
      case ETH_ADDRESS: {
        String a = raw instanceof String s ? ethAddress(s) : null;
        return a == null ? UNKNOWN : a;
      }
      case SOLANA_ADDRESS:
      case STRING:
        return raw instanceof String ? raw : UNKNOWN;
      case STELLAR_ADDRESS: {
        String a = raw instanceof String s ? stellarAccount(s) : null;
        return a == null ? UNKNOWN : a;
      }
      case BITCOIN_ADDRESS:
        return raw instanceof String s ? bitcoinAddress(s) : UNKNOWN;
      case HEX:
        if (raw instanceof byte[]) {
          return raw;
        }
        if (raw instanceof String s) {
          byte[] b = hex(s);
          return b == null ? UNKNOWN : b;
        }
        return UNKNOWN;
      case BOOL:
        return raw instanceof Boolean ? raw : UNKNOWN;
      default:
        throw new IllegalStateException();
    }
  }

  /**
   * The text of a runtime value: what {@code in_condition_set} looks up (through
   * {@link Values#normalizeItem}) and what group keys are made of. Integers in decimal.
   */
  static String text(Object v) {
    if (v instanceof byte[] b) {
      return "0x" + HexFormat.of().formatHex(b);
    }
    return String.valueOf(v);
  }

  /** Decimal digits, or 0x and hex digits; null otherwise. Unsigned, at most 78/64 digits. */
  static BigInteger integer(String s) {
    if (s.startsWith("0x") || s.startsWith("0X")) {
      int n = s.length() - 2;
      if (n < 1 || n > 64) {
        return null;
      }
      for (int i = 2; i < s.length(); i++) {
        if (Character.digit(s.charAt(i), 16) < 0) {
          return null;
        }
      }
      return new BigInteger(s.substring(2), 16);
    }
    if (s.isEmpty() || s.length() > 78) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    return new BigInteger(s);
  }

  /** Lower-case {@code 0x} + 40 hex digits, or null. */
  static String ethAddress(String s) {
    if (s.length() != 42 || s.charAt(0) != '0' || (s.charAt(1) != 'x' && s.charAt(1) != 'X')) {
      return null;
    }
    for (int i = 2; i < 42; i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return null;
      }
    }
    return "0x" + s.substring(2).toLowerCase(Locale.ROOT);
  }

  static byte[] hex(String s) {
    if (!s.startsWith("0x") || s.length() % 2 != 0) {
      return null;
    }
    for (int i = 2; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return null;
      }
    }
    return HexFormat.of().parseHex(s, 2, s.length());
  }

  /** Bech32 addresses are case-insensitive: lower-cased; base58 ones as given. */
  static String bitcoinAddress(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.startsWith("bc1") || lower.startsWith("tb1") || lower.startsWith("bcrt1")) {
      return lower;
    }
    return s;
  }

  /**
   * A muxed {@code M…} account as its base {@code G…} account (null when it does not decode);
   * anything else as given.
   */
  static String stellarAccount(String s) {
    if (s.startsWith("M")) {
      try {
        return StrKey.encodeAccountId(StrKey.decodeMuxedAccount(s).ed25519());
      } catch (ChainFormatException e) {
        return null;
      }
    }
    return s;
  }
}
