package io.nitrosign.chains.ethereum;

import com.esaulpaugh.headlong.rlp.RLPEncoder;
import com.esaulpaugh.headlong.rlp.RLPItem;
import io.nitrosign.chains.ChainFormatException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An EIP-7702 authorization: a delegation of the signer's account to the code at
 * {@link #address()}, valid on {@link #chainId()} (0 means any chain) while the signer's nonce is
 * {@link #nonce()}. As part of a type-4 transaction it carries its signature
 * ({@code y_parity, r, s}); for {@code eth_sign7702Authorization} it is unsigned and
 * {@link #signingHash()} is what gets signed: {@code keccak256(0x05 || rlp([chain_id, address,
 * nonce]))}.
 */
public final class Eip7702Authorization {

  /** EIP-7702 {@code MAGIC}, the domain byte of the authorization signing payload. */
  public static final byte MAGIC = 0x05;

  private static final BigInteger MAX_NONCE = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final Set<String> JSON_KEYS = Set.of(
      "chainId", "chain_id", "address", "contract", "contractAddress", "contract_address", "nonce",
      "yParity", "y_parity", "r", "s");

  private final BigInteger chainId;
  private final byte[] address;
  private final BigInteger nonce;
  private final Integer yParity;
  private final BigInteger r;
  private final BigInteger s;

  private Eip7702Authorization(BigInteger chainId, byte[] address, BigInteger nonce,
      Integer yParity, BigInteger r, BigInteger s) {
    this.chainId = chainId;
    this.address = address.clone();
    this.nonce = nonce;
    this.yParity = yParity;
    this.r = r;
    this.s = s;
  }

  /** An unsigned authorization (what {@code eth_sign7702Authorization} signs). */
  public static Eip7702Authorization unsigned(BigInteger chainId, byte[] address, BigInteger nonce) {
    checkRange(chainId, address, nonce, "authorization");
    return new Eip7702Authorization(chainId, address, nonce, null, null, null);
  }

  /** A signed authorization tuple as carried in a type-4 transaction. */
  public static Eip7702Authorization signed(BigInteger chainId, byte[] address, BigInteger nonce,
      int yParity, BigInteger r, BigInteger s) {
    checkRange(chainId, address, nonce, "authorization");
    checkSignature(yParity, r, s, "authorization");
    return new Eip7702Authorization(chainId, address, nonce, yParity, r, s);
  }

  private static void checkRange(BigInteger chainId, byte[] address, BigInteger nonce, String f) {
    if (chainId == null || chainId.signum() < 0 || chainId.bitLength() > 256) {
      throw new ChainFormatException(f + ".chainId", "must be a uint256");
    }
    if (address == null || address.length != 20) {
      throw new ChainFormatException(f + ".address", "must be 20 bytes");
    }
    if (nonce == null || nonce.signum() < 0 || nonce.compareTo(MAX_NONCE) >= 0) {
      throw new ChainFormatException(f + ".nonce", "must be below 2^64-1");
    }
  }

  private static void checkSignature(int yParity, BigInteger r, BigInteger s, String f) {
    if (yParity != 0 && yParity != 1) {
      throw new ChainFormatException(f + ".yParity", "must be 0 or 1");
    }
    if (r == null || r.signum() < 0 || r.bitLength() > 256) {
      throw new ChainFormatException(f + ".r", "must be a uint256");
    }
    if (s == null || s.signum() < 0 || s.bitLength() > 256) {
      throw new ChainFormatException(f + ".s", "must be a uint256");
    }
  }

