package io.nitrosign.chains.ethereum;

import com.esaulpaugh.headlong.rlp.RLPDecoder;
import com.esaulpaugh.headlong.rlp.RLPItem;
import com.esaulpaugh.headlong.rlp.RLPList;
import com.esaulpaugh.headlong.util.Integers;
import io.nitrosign.chains.ChainFormatException;
import java.math.BigInteger;
import java.util.List;

/**
 * Strict RLP reading on top of headlong's decoder: every item must be in its one canonical form
 * (no long form for short payloads, no leading zeros in lengths, single bytes below 0x80 not
 * wrapped), integers carry no leading zero bytes, and nothing may follow the outermost item.
 */
final class EthRlp {

  private EthRlp() {}

  /** Wraps the single top-level list starting at {@code offset}, which must end the buffer. */
  static RLPList topList(byte[] buf, int offset, String field) {
    if (offset >= buf.length) {
      throw new ChainFormatException(field, "truncated: no RLP list");
    }
    RLPItem item = wrap(buf, offset, field);
    if (!item.isList()) {
      throw new ChainFormatException(field, "expected an RLP list");
    }
    if (item.endIndex != buf.length) {
      throw new ChainFormatException(field, (buf.length - item.endIndex) + " trailing byte(s)");
    }
    return item.asRLPList();
  }

  private static RLPItem wrap(byte[] buf, int offset, String field) {
    RLPItem item;
    try {
      item = RLPDecoder.RLP_STRICT.wrap(buf, offset);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new ChainFormatException(field, "malformed or truncated RLP");
    }
    checkCanonicalHeader(buf, item, field);
    return item;
  }

  private static void checkCanonicalHeader(byte[] buf, RLPItem item, String field) {
    int header = item.dataIndex - item.index;
    int expected;
    if (item.isString() && item.dataLength == 1 && (buf[item.dataIndex] & 0xff) < 0x80) {
      expected = 0;
    } else if (item.dataLength < 56) {
      expected = 1;
    } else {
      expected = 1 + Integers.len(item.dataLength);
    }
    if (header != expected) {
      throw new ChainFormatException(field, "non-canonical RLP length prefix");
    }
  }

  /** The elements of {@code list}, each canonical, exactly filling it; at most {@code max}. */
  static List<RLPItem> elements(RLPList list, String field, int max) {
    byte[] buf = list.encoding();
    int base = list.index;
    java.util.ArrayList<RLPItem> out = new java.util.ArrayList<>();
    int end = list.encodingLength();
    int pos = list.dataIndex - base;
    while (pos < end) {
      if (out.size() >= max) {
        throw new ChainFormatException(field, "more than " + max + " elements");
      }
      RLPItem item = wrap(buf, pos, field + "[" + out.size() + "]");
      if (item.endIndex > end) {
        throw new ChainFormatException(field, "element overruns its list");
      }
      out.add(item);
      pos = item.endIndex;
    }
    return out;
  }

  /** The elements of {@code list}, which must number exactly {@code count}. */
  static List<RLPItem> exactly(RLPList list, String field, int count) {
    List<RLPItem> items = elements(list, field, count + 1);
    if (items.size() != count) {
      throw new ChainFormatException(
          field, "expected " + count + " fields, found " + items.size());
    }
    return items;
  }

  static RLPList list(RLPItem item, String field) {
    if (!item.isList()) {
      throw new ChainFormatException(field, "expected an RLP list");
    }
    return item.asRLPList();
  }

  static byte[] bytes(RLPItem item, String field, int maxLength) {
    if (!item.isString()) {
      throw new ChainFormatException(field, "expected an RLP string, found a list");
    }
    if (item.dataLength > maxLength) {
      throw new ChainFormatException(field, "longer than " + maxLength + " bytes");
    }
    return item.data();
  }

  static byte[] fixed(RLPItem item, String field, int length) {
    byte[] b = bytes(item, field, length);
    if (b.length != length) {
      throw new ChainFormatException(field, "must be exactly " + length + " bytes");
    }
    return b;
  }

  /** An unsigned integer of at most {@code maxBytes} bytes, minimal big-endian (0 is empty). */
  static BigInteger uint(RLPItem item, String field, int maxBytes) {
    byte[] b = bytes(item, field, maxBytes);
    if (b.length > 0 && b[0] == 0) {
      throw new ChainFormatException(field, "integer has leading zero bytes");
    }
    return new BigInteger(1, b);
  }

  /** Minimal big-endian bytes of a non-negative integer (empty for zero). */
  static byte[] uintBytes(BigInteger v) {
    return Integers.toBytesUnsigned(v);
  }
}
