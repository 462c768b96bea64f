package io.nitrosign.parent.wallet;

import io.nitrosign.chains.bitcoin.Bech32;
import io.nitrosign.chains.bitcoin.BitcoinAddress;
import io.nitrosign.chains.bitcoin.Secp256k1Points;
import io.nitrosign.chains.bitcoin.Taproot;
import io.nitrosign.chains.ethereum.EthereumAddress;
import io.nitrosign.chains.solana.SolanaAddress;
import io.nitrosign.chains.stellar.StrKey;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.ErrorCodes;
import io.nitrosign.proto.v1.Curve;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The chains a wallet can be for ({@code chain_type}): the key's curve and how its addresses are
 * derived from the public key.
 */
public enum ChainType {
  /** secp256k1; EIP-55 checksummed hex address. */
  ETHEREUM("ethereum", Curve.SECP256K1),
  /** Ed25519; the base58 public key. */
  SOLANA("solana", Curve.ED25519),
  /** Ed25519; the {@code G…} strkey account id. */
  STELLAR("stellar", Curve.ED25519),
  /** secp256k1; bech32 P2WPKH ({@code bc1q…}) and bech32m P2TR ({@code bc1p…}, BIP-86). */
  BITCOIN("bitcoin", Curve.SECP256K1),
  /** As {@link #BITCOIN}, testnet/signet addresses ({@code tb1…}). */
  BITCOIN_TESTNET("bitcoin-testnet", Curve.SECP256K1);

  private final String wireName;
  private final Curve curve;

  ChainType(String wireName, Curve curve) {
    this.wireName = wireName;
    this.curve = curve;
  }

  /** The {@code chain_type} string of the API. */
  public String wireName() {
    return wireName;
  }

  /** The curve of the wallet's key. */
  public Curve curve() {
    return curve;
  }

  /** The curve as stored in the wallets table ({@code secp256k1} or {@code ed25519}). */
  public String curveName() {
    return curve == Curve.ED25519 ? Wallet.CURVE_ED25519 : Wallet.CURVE_SECP256K1;
  }

  /** The length of the wallet's public key: 65 (uncompressed SEC1) or 32 (Ed25519). */
  public int publicKeyLength() {
    return curve == Curve.ED25519 ? 32 : 65;
  }

  public boolean isBitcoin() {
    return this == BITCOIN || this == BITCOIN_TESTNET;
  }

  /** The bech32 human-readable part for Bitcoin wallets ({@code bc} or {@code tb}). */
  public String bech32Hrp() {
    if (!isBitcoin()) {
      throw new IllegalStateException("not a bitcoin chain type");
    }
    return this == BITCOIN ? Bech32.MAINNET : Bech32.TESTNET;
  }

  /** The wallet's primary address (Bitcoin: P2WPKH). */
  public String address(byte[] publicKey) {
    return switch (this) {
      case ETHEREUM -> EthereumAddress.fromPublicKey(publicKey);
      case SOLANA -> SolanaAddress.fromPublicKey(publicKey);
      case STELLAR -> StrKey.encodeAccountId(publicKey);
      case BITCOIN, BITCOIN_TESTNET ->
          BitcoinAddress.p2wpkh(bech32Hrp(), Secp256k1Points.compress(publicKey));
    };
  }

  /**
   * Every address of the wallet by kind, for chains with more than one (Bitcoin: {@code p2wpkh}
   * and {@code p2tr}); null for the others.
   */
  public Map<String, String> addresses(byte[] publicKey) {
    if (!isBitcoin()) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    out.put("p2wpkh", address(publicKey));
    out.put("p2tr", BitcoinAddress.p2tr(bech32Hrp(), Taproot.bip86OutputKey(publicKey)));
    return out;
  }

  /** Whether {@code claimed} names the same address (Ethereum hex is case-insensitive). */
  public boolean sameAddress(String claimed, byte[] publicKey) {
    if (this == ETHEREUM) {
      return claimed.equalsIgnoreCase(address(publicKey));
    }
    Map<String, String> all = addresses(publicKey);
    return all == null ? claimed.equals(address(publicKey)) : all.containsValue(claimed);
  }

  /** Looks up a stored chain type. */
  public static ChainType ofStored(String wireName) {
    for (ChainType c : values()) {
      if (c.wireName.equals(wireName)) {
        return c;
      }
    }
    throw new IllegalStateException("unknown stored chain type");
  }

  /**
   * Privy's chain type names that denote exactly one of ours: the same key, curve and primary
   * address. {@code bitcoin-segwit} is a Bitcoin mainnet wallet whose address is the native
   * SegWit P2WPKH one, which is our {@code bitcoin} wallet's {@code address}. Privy's other names
   * ({@code bitcoin-taproot}: a P2TR primary address; {@code cosmos}, {@code sui}, {@code aptos},
   * {@code tron}, ...: other chains) have no exact counterpart and stay unsupported.
   */
  public static final Map<String, ChainType> ALIASES = Map.of("bitcoin-segwit", BITCOIN);

  /**
   * Parses an API {@code chain_type}: one of ours or one of Privy's {@link #ALIASES}. Responses
   * always name our own chain type.
   *
   * @throws ApiException 400 {@code unsupported_chain_type}
   */
  public static ChainType parse(String wireName) {
    for (ChainType c : values()) {
      if (c.wireName.equals(wireName)) {
        return c;
      }
    }
    ChainType alias = wireName == null ? null : ALIASES.get(wireName);
    if (alias != null) {
      return alias;
    }
    throw new ApiException(400, ErrorCodes.UNSUPPORTED_CHAIN_TYPE,
        "unsupported chain_type; supported: " + supported());
  }

  /** Whether {@code wireName} (ours or an alias) names this chain type. */
  public boolean isNamedBy(String wireName) {
    return this.wireName.equals(wireName) || ALIASES.get(wireName) == this;
  }

  static String supported() {
    return Arrays.stream(values()).map(ChainType::wireName).collect(Collectors.joining(", "))
        + "; Privy's names: " + ALIASES.entrySet().stream().sorted(Map.Entry.comparingByKey())
            .map(e -> e.getKey() + " (= " + e.getValue().wireName + ")")
            .collect(Collectors.joining(", "));
  }
}
