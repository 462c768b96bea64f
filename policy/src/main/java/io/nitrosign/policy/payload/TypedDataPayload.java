package io.nitrosign.policy.payload;

import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.ethereum.Eip712;
import java.util.Map;

/**
 * EIP-712 typed data ({@code eth_signTypedData_v4}), as parsed by chains' strict JSON parser:
 * {@code types} (type name to list of {@code {name, type}} maps), {@code primaryType},
 * {@code domain} and {@code message} as plain JSON values (integers are BigInteger).
 * {@code length} is the typed data's size in bytes.
 */
public record TypedDataPayload(Map<String, Object> types, String primaryType,
    Map<String, Object> domain, Map<String, Object> message, int length,
    Map<String, Object> signed) implements Payload {

  /** The domain fields the audit row lists: the typed data's name, then the row's. */
  private static final String[][] AUDITED_DOMAIN_FIELDS = {{"name", "name"},
      {"version", "version"}, {"chainId", "chain_id"},
      {"verifyingContract", "verifying_contract"}, {"salt", "salt"}};

  /**
   * The view of typed data parsed by {@code TypedDataJson.parse} (so {@code primaryType}, not
   * Privy's {@code primary_type}) and already hashed by {@link Eip712#hash} (so well formed);
   * {@code length} is the size of the JSON in bytes.
   */
  public static TypedDataPayload of(Map<String, Object> typedData, int length) {
    return new TypedDataPayload(object(typedData.get("types")),
        typedData.get("primaryType") instanceof String s ? s : null,
        object(typedData.get("domain")), object(typedData.get("message")), length,
        AuditValues.map());
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
    d.put("message_hash", messageHash());
    AuditValues.putRest(d, signed);
    return d;
  }

  /** hashStruct(primaryType, message) as {@code 0x} hex; null when there is none. */
  private String messageHash() {
    Map<String, Object> typedData = AuditValues.map();
    typedData.put("types", types);
    typedData.put("primaryType", primaryType);
    typedData.put("domain", domain);
    if (message != null) {
      typedData.put("message", message);
    }
    try {
      byte[] h = Eip712.hash(typedData).messageHash();
      return h == null ? null : AuditValues.hex(h);
    } catch (ChainFormatException e) {
      // not from the factory (which takes typed data that hashed): nothing to record
      return null;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object v) {
    return v instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
  }
}
