package io.nitrosign.chains.ethereum;

import com.esaulpaugh.headlong.rlp.RLPEncoder;
import com.esaulpaugh.headlong.rlp.RLPItem;
import com.esaulpaugh.headlong.rlp.RLPList;
import io.nitrosign.chains.ChainFormatException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An unsigned Ethereum transaction of one of the supported envelopes, decoded strictly either from
 * its unsigned RLP signing payload or from JSON fields:
 *
 * <ul>
 *   <li>type 0, legacy: EIP-155 ({@code rlp([nonce, gasPrice, gas, to, value, data, chainId, 0,
 *       0])}); pre-EIP-155 (six fields, no chain id, replayable across chains) only when the
 *       caller explicitly allows it;
 *   <li>type 1, EIP-2930: {@code 0x01 || rlp([chainId, nonce, gasPrice, gas, to, value, data,
 *       accessList])};
 *   <li>type 2, EIP-1559: {@code 0x02 || rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas,
 *       gas, to, value, data, accessList])};
 *   <li>type 3, EIP-4844: {@code 0x03 || rlp([... accessList, maxFeePerBlobGas,
 *       blobVersionedHashes])}; signing form only — blobs, commitments and proofs (the network
 *       sidecar) are not handled, and {@link #encodeSigned} returns the canonical form whose
 *       keccak is the transaction hash;
 *   <li>type 4, EIP-7702: {@code 0x04 || rlp([... accessList, authorizationList])}.
 * </ul>
 *
 * <p>{@link #signingHash()} is keccak256 of the signing payload; {@link #encodeSigned} appends a
 * signature and returns the raw signed transaction; {@link #txHash} is keccak256 of that.
 */
public final class EthTransaction {

  /** Transaction size bound (go-ethereum's txpool limit, 4 × 32 KiB). */
  public static final int MAX_TX_BYTES = 128 * 1024;
  /** Access list bounds. */
  public static final int MAX_ACCESS_LIST_ENTRIES = 4096;
  public static final int MAX_STORAGE_KEYS = 16384;
  /** Blob hash bound per transaction (generous over the protocol's per-block maximum). */
  public static final int MAX_BLOB_HASHES = 16;
  public static final int MAX_AUTHORIZATIONS = 1024;
  /** EIP-2294's bound on chain ids: the largest value for which {@code v} fits in a uint64. */
  public static final long MAX_CHAIN_ID = (Long.MAX_VALUE - 36) / 2;

  public static final int LEGACY = 0;
  public static final int ACCESS_LIST = 1;
  public static final int DYNAMIC_FEE = 2;
  public static final int BLOB = 3;
  public static final int SET_CODE = 4;

  private static final BigInteger MAX_NONCE = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  /** secp256k1 group order; signatures must have 0 < r < n and 0 < s <= n/2 (EIP-2 low S). */
  static final BigInteger SECP256K1_N = new BigInteger(
      "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16);
  private static final BigInteger HALF_N = SECP256K1_N.shiftRight(1);

  private final int type;
  private final Long chainId; // null only for pre-EIP-155 legacy
  private final BigInteger nonce;
  private final BigInteger gasPrice; // types 0, 1
  private final BigInteger maxPriorityFeePerGas; // types 2-4
  private final BigInteger maxFeePerGas; // types 2-4
  private final BigInteger gasLimit;
  private final byte[] to; // null: contract creation (types 0-2)
  private final BigInteger value;
  private final byte[] data;
  private final List<AccessListEntry> accessList;
  private final BigInteger maxFeePerBlobGas; // type 3
  private final List<byte[]> blobVersionedHashes; // type 3
  private final List<Eip7702Authorization> authorizationList; // type 4

  private EthTransaction(Builder b) {
    this.type = b.type;
    this.chainId = b.chainId;
    this.nonce = b.nonce;
    this.gasPrice = b.gasPrice;
    this.maxPriorityFeePerGas = b.maxPriorityFeePerGas;
    this.maxFeePerGas = b.maxFeePerGas;
    this.gasLimit = b.gasLimit;
    this.to = b.to;
    this.value = b.value;
    this.data = b.data;
    this.accessList = Collections.unmodifiableList(new ArrayList<>(b.accessList));
    this.maxFeePerBlobGas = b.maxFeePerBlobGas;
    this.blobVersionedHashes = Collections.unmodifiableList(new ArrayList<>(b.blobHashes));
    this.authorizationList = Collections.unmodifiableList(new ArrayList<>(b.authorizations));
    validate();
  }

  private static final class Builder {
    int type;
    Long chainId;
    BigInteger nonce;
    BigInteger gasPrice;
    BigInteger maxPriorityFeePerGas;
    BigInteger maxFeePerGas;
    BigInteger gasLimit;
    byte[] to;
    BigInteger value;
    byte[] data;
    List<AccessListEntry> accessList = List.of();
    BigInteger maxFeePerBlobGas;
    List<byte[]> blobHashes = List.of();
    List<Eip7702Authorization> authorizations = List.of();
  }

  private void validate() {
    if (chainId == null && type != LEGACY) {
      throw new ChainFormatException("tx.chainId", "is required for typed transactions");
    }
    if (chainId != null && (chainId < 1 || chainId > MAX_CHAIN_ID)) {
      throw new ChainFormatException("tx.chainId", "must be between 1 and " + MAX_CHAIN_ID);
    }
    if (nonce.compareTo(MAX_NONCE) >= 0) {
      throw new ChainFormatException("tx.nonce", "must be below 2^64-1 (EIP-2681)");
    }
    if ((type == BLOB || type == SET_CODE) && to == null) {
      throw new ChainFormatException("tx.to", "is required for type " + type + " (no contract creation)");
    }
    if (type == BLOB && blobVersionedHashes.isEmpty()) {
      throw new ChainFormatException("tx.blobVersionedHashes", "must not be empty");
    }
    for (int i = 0; i < blobVersionedHashes.size(); i++) {
      if (blobVersionedHashes.get(i)[0] != 0x01) {
        throw new ChainFormatException("tx.blobVersionedHashes[" + i + "]",
            "version byte must be 0x01 (VERSIONED_HASH_VERSION_KZG)");
      }
    }
    if (type == SET_CODE && authorizationList.isEmpty()) {
      throw new ChainFormatException("tx.authorizationList", "must not be empty");
    }
    if (type >= DYNAMIC_FEE && maxPriorityFeePerGas.compareTo(maxFeePerGas) > 0) {
      throw new ChainFormatException("tx.maxPriorityFeePerGas", "exceeds maxFeePerGas");
    }
  }

  // ---------------------------------------------------------------- RLP decoding

  /**
   * Decodes the unsigned signing payload of a transaction (what {@link #signingPayload()}
   * returns). Pre-EIP-155 legacy payloads (six fields) are refused unless
   * {@code allowPreEip155}.
   *
   * @throws ChainFormatException on any malformed, non-canonical, truncated, over-long or
   *     trailing input, or an unknown type
   */
  public static EthTransaction decodeUnsigned(byte[] payload, boolean allowPreEip155) {
    if (payload == null || payload.length == 0) {
      throw new ChainFormatException("tx", "empty");
    }
    if (payload.length > MAX_TX_BYTES) {
      throw new ChainFormatException("tx", "larger than " + MAX_TX_BYTES + " bytes");
    }
    int first = payload[0] & 0xff;
    if (first >= 0xc0) {
      return decodeLegacy(EthRlp.topList(payload, 0, "tx"), allowPreEip155);
    }
    if (first < 0x01 || first > 0x04) {
      throw new ChainFormatException("tx.type", first >= 0x80
          ? "not a transaction (an RLP string, not a typed envelope or list)"
          : "unknown transaction type 0x" + Integer.toHexString(first));
    }
    RLPList list = EthRlp.topList(payload, 1, "tx");
    Builder b = new Builder();
    b.type = first;
    int count = switch (first) {
      case ACCESS_LIST -> 8;
      case DYNAMIC_FEE -> 9;
      case BLOB -> 11;
      default -> 10;
    };
    List<RLPItem> f = EthRlp.exactly(list, "tx", count);
    int i = 0;
    b.chainId = chainIdFrom(EthRlp.uint(f.get(i++), "tx.chainId", 8));
    b.nonce = EthRlp.uint(f.get(i++), "tx.nonce", 8);
    if (first == ACCESS_LIST) {
      b.gasPrice = EthRlp.uint(f.get(i++), "tx.gasPrice", 32);
    } else {
      b.maxPriorityFeePerGas = EthRlp.uint(f.get(i++), "tx.maxPriorityFeePerGas", 32);
      b.maxFeePerGas = EthRlp.uint(f.get(i++), "tx.maxFeePerGas", 32);
    }
    b.gasLimit = EthRlp.uint(f.get(i++), "tx.gas", 8);
    b.to = toFrom(f.get(i++));
    b.value = EthRlp.uint(f.get(i++), "tx.value", 32);
    b.data = EthRlp.bytes(f.get(i++), "tx.data", MAX_TX_BYTES);
    b.accessList = accessListFrom(f.get(i++));
    if (first == BLOB) {
      b.maxFeePerBlobGas = EthRlp.uint(f.get(i++), "tx.maxFeePerBlobGas", 32);
      RLPList hashes = EthRlp.list(f.get(i++), "tx.blobVersionedHashes");
      List<byte[]> out = new ArrayList<>();
      List<RLPItem> items = EthRlp.elements(hashes, "tx.blobVersionedHashes", MAX_BLOB_HASHES);
      for (int k = 0; k < items.size(); k++) {
        out.add(EthRlp.fixed(items.get(k), "tx.blobVersionedHashes[" + k + "]", 32));
      }
      b.blobHashes = out;
    } else if (first == SET_CODE) {
      RLPList auths = EthRlp.list(f.get(i++), "tx.authorizationList");
      List<RLPItem> items = EthRlp.elements(auths, "tx.authorizationList", MAX_AUTHORIZATIONS);
      List<Eip7702Authorization> out = new ArrayList<>();
      for (int k = 0; k < items.size(); k++) {
        out.add(Eip7702Authorization.fromRlp(items.get(k), "tx.authorizationList[" + k + "]"));
      }
      b.authorizations = out;
    }
    return new EthTransaction(b);
  }

  private static EthTransaction decodeLegacy(RLPList list, boolean allowPreEip155) {
    List<RLPItem> f = EthRlp.elements(list, "tx", 10);
    if (f.size() != 9 && f.size() != 6) {
      throw new ChainFormatException("tx", "legacy payload must have 9 fields (EIP-155) or 6, found " + f.size());
    }
    Builder b = new Builder();
    b.type = LEGACY;
    b.nonce = EthRlp.uint(f.get(0), "tx.nonce", 8);
    b.gasPrice = EthRlp.uint(f.get(1), "tx.gasPrice", 32);
    b.gasLimit = EthRlp.uint(f.get(2), "tx.gas", 8);
    b.to = toFrom(f.get(3));
    b.value = EthRlp.uint(f.get(4), "tx.value", 32);
    b.data = EthRlp.bytes(f.get(5), "tx.data", MAX_TX_BYTES);
    if (f.size() == 6) {
      if (!allowPreEip155) {
        throw new ChainFormatException("tx.chainId", "pre-EIP-155 transaction (no chain id) not allowed");
      }
      b.chainId = null;
    } else {
      b.chainId = chainIdFrom(EthRlp.uint(f.get(6), "tx.chainId", 8));
      if (EthRlp.uint(f.get(7), "tx.r", 0).signum() != 0) {
        throw new ChainFormatException("tx.r", "must be empty in the EIP-155 signing payload");
      }
      if (EthRlp.uint(f.get(8), "tx.s", 0).signum() != 0) {
        throw new ChainFormatException("tx.s", "must be empty in the EIP-155 signing payload");
      }
    }
    return new EthTransaction(b);
  }

  private static Long chainIdFrom(BigInteger v) {
    if (v.signum() == 0 || v.compareTo(BigInteger.valueOf(MAX_CHAIN_ID)) > 0) {
      throw new ChainFormatException("tx.chainId", "must be between 1 and " + MAX_CHAIN_ID);
    }
    return v.longValue();
  }

  private static byte[] toFrom(RLPItem item) {
    byte[] to = EthRlp.bytes(item, "tx.to", 20);
    if (to.length == 0) {
      return null;
    }
    if (to.length != 20) {
      throw new ChainFormatException("tx.to", "must be empty or 20 bytes");
    }
    return to;
  }

  private static List<AccessListEntry> accessListFrom(RLPItem item) {
    RLPList list = EthRlp.list(item, "tx.accessList");
    List<RLPItem> entries = EthRlp.elements(list, "tx.accessList", MAX_ACCESS_LIST_ENTRIES);
    List<AccessListEntry> out = new ArrayList<>();
    int totalKeys = 0;
    for (int i = 0; i < entries.size(); i++) {
      String f = "tx.accessList[" + i + "]";
      List<RLPItem> pair = EthRlp.exactly(EthRlp.list(entries.get(i), f), f, 2);
      byte[] address = EthRlp.fixed(pair.get(0), f + ".address", 20);
      List<RLPItem> keyItems = EthRlp.elements(
          EthRlp.list(pair.get(1), f + ".storageKeys"), f + ".storageKeys", MAX_STORAGE_KEYS);
      totalKeys += keyItems.size();
      if (totalKeys > MAX_STORAGE_KEYS) {
        throw new ChainFormatException("tx.accessList", "more than " + MAX_STORAGE_KEYS + " storage keys");
      }
      List<byte[]> keys = new ArrayList<>();
      for (int k = 0; k < keyItems.size(); k++) {
        keys.add(EthRlp.fixed(keyItems.get(k), f + ".storageKeys[" + k + "]", 32));
      }
      out.add(new AccessListEntry(address, keys));
    }
    return out;
  }

  // ---------------------------------------------------------------- JSON

  private static final Set<String> JSON_KEYS = Set.of(
      "type", "chainId", "chain_id", "nonce", "to", "from", "value", "data", "input",
      "gas", "gasLimit", "gas_limit", "gasPrice", "gas_price",
      "maxFeePerGas", "max_fee_per_gas", "maxPriorityFeePerGas", "max_priority_fee_per_gas",
      "accessList", "access_list", "maxFeePerBlobGas", "max_fee_per_blob_gas",
      "blobVersionedHashes", "blob_versioned_hashes", "authorizationList", "authorization_list");

  /**
   * Builds a transaction from JSON fields (camelCase as in JSON-RPC, or snake_case): {@code
   * chainId}, {@code nonce}, {@code to} (absent or null: contract creation), {@code value},
   * {@code data} (or {@code input}), {@code gas}/{@code gasLimit}, {@code gasPrice} or {@code
   * maxFeePerGas} + {@code maxPriorityFeePerGas}, {@code accessList}, {@code maxFeePerBlobGas},
   * {@code blobVersionedHashes}, {@code authorizationList}, optional {@code type} and {@code from}
   * (checked to be an address, not otherwise used). Quantities are JSON integers, {@code 0x} hex
   * or decimal strings. Without {@code type}, the type is inferred from the fields present;
   * fields that do not belong to the type are refused, as are unknown keys. A legacy transaction
   * without a chain id is pre-EIP-155 and is refused unless {@code allowPreEip155}.
   */
  public static EthTransaction fromJson(Map<String, ?> json, boolean allowPreEip155) {
    if (json == null) {
      throw new ChainFormatException("tx", "is missing");
    }
    for (String k : json.keySet()) {
      if (!JSON_KEYS.contains(k)) {
        throw new ChainFormatException("tx." + k, "unknown field");
      }
    }
    Object chainIdV = Eip7702Authorization.pick(json, "tx", "chainId", "chain_id");
    Object gasV = Eip7702Authorization.pick(json, "tx", "gas", "gasLimit", "gas_limit");
    Object gasPriceV = Eip7702Authorization.pick(json, "tx", "gasPrice", "gas_price");
    Object maxFeeV = Eip7702Authorization.pick(json, "tx", "maxFeePerGas", "max_fee_per_gas");
    Object maxPrioV = Eip7702Authorization.pick(json, "tx", "maxPriorityFeePerGas", "max_priority_fee_per_gas");
    Object accessV = Eip7702Authorization.pick(json, "tx", "accessList", "access_list");
    Object blobFeeV = Eip7702Authorization.pick(json, "tx", "maxFeePerBlobGas", "max_fee_per_blob_gas");
    Object blobHashesV = Eip7702Authorization.pick(json, "tx", "blobVersionedHashes", "blob_versioned_hashes");
    Object authV = Eip7702Authorization.pick(json, "tx", "authorizationList", "authorization_list");
    Object dataV = Eip7702Authorization.pick(json, "tx", "data", "input");

    int type;
    if (json.get("type") != null) {
      BigInteger t = EthJson.uint(json.get("type"), "tx.type", 8);
      if (t.intValue() > SET_CODE) {
        throw new ChainFormatException("tx.type", "unknown transaction type " + t);
      }
      type = t.intValue();
    } else if (authV != null) {
      type = SET_CODE;
    } else if (blobHashesV != null || blobFeeV != null) {
      type = BLOB;
    } else if (maxFeeV != null || maxPrioV != null) {
      type = DYNAMIC_FEE;
    } else if (accessV != null) {
      type = ACCESS_LIST;
    } else {
      type = LEGACY;
    }
    if (json.get("from") != null) {
      EthJson.address(json.get("from"), "tx.from");
    }
    Builder b = new Builder();
    b.type = type;
    if (chainIdV == null) {
      if (type != LEGACY) {
        throw new ChainFormatException("tx.chainId", "is missing");
      }
      if (!allowPreEip155) {
        throw new ChainFormatException("tx.chainId", "pre-EIP-155 transaction (no chain id) not allowed");
      }
    } else {
      b.chainId = chainIdFrom(EthJson.uint(chainIdV, "tx.chainId", 64));
    }
    b.nonce = EthJson.uint(json.get("nonce"), "tx.nonce", 64);
    b.gasLimit = EthJson.uint(gasV, "tx.gas", 64);
    b.value = json.get("value") == null ? BigInteger.ZERO : EthJson.uint(json.get("value"), "tx.value", 256);
    b.data = dataV == null ? new byte[0] : EthJson.hexBytes(dataV, "tx.data", MAX_TX_BYTES);
    b.to = json.get("to") == null ? null : EthJson.address(json.get("to"), "tx.to");
    if (type <= ACCESS_LIST) {
      b.gasPrice = EthJson.uint(gasPriceV, "tx.gasPrice", 256);
      refuse(maxFeeV, "tx.maxFeePerGas", type);
      refuse(maxPrioV, "tx.maxPriorityFeePerGas", type);
    } else {
      refuse(gasPriceV, "tx.gasPrice", type);
      b.maxFeePerGas = EthJson.uint(maxFeeV, "tx.maxFeePerGas", 256);
      b.maxPriorityFeePerGas = EthJson.uint(maxPrioV, "tx.maxPriorityFeePerGas", 256);
    }
    if (type == LEGACY) {
      refuse(accessV, "tx.accessList", type);
    } else {
      b.accessList = accessV == null ? List.of() : accessListFromJson(accessV);
    }
    if (type == BLOB) {
      b.maxFeePerBlobGas = EthJson.uint(blobFeeV, "tx.maxFeePerBlobGas", 256);
      List<?> hashes = EthJson.list(blobHashesV, "tx.blobVersionedHashes", MAX_BLOB_HASHES);
      List<byte[]> out = new ArrayList<>();
      for (int i = 0; i < hashes.size(); i++) {
        out.add(EthJson.fixedHex(hashes.get(i), "tx.blobVersionedHashes[" + i + "]", 32));
      }
      b.blobHashes = out;
    } else {
      refuse(blobFeeV, "tx.maxFeePerBlobGas", type);
      refuse(blobHashesV, "tx.blobVersionedHashes", type);
    }
    if (type == SET_CODE) {
      List<?> auths = EthJson.list(authV, "tx.authorizationList", MAX_AUTHORIZATIONS);
      List<Eip7702Authorization> out = new ArrayList<>();
      for (int i = 0; i < auths.size(); i++) {
        String f = "tx.authorizationList[" + i + "]";
        out.add(Eip7702Authorization.fromJson(EthJson.object(auths.get(i), f), true, f));
      }
      b.authorizations = out;
    } else {
      refuse(authV, "tx.authorizationList", type);
    }
    return new EthTransaction(b);
  }

  private static void refuse(Object v, String field, int type) {
    if (v != null) {
      throw new ChainFormatException(field, "does not belong to a type " + type + " transaction");
    }
  }

  private static List<AccessListEntry> accessListFromJson(Object v) {
    List<?> entries = EthJson.list(v, "tx.accessList", MAX_ACCESS_LIST_ENTRIES);
    List<AccessListEntry> out = new ArrayList<>();
    int total = 0;
    for (int i = 0; i < entries.size(); i++) {
      String f = "tx.accessList[" + i + "]";
      Map<?, ?> e = EthJson.object(entries.get(i), f);
      for (Object k : e.keySet()) {
        if (!"address".equals(k) && !"storageKeys".equals(k) && !"storage_keys".equals(k)) {
          throw new ChainFormatException(f + "." + k, "unknown field");
        }
      }
      byte[] address = EthJson.address(e.get("address"), f + ".address");
      Object keysV = Eip7702Authorization.pick(e, f, "storageKeys", "storage_keys");
      List<?> keys = EthJson.list(keysV, f + ".storageKeys", MAX_STORAGE_KEYS);
      total += keys.size();
      if (total > MAX_STORAGE_KEYS) {
        throw new ChainFormatException("tx.accessList", "more than " + MAX_STORAGE_KEYS + " storage keys");
      }
      List<byte[]> parsed = new ArrayList<>();
      for (int k = 0; k < keys.size(); k++) {
        parsed.add(EthJson.fixedHex(keys.get(k), f + ".storageKeys[" + k + "]", 32));
      }
      out.add(new AccessListEntry(address, parsed));
    }
    return out;
  }

  // ---------------------------------------------------------------- encoding

  private List<Object> commonFields() {
    List<Object> f = new ArrayList<>();
    if (type == LEGACY) {
      f.add(EthRlp.uintBytes(nonce));
      f.add(EthRlp.uintBytes(gasPrice));
      f.add(EthRlp.uintBytes(gasLimit));
    } else {
      f.add(EthRlp.uintBytes(BigInteger.valueOf(chainId)));
      f.add(EthRlp.uintBytes(nonce));
      if (type == ACCESS_LIST) {
        f.add(EthRlp.uintBytes(gasPrice));
      } else {
        f.add(EthRlp.uintBytes(maxPriorityFeePerGas));
        f.add(EthRlp.uintBytes(maxFeePerGas));
      }
      f.add(EthRlp.uintBytes(gasLimit));
    }
    f.add(to == null ? new byte[0] : to.clone());
    f.add(EthRlp.uintBytes(value));
    f.add(data.clone());
    if (type != LEGACY) {
      List<Object> al = new ArrayList<>();
      for (AccessListEntry e : accessList) {
        al.add(List.of(e.address(), new ArrayList<Object>(e.storageKeys())));
      }
      f.add(al);
    }
    if (type == BLOB) {
      f.add(EthRlp.uintBytes(maxFeePerBlobGas));
      f.add(new ArrayList<Object>(blobVersionedHashes.stream().map(byte[]::clone).toList()));
    }
    if (type == SET_CODE) {
      List<Object> auths = new ArrayList<>();
      for (Eip7702Authorization a : authorizationList) {
        auths.add(List.of(a.rlpFields()));
      }
      f.add(auths);
    }
    return f;
  }

  private byte[] envelope(List<Object> fields) {
    byte[] rlp = RLPEncoder.list(fields);
    if (type == LEGACY) {
      return rlp;
    }
    byte[] out = new byte[rlp.length + 1];
    out[0] = (byte) type;
    System.arraycopy(rlp, 0, out, 1, rlp.length);
    return out;
  }

  /** The bytes whose keccak256 is signed (for EIP-155 legacy, with {@code chainId, 0, 0}). */
  public byte[] signingPayload() {
    List<Object> f = commonFields();
    if (type == LEGACY && chainId != null) {
      f.add(EthRlp.uintBytes(BigInteger.valueOf(chainId)));
      f.add(new byte[0]);
      f.add(new byte[0]);
    }
    return envelope(f);
  }

  /** keccak256 of {@link #signingPayload()}: the 32-byte digest the key signs. */
  public byte[] signingHash() {
    return Keccak256.hash(signingPayload());
  }

  /**
   * The raw signed transaction. {@code v} is the recovery id (y parity, 0 or 1) for every type;
   * for legacy transactions the already-derived {@code v} is accepted too ({@code 27/28}
   * pre-EIP-155, {@code chainId * 2 + 35/36} with EIP-155) and must match the chain id; for typed
   * transactions {@code 27/28} are accepted as y parity 0/1. {@code r} must be in {@code [1, n)}
   * and {@code s} in {@code [1, n/2]} (EIP-2 low S).
   */
  public byte[] encodeSigned(BigInteger r, BigInteger s, long v) {
    if (r == null || r.signum() <= 0 || r.compareTo(SECP256K1_N) >= 0) {
      throw new ChainFormatException("signature.r", "must be in [1, n)");
    }
    if (s == null || s.signum() <= 0 || s.compareTo(HALF_N) > 0) {
      throw new ChainFormatException("signature.s", "must be in [1, n/2] (low S)");
    }
    int parity = yParity(v);
    List<Object> f = commonFields();
    if (type == LEGACY) {
      long legacyV = chainId == null ? 27 + parity : chainId * 2 + 35 + parity;
      f.add(EthRlp.uintBytes(BigInteger.valueOf(legacyV)));
    } else {
      f.add(EthRlp.uintBytes(BigInteger.valueOf(parity)));
    }
    f.add(EthRlp.uintBytes(r));
    f.add(EthRlp.uintBytes(s));
    return envelope(f);
  }

  private int yParity(long v) {
    if (v == 0 || v == 1) {
      return (int) v;
    }
    if (v == 27 || v == 28) {
      if (type == LEGACY && chainId != null) {
        throw new ChainFormatException("signature.v", "27/28 is pre-EIP-155; this transaction has chain id " + chainId);
      }
      return (int) (v - 27);
    }
    if (type == LEGACY && chainId != null && (v == chainId * 2 + 35 || v == chainId * 2 + 36)) {
      return (int) (v - chainId * 2 - 35);
    }
    throw new ChainFormatException("signature.v", "invalid for this transaction's type and chain id");
  }

  /** keccak256 of a raw signed transaction: its transaction hash. */
  public static byte[] txHash(byte[] signedTransaction) {
    return Keccak256.hash(signedTransaction);
  }

  /**
   * Checks that the transaction is bound to {@code expected}.
   *
   * @throws ChainFormatException naming {@code tx.chainId} if it is another chain or none
   */
  public EthTransaction requireChainId(long expected) {
    if (chainId == null || chainId != expected) {
      throw new ChainFormatException("tx.chainId", "transaction is for chain " + chainId
          + ", expected " + expected);
    }
    return this;
  }

  // ---------------------------------------------------------------- accessors

  /** 0 legacy, 1 EIP-2930, 2 EIP-1559, 3 EIP-4844, 4 EIP-7702. */
  public int type() {
    return type;
  }

  /** The chain id, or null for a (explicitly allowed) pre-EIP-155 legacy transaction. */
  public Long chainId() {
    return chainId;
  }

  public boolean isPreEip155() {
    return chainId == null;
  }

  public BigInteger nonce() {
    return nonce;
  }

  /** Gas price (types 0 and 1), else null. */
  public BigInteger gasPrice() {
    return gasPrice;
  }

  /** Types 2-4, else null. */
  public BigInteger maxFeePerGas() {
    return maxFeePerGas;
  }

  /** Types 2-4, else null. */
  public BigInteger maxPriorityFeePerGas() {
    return maxPriorityFeePerGas;
  }

  public BigInteger gasLimit() {
    return gasLimit;
  }

  /** The recipient (20 bytes), or null for contract creation. */
  public byte[] to() {
    return to == null ? null : to.clone();
  }

  /** EIP-55 checksummed recipient, or null for contract creation. */
  public String toAddress() {
    return to == null ? null : EthereumAddress.checksum(java.util.HexFormat.of().formatHex(to));
  }

  public BigInteger value() {
    return value;
  }

  public byte[] data() {
    return data.clone();
  }

  public List<AccessListEntry> accessList() {
    return accessList;
  }

  /** Type 3, else null. */
  public BigInteger maxFeePerBlobGas() {
    return maxFeePerBlobGas;
  }

  public List<byte[]> blobVersionedHashes() {
    return blobVersionedHashes.stream().map(byte[]::clone).toList();
  }

  public List<Eip7702Authorization> authorizationList() {
    return authorizationList;
  }

  /**
   * Upper bound on the fee in wei this transaction can cost: {@code gas * (gasPrice or
   * maxFeePerGas)}, plus for blob transactions {@code 131072 * blobs * maxFeePerBlobGas}.
   */
  public BigInteger maxFeeWei() {
    BigInteger price = type <= ACCESS_LIST ? gasPrice : maxFeePerGas;
    BigInteger fee = gasLimit.multiply(price);
    if (type == BLOB) {
      fee = fee.add(BigInteger.valueOf(131072L * blobVersionedHashes.size()).multiply(maxFeePerBlobGas));
    }
    return fee;
  }
}
