package io.nitrosign.policy.payload;

import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.ethereum.Eip712;
import java.util.Map;

/**
 * EIP-712 typed data ({@code eth_signTypedData_v4}), as parsed by chains' strict JSON parser:
 * {@code types} (type name to list of {@code {name, type}} maps), {@code primaryType},
 * {@code domain} and {@code message} as plain JSON values (integers are BigInteger).
 * {@code length} is the typed data's size in bytes; {@code messageHash} the EIP-712 hashStruct of
 * the message as {@code 0x} hex (null when there is none), computed once with the digest.
 */
public record TypedDataPayload(Map<String, Object> types, String primaryType,
    Map<String, Object> domain, Map<String, Object> message, int length, String messageHash,
    Map<String, Object> signed) implements Payload {

  /** The domain fields the audit row lists: the typed data's name, then the row's. */
  private static final String[][] AUDITED_DOMAIN_FIELDS = {{"name", "name"},
      {"version", "version"}, {"chainId", "chain_id"},
      {"verifyingContract", "verifying_contract"}, {"salt", "salt"}};

  /**
   * The view of typed data parsed by {@code TypedDataJson.parse} (so {@code primaryType}, not
   * Privy's {@code primary_type}) and already hashed by {@link Eip712#hash} into {@code digest}
   * (so well formed); {@code length} is the size of the JSON in bytes.
   */
  public static TypedDataPayload of(Map<String, Object> typedData, int length,
      Eip712.Digest digest) {
    byte[] h = digest.messageHash();
    return new TypedDataPayload(object(typedData.get("types")),
        typedData.get("primaryType") instanceof String s ? s : null,
        object(typedData.get("domain")), object(typedData.get("message")), length,
        h == null ? null : AuditValues.hex(h), AuditValues.map());
  }

  /**
   * As {@link #of(Map, int, Eip712.Digest)}, hashing the typed data here; typed data that does
   * not hash has no message hash.
   */
  public static TypedDataPayload of(Map<String, Object> typedData, int length) {
    Eip712.Digest digest;
    try {
      digest = Eip712.hash(typedData);
    } catch (ChainFormatException e) {
      digest = new Eip712.Digest(null, null, null);
    }
    return of(typedData, length, digest);
  }

  /**
   * {@code primary_type}, {@code domain} (its name, version, chain_id, verifying_contract and salt
   * when present, as text), {@code length}, {@code message_hash} (EIP-712 hashStruct of the
   * message, hex; null for primary type EIP712Domain); then {@code signed}. The message itself is
   * not recorded: it may be large, and its hash identifies it.
   */
  @Override
  public Map<String, Object> audit() {
    Map<String, Object> d = AuditValues.map();
    d.put("primary_type", AuditValues.text(primaryType));
    if (domain != null) {
      Map<String, Object> dom = AuditValues.map();
      for (String[] f : AUDITED_DOMAIN_FIELDS) {
        if (domain.get(f[0]) != null) {
          dom.put(f[1], AuditValues.text(domain.get(f[0])));
        }
      }
      d.put("domain", dom);
    }
    d.put("length", length);
    d.put("message_hash", messageHash);
    AuditValues.putRest(d, signed);
    return d;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object v) {
    return v instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
  }
}
