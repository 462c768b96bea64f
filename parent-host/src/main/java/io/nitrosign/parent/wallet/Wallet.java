package io.nitrosign.parent.wallet;

import java.time.Instant;

/**
 * A stored wallet: public material only; the private key exists only as two sealed shares.
 * {@code displayName} and {@code externalId} are Privy's labels (null when not set): a
 * human-readable label, and the customer's own identifier (write-once, unique within the app).
 */
public record Wallet(String id, String appId, String chainType, String curve, byte[] publicKey,
    String address, byte[] owner, int keyVersion, Instant createdAt, Instant importedAt,
    Instant exportedAt, String displayName, String externalId) {

  /** A wallet without labels. */
  public Wallet(String id, String appId, String chainType, String curve, byte[] publicKey,
      String address, byte[] owner, int keyVersion, Instant createdAt, Instant importedAt,
      Instant exportedAt) {
    this(id, appId, chainType, curve, publicKey, address, owner, keyVersion, createdAt,
        importedAt, exportedAt, null, null);
  }

  /** A wallet generated in the enclave (not imported, not exported), without labels. */
  public Wallet(String id, String appId, String chainType, String curve, byte[] publicKey,
      String address, byte[] owner, int keyVersion, Instant createdAt) {
    this(id, appId, chainType, curve, publicKey, address, owner, keyVersion, createdAt, null, null);
  }

  public static final String CHAIN_ETHEREUM = "ethereum";
  public static final String CURVE_SECP256K1 = "secp256k1";
  public static final String CURVE_ED25519 = "ed25519";

  /** The wallet's chain type. */
  public ChainType chain() {
    return ChainType.ofStored(chainType);
  }

  /** This wallet with these labels. */
  public Wallet withLabels(String displayName, String externalId) {
    return new Wallet(id, appId, chainType, curve, publicKey, address, owner, keyVersion,
        createdAt, importedAt, exportedAt, displayName, externalId);
  }
}
