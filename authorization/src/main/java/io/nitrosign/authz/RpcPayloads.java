package io.nitrosign.authz;

import com.google.protobuf.ByteString;
import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.bitcoin.Hashes;
import io.nitrosign.chains.bitcoin.Psbt;
import io.nitrosign.chains.bitcoin.PsbtWallet;
import io.nitrosign.chains.ethereum.Eip7702Authorization;
import io.nitrosign.chains.ethereum.EthTransaction;
import io.nitrosign.chains.ethereum.Keccak256;
import io.nitrosign.chains.solana.SolanaSignMessage;
import io.nitrosign.chains.solana.SolanaTransaction;
import io.nitrosign.chains.stellar.StellarEnvelope;
import io.nitrosign.proto.v1.BitcoinPsbt;
import io.nitrosign.proto.v1.EthereumAuthorization;
import io.nitrosign.proto.v1.EthereumTransaction;
import io.nitrosign.proto.v1.EthereumTypedData;
import io.nitrosign.proto.v1.PersonalMessage;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.StellarTransaction;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The enclave payload a signed {@code POST /v1/wallets/{id}/rpc} body asks for: the one function
 * both sides use, so the payload the enclave signs for an owned wallet is the one the owner signed.
 * The parent sets an owned wallet's SignRequest payload with it (from the raw body bytes); the
 * enclave derives it again from the body it verified the signatures over and refuses a request
 * whose payload differs. Validation of what the payload means (decoding the transaction, the
 * wallet being a signer) stays with the payload signers; this class only reads the fields.
 *
 * <p>Two endpoints sign: {@code /rpc} ({@link #derive}) and {@code /raw_sign}
 * ({@link #deriveRawSign}). Which one a signed request is for is read from the URL its signers
 * signed ({@link Endpoint#ofSignedUrl}), so a body signed for one endpoint is never read as the
 * other's.
 *
 * <p>Which payload kinds belong to which chain type: {@link #kindsOf(String)}.
 */
public final class RpcPayloads {

  private static final Pattern CAIP2_EIP155 = Pattern.compile("eip155:[1-9][0-9]{0,18}");
  private static final int MAX_MESSAGE_BYTES = 64 * 1024;
  private static final int MAX_RAW_BYTES = 64 * 1024;

  /** The most bytes a raw_sign {@code params.hash} (Ed25519) or {@code params.bytes} may have. */
  public static final int MAX_RAW_SIGN_BYTES = MAX_RAW_BYTES;

  private RpcPayloads() {}

  /**
   * The endpoint a signed request is for. The enclave checks the signed URL against the path of
   * the endpoint it picks here, and derives the payload with that endpoint's function.
   */
  public enum Endpoint {
    /** {@code POST /v1/wallets/{id}/rpc}: {@link #derive}. */
    RPC("/rpc"),
    /** {@code POST /v1/wallets/{id}/raw_sign}: {@link #deriveRawSign}. */
    RAW_SIGN("/raw_sign");

    private final String suffix;

    Endpoint(String suffix) {
      this.suffix = suffix;
    }

    /** The request path of this endpoint for {@code walletId}. */
    public String path(String walletId) {
      return "/v1/wallets/" + walletId + suffix;
    }

    /**
     * The endpoint whose path the signed {@code url} ends with ({@link #RPC} when none does: the
     * URL check then refuses it).
     */
    public static Endpoint ofSignedUrl(String url, String walletId) {
      return url.endsWith(RAW_SIGN.path(walletId)) ? RAW_SIGN : RPC;
    }

    /** The payload the signed {@code body} asks this endpoint to sign. */
    public SignRequest derive(Map<String, Object> body, String chainType) {
      return this == RAW_SIGN ? deriveRawSign(body, chainType)
          : RpcPayloads.derive(body, chainType);
    }
  }

  /** The payload kinds a wallet of {@code chainType} may sign; empty for an unknown chain type. */
  public static Set<SignRequest.PayloadCase> kindsOf(String chainType) {
    return switch (chainType) {
      case "ethereum" -> EnumSet.of(SignRequest.PayloadCase.PERSONAL_MESSAGE,
          SignRequest.PayloadCase.DIGEST, SignRequest.PayloadCase.ETHEREUM_TRANSACTION,
          SignRequest.PayloadCase.ETHEREUM_TYPED_DATA,
          SignRequest.PayloadCase.ETHEREUM_AUTHORIZATION);
      case "bitcoin", "bitcoin-testnet" -> EnumSet.of(SignRequest.PayloadCase.BITCOIN_PSBT,
          SignRequest.PayloadCase.DIGEST);
      case "solana" -> EnumSet.of(SignRequest.PayloadCase.SOLANA_TRANSACTION,
          SignRequest.PayloadCase.SOLANA_MESSAGE, SignRequest.PayloadCase.RAW_MESSAGE);
      case "stellar" -> EnumSet.of(SignRequest.PayloadCase.STELLAR_TRANSACTION,
          SignRequest.PayloadCase.RAW_MESSAGE);
      default -> EnumSet.noneOf(SignRequest.PayloadCase.class);
    };
  }

  /**
   * The payload named by an rpc body ({@code {method, params, caip2?, ...}}, as parsed by
   * {@link PrivyRequest#parseBody}) for a wallet of {@code chainType}: a SignRequest holding only
   * the payload.
   *
   * @throws ChainFormatException naming the field when the body does not name a payload
   */
  public static SignRequest derive(Map<String, Object> body, String chainType) {
    String method = text(body, "method", "");
    Map<String, Object> params = object(body, "params");
    String caip2 = optionalText(body, "caip2", "");
    SignRequest.Builder b = SignRequest.newBuilder();
    switch (method + "@" + family(chainType)) {
      case "personal_sign@ethereum" -> b.setPersonalMessage(PersonalMessage.newBuilder()
          .setMessage(ByteString.copyFrom(personalMessage(params))));
      case "secp256k1_sign@ethereum", "secp256k1_sign@bitcoin" -> {
        byte[] digest = hex(params, "hash", 32);
        if (digest.length != 32) {
          throw new ChainFormatException("params.hash", "must be 32 bytes of hex");
        }
        b.setDigest(ByteString.copyFrom(digest));
      }
      case "eth_signTransaction@ethereum" -> b.setEthereumTransaction(ethTransaction(params, caip2));
      case "eth_signTypedData_v4@ethereum" -> b.setEthereumTypedData(typedData(params));
      case "eth_sign7702Authorization@ethereum" -> b.setEthereumAuthorization(authorization(params));
      case "signTransaction@solana" -> b.setSolanaTransaction(
          io.nitrosign.proto.v1.SolanaTransaction.newBuilder().setMessage(ByteString.copyFrom(
              SolanaTransaction.decode(base64(params, "transaction")).messageBytes())));
      case "signMessage@solana" -> b.setSolanaMessage(io.nitrosign.proto.v1.SolanaMessage
          .newBuilder().setMessage(ByteString.copyFrom(
              SolanaSignMessage.bytesToSign(base64(params, "message")))));
      case "raw_sign@solana", "raw_sign@stellar" -> {
        String encoding = optionalText(params, "encoding", "params.");
        byte[] bytes = encoding == null || encoding.equals("hex")
            ? hex(params, "bytes", MAX_RAW_BYTES) : base64(params, "bytes");
        b.setRawMessage(ByteString.copyFrom(bytes));
      }
      case "signTransaction@stellar" -> b.setStellarTransaction(StellarTransaction.newBuilder()
          .setEnvelopeXdr(ByteString.copyFrom(
              StellarEnvelope.decodeBase64(text(params, "envelope", "params."))))
          .setNetworkPassphrase(stellarPassphrase(params)));
      case "signPsbt@bitcoin" -> {
        String encoding = optionalText(params, "encoding", "params.");
        Psbt psbt = encoding == null || encoding.equals("base64")
            ? Psbt.fromBase64(text(params, "psbt", "params."))
            : Psbt.parse(hex(params, "psbt", Psbt.MAX_SIZE));
        PsbtWallet.SigningRules rules = PsbtWallet.SigningRules.fromParams(
            params.get("allow_witness_utxo_only"), params.get("allowed_sighash_types"));
        b.setBitcoinPsbt(BitcoinPsbt.newBuilder()
            .setPsbt(ByteString.copyFrom(psbt.serialize()))
            .setAllowWitnessUtxoOnly(rules.allowWitnessUtxoOnly())
            .addAllAllowedSighashTypes(rules.allowedSighashTypes()));
      }
      default -> throw new ChainFormatException("method",
          "is not a signing method of a " + chainType + " wallet");
    }
    return b.build();
  }

  /** Hash functions of raw_sign's {@code params.hash_function} that are implemented. */
  public static final java.util.List<String> RAW_SIGN_HASH_FUNCTIONS =
      java.util.List.of("keccak256", "sha256");

  /** Encodings of raw_sign's {@code params.bytes}. */
  public static final java.util.List<String> RAW_SIGN_ENCODINGS =
      java.util.List.of("utf-8", "hex", "base64");

  /**
   * The payload a {@code POST /v1/wallets/{id}/raw_sign} body ({@code {params: {hash}}} or
   * {@code {params: {bytes, encoding, hash_function}}}, Privy's shape) asks for, for a wallet of
   * {@code chainType}. A secp256k1 wallet signs a 32-byte digest ({@code DIGEST}): {@code hash}
   * must be 32 bytes, or it is the hash of {@code bytes}. An Ed25519 wallet signs a message
   * ({@code RAW_MESSAGE}, pure Ed25519): {@code hash} exactly as given (1 to
   * {@link #MAX_RAW_SIGN_BYTES} bytes: Privy's raw sign on Ed25519 chains takes the bytes to
   * sign, e.g. an Aptos signing message or a Sui intent digest), or the 32-byte hash of
   * {@code bytes}. Besides {@code params} the body may carry only what Privy's API defines for
   * the endpoint's envelope ({@code chain_type}, {@code address}, {@code wallet_id}), which the
   * parent checks; a body naming a {@code method} is an rpc body and is refused here.
   *
   * @throws ChainFormatException naming the field when the body does not name a payload
   */
  public static SignRequest deriveRawSign(Map<String, Object> body, String chainType) {
    if (body.containsKey("method")) {
      throw new ChainFormatException("method", "is not a field of a raw_sign request");
    }
    Map<String, Object> params = object(body, "params");
    for (String field : params.keySet()) {
      if (!java.util.Set.of("hash", "bytes", "encoding", "hash_function").contains(field)) {
        throw new ChainFormatException("params." + field, "is not a raw_sign parameter");
      }
    }
    boolean ed25519 = chainType.equals("solana") || chainType.equals("stellar");
    byte[] toSign;
    if (params.containsKey("hash")) {
      if (params.containsKey("bytes") || params.containsKey("encoding")
          || params.containsKey("hash_function")) {
        throw new ChainFormatException("params.hash",
            "give hash, or bytes with encoding and hash_function, not both");
      }
      toSign = hex(params, "hash", ed25519 ? MAX_RAW_BYTES : 32);
      if (ed25519 ? toSign.length == 0 : toSign.length != 32) {
        throw new ChainFormatException("params.hash", ed25519
            ? "must be 1 to " + MAX_RAW_BYTES + " bytes of hex" : "must be 32 bytes of hex");
      }
    } else if (params.containsKey("bytes")) {
      toSign = hash(text(params, "hash_function", "params."), rawSignBytes(params));
    } else {
      throw new ChainFormatException("params.hash", "is missing (or give params.bytes)");
    }
    if (kindsOf(chainType).isEmpty()) {
      throw new ChainFormatException("chain_type", "is not a supported chain type");
    }
    SignRequest.Builder b = SignRequest.newBuilder();
    if (ed25519) {
      b.setRawMessage(ByteString.copyFrom(toSign));
    } else {
      b.setDigest(ByteString.copyFrom(toSign));
    }
    return b.build();
  }

  /** raw_sign's {@code params.bytes} decoded as {@code params.encoding} says. */
  private static byte[] rawSignBytes(Map<String, Object> params) {
    String encoding = text(params, "encoding", "params.");
    byte[] bytes = switch (encoding) {
      case "utf-8" -> text(params, "bytes", "params.").getBytes(StandardCharsets.UTF_8);
      case "hex" -> hex(params, "bytes", MAX_RAW_BYTES);
      case "base64" -> base64(params, "bytes");
      default -> throw new ChainFormatException("params.encoding",
          "must be one of " + String.join(", ", RAW_SIGN_ENCODINGS));
    };
    if (bytes.length > MAX_RAW_BYTES) {
      throw new ChainFormatException("params.bytes", "exceeds " + MAX_RAW_BYTES + " bytes");
    }
    return bytes;
  }

  private static byte[] hash(String function, byte[] bytes) {
    return switch (function) {
      case "keccak256" -> Keccak256.hash(bytes);
      case "sha256" -> Hashes.sha256(bytes);
      default -> throw new ChainFormatException("params.hash_function", "must be one of "
          + String.join(", ", RAW_SIGN_HASH_FUNCTIONS)
          + (function.equals("blake2b256") ? " (blake2b256 is not supported)" : ""));
    };
  }

  /** The request with everything but its payload cleared, for comparing payloads. */
  public static SignRequest payloadOnly(SignRequest request) {
    return request.toBuilder().clearKey().clearAttest().clearAuthorization().build();
  }

  private static String family(String chainType) {
    return chainType.equals("bitcoin-testnet") ? "bitcoin" : chainType;
  }

  private static byte[] personalMessage(Map<String, Object> params) {
    String encoding = optionalText(params, "encoding", "params.");
    byte[] message;
    if (encoding == null || encoding.equals("utf-8") || encoding.equals("utf8")) {
      message = text(params, "message", "params.").getBytes(StandardCharsets.UTF_8);
    } else if (encoding.equals("hex")) {
      message = hex(params, "message", MAX_MESSAGE_BYTES);
    } else {
      throw new ChainFormatException("params.encoding", "must be \"utf-8\" or \"hex\"");
    }
    return message;
  }

  private static EthereumTransaction ethTransaction(Map<String, Object> params, String caip2) {
    Object allow = params.get("allow_pre_eip155");
    if (allow != null && !(allow instanceof Boolean)) {
      throw new ChainFormatException("params.allow_pre_eip155", "must be a boolean");
    }
    boolean allowPreEip155 = Boolean.TRUE.equals(allow);
    Object t = params.get("transaction");
    byte[] unsigned;
    if (t instanceof String) {
      unsigned = hex(params, "transaction", EthTransaction.MAX_TX_BYTES);
    } else if (t instanceof Map<?, ?> fields) {
      @SuppressWarnings("unchecked")
      Map<String, Object> f = (Map<String, Object>) fields;
      unsigned = EthTransaction.fromJson(f, allowPreEip155).signingPayload();
    } else {
      throw new ChainFormatException("params.transaction",
          "must be an object of transaction fields or the unsigned transaction as hex");
    }
    EthereumTransaction.Builder b = EthereumTransaction.newBuilder()
        .setUnsignedTransaction(ByteString.copyFrom(unsigned)).setAllowPreEip155(allowPreEip155);
    if (caip2 != null) {
      if (!CAIP2_EIP155.matcher(caip2).matches()) {
        throw new ChainFormatException("caip2", "must be \"eip155:<chain id>\"");
      }
      BigInteger id = new BigInteger(caip2.substring("eip155:".length()));
      if (id.compareTo(BigInteger.valueOf(EthTransaction.MAX_CHAIN_ID)) > 0) {
        throw new ChainFormatException("caip2", "chain id is out of range");
      }
      b.setExpectedChainId(id.longValue());
    }
    return b.build();
  }

  /**
   * The typed data as the enclave reads it: a JSON string is taken as its UTF-8 bytes, an object
   * as its RFC 8785 canonical form (same value, one spelling).
   */
  private static EthereumTypedData typedData(Map<String, Object> params) {
    Object t = params.get("typed_data");
    byte[] json;
    if (t instanceof String s) {
      json = s.getBytes(StandardCharsets.UTF_8);
    } else if (t instanceof Map<?, ?>) {
      json = Jcs.canonicalize(t).getBytes(StandardCharsets.UTF_8);
    } else {
      throw new ChainFormatException("params.typed_data", "must be an object (or a JSON string)");
    }
    return EthereumTypedData.newBuilder().setJson(ByteString.copyFrom(json)).build();
  }

  private static EthereumAuthorization authorization(Map<String, Object> params) {
    Eip7702Authorization a = Eip7702Authorization.fromJson(params, false, "params");
    return EthereumAuthorization.newBuilder()
        .setChainId(ByteString.copyFrom(minimal(a.chainId())))
        .setAddress(ByteString.copyFrom(a.address()))
        .setNonce(ByteString.copyFrom(minimal(a.nonce())))
        .build();
  }

  private static String stellarPassphrase(Map<String, Object> params) {
    String passphrase = optionalText(params, "network_passphrase", "params.");
    String network = optionalText(params, "network", "params.");
    if (passphrase != null && network != null) {
      throw new ChainFormatException("params.network", "give network_passphrase or network, not both");
    }
    if (network != null) {
      return switch (network) {
        case "public" -> StellarEnvelope.PUBLIC_PASSPHRASE;
        case "testnet" -> StellarEnvelope.TESTNET_PASSPHRASE;
        default -> throw new ChainFormatException("params.network", "must be \"public\" or \"testnet\"");
      };
    }
    if (passphrase == null) {
      throw new ChainFormatException("params.network_passphrase", "is missing");
    }
    return passphrase;
  }

  /** Minimal big-endian unsigned encoding (empty for zero). */
  static byte[] minimal(BigInteger v) {
    if (v.signum() == 0) {
      return new byte[0];
    }
    byte[] b = v.toByteArray();
    return b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
  }

  // ------------------------------------------------------------------ field readers

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Map<String, Object> m, String field) {
    Object v = m.get(field);
    if (!(v instanceof Map)) {
      throw new ChainFormatException(field, "must be an object");
    }
    return (Map<String, Object>) v;
  }

  private static String text(Map<String, Object> m, String field, String prefix) {
    Object v = m.get(field);
    if (!(v instanceof String s)) {
      throw new ChainFormatException(prefix + field, "must be a string");
    }
    return s;
  }

  private static String optionalText(Map<String, Object> m, String field, String prefix) {
    Object v = m.get(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new ChainFormatException(prefix + field, "must be a string");
    }
    return s;
  }

  private static byte[] hex(Map<String, Object> params, String field, int maxBytes) {
    String s = text(params, field, "params.");
    if (s.startsWith("0x") || s.startsWith("0X")) {
      s = s.substring(2);
    }
    if (s.length() > 2 * maxBytes) {
      throw new ChainFormatException("params." + field, "exceeds " + maxBytes + " bytes");
    }
    try {
      return HexFormat.of().parseHex(s);
    } catch (IllegalArgumentException e) {
      throw new ChainFormatException("params." + field, "is not valid hex");
    }
  }

  private static byte[] base64(Map<String, Object> params, String field) {
    String s = text(params, field, "params.");
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new ChainFormatException("params." + field, "is not valid base64");
    }
  }
}