  /**
   * Reads an authorization from JSON fields: {@code chainId}, {@code address} (or
   * {@code contractAddress}, or Privy's {@code contract}), {@code nonce}, and when {@code signed},
   * {@code yParity}, {@code r}, {@code s}; snake_case spellings too. Unknown keys are refused.
   */
  public static Eip7702Authorization fromJson(Map<?, ?> json, boolean signed, String field) {
    for (Object k : json.keySet()) {
      if (!(k instanceof String) || !JSON_KEYS.contains(k)) {
        throw new ChainFormatException(field + "." + k, "unknown field");
      }
    }
    BigInteger chainId = EthJson.uint(pick(json, field, "chainId", "chain_id"), field + ".chainId", 256);
    Object addr = pick(json, field, "address", "contract", "contractAddress", "contract_address");
    byte[] address = EthJson.address(addr, field + ".address");
    BigInteger nonce = EthJson.uint(json.get("nonce"), field + ".nonce", 64);
    if (!signed) {
      if (json.containsKey("r") || json.containsKey("s") || json.containsKey("yParity")
          || json.containsKey("y_parity")) {
        throw new ChainFormatException(field, "unsigned authorization must not carry a signature");
      }
      return unsigned(chainId, address, nonce);
    }
    BigInteger y = EthJson.uint(pick(json, field, "yParity", "y_parity"), field + ".yParity", 8);
    BigInteger r = EthJson.uint(json.get("r"), field + ".r", 256);
    BigInteger s = EthJson.uint(json.get("s"), field + ".s", 256);
    checkRange(chainId, address, nonce, field);
    checkSignature(y.intValue(), r, s, field);
    return new Eip7702Authorization(chainId, address, nonce, y.intValue(), r, s);
  }

  /** Returns the single present value among the alias keys (refusing two spellings at once). */
  static Object pick(Map<?, ?> json, String field, String... keys) {
    Object found = null;
    String foundKey = null;
    for (String k : keys) {
      if (json.containsKey(k)) {
        if (foundKey != null) {
          throw new ChainFormatException(field + "." + k, "given twice (also as " + foundKey + ")");
        }
        found = json.get(k);
        foundKey = k;
      }
    }
    return found;
  }

  static Eip7702Authorization fromRlp(RLPItem item, String field) {
    List<RLPItem> f = EthRlp.exactly(EthRlp.list(item, field), field, 6);
    BigInteger chainId = EthRlp.uint(f.get(0), field + ".chainId", 32);
    byte[] address = EthRlp.fixed(f.get(1), field + ".address", 20);
    BigInteger nonce = EthRlp.uint(f.get(2), field + ".nonce", 8);
    BigInteger y = EthRlp.uint(f.get(3), field + ".yParity", 1);
    BigInteger r = EthRlp.uint(f.get(4), field + ".r", 32);
    BigInteger s = EthRlp.uint(f.get(5), field + ".s", 32);
    checkRange(chainId, address, nonce, field);
    checkSignature(y.intValue(), r, s, field);
    return new Eip7702Authorization(chainId, address, nonce, y.intValue(), r, s);
  }

  /** The RLP list {@code [chain_id, address, nonce, y_parity, r, s]} (signed tuples only). */
  Object[] rlpFields() {
    if (!isSigned()) {
      throw new IllegalStateException("authorization in a transaction must be signed");
    }
    return new Object[] {EthRlp.uintBytes(chainId), address.clone(), EthRlp.uintBytes(nonce),
        EthRlp.uintBytes(BigInteger.valueOf(yParity)), EthRlp.uintBytes(r), EthRlp.uintBytes(s)};
  }

  /** {@code keccak256(0x05 || rlp([chain_id, address, nonce]))}. */
  public byte[] signingHash() {
    byte[] rlp = RLPEncoder.list(EthRlp.uintBytes(chainId), address, EthRlp.uintBytes(nonce));
    return Keccak256.hash(new byte[] {MAGIC}, rlp);
  }

  public BigInteger chainId() {
    return chainId;
  }

  public byte[] address() {
    return address.clone();
  }

  public BigInteger nonce() {
    return nonce;
  }

  public boolean isSigned() {
    return yParity != null;
  }

  /** The signature's y parity, or -1 when unsigned. */
  public int yParity() {
    return yParity == null ? -1 : yParity;
  }

  public BigInteger r() {
    return r;
  }

  public BigInteger s() {
    return s;
  }
}
