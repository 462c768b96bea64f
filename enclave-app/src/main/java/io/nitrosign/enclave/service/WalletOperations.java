package io.nitrosign.enclave.service;

import com.google.protobuf.ByteString;
import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.ethereum.EthereumAddress;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.crypto.Ed25519Signer;
import io.nitrosign.enclave.crypto.Secp256k1Signer;
import io.nitrosign.enclave.sealing.KeySplit;
import io.nitrosign.enclave.sealing.ShareSealer;
import io.nitrosign.enclave.sealing.WalletBinding;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.enclave.signing.PayloadSigner;
import io.nitrosign.enclave.signing.PayloadSigners;
import io.nitrosign.enclave.signing.Payloads;
import io.nitrosign.enclave.signing.UnsealedKey;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.GenerateKeyResponse;
import io.nitrosign.proto.v1.SealedShare;
import io.nitrosign.proto.v1.ShareKind;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import io.nitrosign.proto.v1.WalletKey;
import io.nitrosign.authz.RpcPayloads;
import io.nitrosign.enclave.authority.Authorities;
import io.nitrosign.enclave.authority.RequestAuthorizer;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.WalletAuthority;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.security.SecureRandom;

/**
 * Key generation and signing inside the enclave: generate, split and seal; unseal, rebuild,
 * check, sign. The split-and-seal step ({@link #sealWallet}) and the unseal-rebuild-check step
 * ({@link #withUnsealedKey}) are shared with key import and export. Every secret buffer is wiped
 * before returning.
 */
final class WalletOperations {

  private final ShareSealer sealer;
  private final SecureRandom random;
  private final RequestAuthorizer authorizer;
  private final PayloadSigners signers;

  WalletOperations(ShareSealer sealer, SecureRandom random, RequestAuthorizer authorizer) {
    this.sealer = sealer;
    this.random = random;
    this.authorizer = authorizer;
    this.signers = PayloadSigners.create(random);
  }

  /** The enclave's check of clients' signed requests. */
  RequestAuthorizer authorizer() {
    return authorizer;
  }

  GenerateKeyResponse generate(GenerateKeyRequest request) throws EnclaveException {
    RequestValidation.walletId(request.getWalletId());
    RequestValidation.curve(request.getCurve());
    RequestValidation.owner(request.getOwner().size());
    Optional<WalletAuthority> authority = Authorities.of(request.getOwner());
    if (authority.isPresent() && curveOf(authority.get().getChainType()) != request.getCurve()) {
      throw RequestValidation.invalid("owner.chain_type does not match the curve");
    }
    try (SecretBytes key = newPrivateKey(request.getCurve())) {
      SealedWallet wallet =
          sealWallet(request.getWalletId(), request.getCurve(), request.getOwner(), key);
      return GenerateKeyResponse.newBuilder()
          .setKey(wallet.key())
          .setAddress(wallet.address())
          .build();
    }
  }

  /**
   * Signs {@code request} and adds the proof it asks for ({@code attester}). For an owned wallet
   * the signed request is used once. When the client signed it with a {@code
   * privy-idempotency-key} (so it meant to retry it), the answer is remembered with it, and an
   * identical retry (same signed request, same wallet key, payload and proof request: {@link
   * #requestHash}) gets that answer back byte for byte, with nothing signed or attested again;
   * any other request under it is AUTHORIZATION_REPLAYED. A request that fails leaves no answer
   * (its retry is a replay), and so does a signed request without an idempotency key: the parent
   * ties retries to their one audit row by that key, so an unkeyed one is refused as before.
   */
  SignResponse sign(SignRequest request, SignatureAttester attester) throws EnclaveException {
    if (!request.hasKey()) {
      throw RequestValidation.invalid("key is required");
    }
    WalletKey key = request.getKey();
    RequestValidation.walletKey(key);
    PayloadSigner signer = signers.of(request);
    if (signer.curve() != key.getCurve()) {
      throw RequestValidation.invalid("payload does not match the wallet's curve");
    }
    // The authority is a claim until the shares open (it is bound into their associated data);
    // checking it first means nothing is unsealed for a request it does not authorize.
    Optional<WalletAuthority> authority = Authorities.of(key.getOwner());
    if (authority.isEmpty()) {
      return signAndAttest(request, signer, attester);
    }
    Optional<RequestAuthorizer.Admission> admission = authorizeSign(request, authority.get());
    if (admission.isEmpty()) {
      return signAndAttest(request, signer, attester);
    }
    RequestAuthorizer.Admission a = admission.get();
    Optional<byte[]> remembered = a.remembered();
    if (remembered.isPresent()) {
      try {
        return SignResponse.parseFrom(remembered.get());
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException("a remembered answer does not parse", e);
      }
    }
    boolean settled = false;
    try {
      SignResponse answer = signAndAttest(request, signer, attester);
      a.remember(answer.toByteArray());
      settled = true;
      return answer;
    } finally {
      if (!settled) {
        a.forget();
      }
    }
  }

  private SignResponse signAndAttest(SignRequest request, PayloadSigner signer,
      SignatureAttester attester) throws EnclaveException {
    // Decode first: nothing is unsealed for a payload that does not decode.
    PayloadSigner.Prepared prepared;
    try {
      prepared = signer.prepare(request);
    } catch (ChainFormatException e) {
      throw Payloads.malformed(e);
    }
    SignResponse signed = withUnsealedKey(request.getKey(), unsealed -> {
      try {
        return prepared.sign(unsealed);
      } catch (ChainFormatException e) {
        throw Payloads.malformed(e);
      }
    });
    return attester.attest(request, signed);
  }

  /**
   * SHA-256 of what a Sign request asks for besides its signed request: the request with its
   * {@code authorization} cleared (wallet key, payload, attest mode and nonce), serialized
   * deterministically. The authorization is left out because its signed content is already the
   * replay key and it is checked in full on every attempt, while its unsigned parts may
   * legitimately differ on a retry (the user sessions the parent attaches are the live ones at the
   * time).
   */
  static byte[] requestHash(SignRequest request) {
    try {
      SignRequest asked = request.toBuilder().clearAuthorization().build();
      java.io.ByteArrayOutputStream bytes =
          new java.io.ByteArrayOutputStream(asked.getSerializedSize());
      com.google.protobuf.CodedOutputStream out =
          com.google.protobuf.CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      asked.writeTo(out);
      out.flush();
      return MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
    } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("hashing a sign request", e);
    }
  }

  /**
   * A wallet with an authority signs only payload kinds of its chain type; an owned wallet only
   * what its owner (or an additional signer) signed, taken from the signed body. Empty for a
   * wallet without an owner (nothing signed to check) and for a signed request without an
   * idempotency key (used once, its answer not remembered).
   */
  private Optional<RequestAuthorizer.Admission> authorizeSign(SignRequest request,
      WalletAuthority authority) throws EnclaveException {
    if (!RpcPayloads.kindsOf(authority.getChainType()).contains(request.getPayloadCase())) {
      throw new EnclaveException(ErrorCode.PERMISSION_DENIED,
          "payload kind does not belong to the wallet's chain type");
    }
    if (!authority.hasOwner()) {
      return Optional.empty();
    }
    List<KeyQuorum> quorums = new ArrayList<>();
    quorums.add(authority.getOwner());
    authority.getAdditionalSignersList().forEach(s -> quorums.add(s.getSigner()));
    // The endpoint is the one the signers named in the URL they signed: its path is checked
    // against that URL, and the body is read as that endpoint's body (a raw_sign body never as an
    // rpc body, nor the other way round).
    String walletId = request.getKey().getWalletId();
    RpcPayloads.Endpoint endpoint =
        RpcPayloads.Endpoint.ofSignedUrl(request.getAuthorization().getUrl(), walletId);
    RequestAuthorizer.BodyCheck matches = body -> {
      SignRequest signed;
      try {
        signed = endpoint.derive(body, authority.getChainType());
      } catch (ChainFormatException e) {
        throw new EnclaveException(ErrorCode.AUTHORIZATION_INVALID,
            "the signed request does not name a payload");
      }
      if (!signed.equals(RpcPayloads.payloadOnly(request))) {
        throw new EnclaveException(ErrorCode.AUTHORIZATION_INVALID,
            "the payload differs from the signed request");
      }
    };
    // the idempotency key is part of what the client signed: the parent can neither add nor drop it
    if (request.getAuthorization().getIdempotencyKey().isEmpty()) {
      authorizer.authorize(request.getAuthorization(), "POST", endpoint.path(walletId),
          authority.getAppId(), quorums, matches);
      return Optional.empty();
    }
    return Optional.of(authorizer.authorizeOnce(request.getAuthorization(), "POST",
        endpoint.path(walletId), authority.getAppId(), quorums, requestHash(request), matches));
  }

  static Curve curveOf(String chainType) {
    return chainType.equals("solana") || chainType.equals("stellar") ? Curve.ED25519
        : Curve.SECP256K1;
  }

  /** A wallet key as sealed for the parent, with its EIP-55 address (empty for Ed25519). */
  record SealedWallet(WalletKey key, String address) {}

  /**
   * Derives the public key (and, for secp256k1, the EIP-55 address) of {@code privateKey}, splits
   * it 2-of-2 and seals each share under the current key version, bound to wallet id, curve,
   * public key and owner. Shared by GenerateKey and ImportKey. The caller keeps (and closes)
   * {@code privateKey}, which must be a valid key of {@code curve}; both plaintext shares are
   * wiped here.
   */
  SealedWallet sealWallet(String walletId, Curve curve, ByteString owner, SecretBytes privateKey)
      throws EnclaveException {
    byte[] publicKey = publicKeyOf(curve, privateKey);
    try (KeySplit.Shares shares = KeySplit.split(privateKey, random)) {
      WalletBinding binding = new WalletBinding(walletId, curve, publicKey, owner.toByteArray());
      SealedShare auth = sealer.seal(ShareKind.AUTH, binding, shares.auth());
      SealedShare exec = sealer.seal(ShareKind.EXEC, binding, shares.exec());
      WalletKey walletKey = WalletKey.newBuilder()
          .setWalletId(walletId)
          .setCurve(curve)
          .setPublicKey(ByteString.copyFrom(publicKey))
          .setOwner(owner)
          .setAuthShare(auth)
          .setExecShare(exec)
          .build();
      return new SealedWallet(walletKey,
          curve == Curve.SECP256K1 ? EthereumAddress.fromPublicKey(publicKey) : "");
    }
  }

  /**
   * The wallet's key, opened exactly as Sign opens it (both shares, the rebuilt key checked
   * against the public key), split afresh and sealed under the current version and {@code owner}.
   * Shared by Reseal (same owner) and UpdateAuthority (a new one).
   */
  WalletKey resealed(WalletKey key, ByteString owner) throws EnclaveException {
    return withUnsealedKey(key, unsealed ->
        sealWallet(key.getWalletId(), key.getCurve(), owner, unsealed.privateKey()).key());
  }

  private static byte[] publicKeyOf(Curve curve, SecretBytes privateKey) {
    if (curve == Curve.ED25519) {
      try (Ed25519Signer signer = Ed25519Signer.create(privateKey)) {
        return signer.publicKey();
      }
    }
    try (Secp256k1Signer signer = Secp256k1Signer.create(privateKey)) {
      return signer.publicKey();
    }
  }

  /** Whether {@code privateKey} is a usable private key of {@code curve}. */
  static boolean isValidPrivateKey(Curve curve, SecretBytes privateKey) {
    if (privateKey.length() != 32) {
      return false;
    }
    // Every 32-byte string is an Ed25519 seed; a secp256k1 scalar must be in [1, n-1].
    return curve == Curve.ED25519 || privateKey.apply(Secp256k1Signer::isValidPrivateKey);
  }

  /** What to do with a rebuilt key; it must neither keep nor leak it. */
  @FunctionalInterface
  interface UnsealedKeyUse<T> {
    T apply(UnsealedKey key) throws EnclaveException;
  }

  /**
   * Opens both shares of {@code key} (already validated), rebuilds the private key, checks that
   * it derives the stated public key, runs {@code use}, and wipes the key and both shares on every
   * path. Shared by Sign and ExportKey.
   *
   * @throws EnclaveException SEAL_INTEGRITY / UNKNOWN_KEY_VERSION from the sealer, KEY_MISMATCH
   */
  <T> T withUnsealedKey(WalletKey key, UnsealedKeyUse<T> use) throws EnclaveException {
    WalletBinding binding = new WalletBinding(key.getWalletId(), key.getCurve(),
        key.getPublicKey().toByteArray(), key.getOwner().toByteArray());
    try (SecretBytes auth = sealer.open(ShareKind.AUTH, key.getAuthShare(), binding);
        SecretBytes exec = sealer.open(ShareKind.EXEC, key.getExecShare(), binding);
        SecretBytes privateKey = KeySplit.combine(auth, exec)) {
      if (!isValidPrivateKey(key.getCurve(), privateKey)) {
        throw keyMismatch();
      }
      if (key.getCurve() == Curve.ED25519) {
        try (Ed25519Signer signer = Ed25519Signer.create(privateKey)) {
          if (!MessageDigest.isEqual(signer.publicKey(), binding.publicKey())) {
            throw keyMismatch();
          }
          return use.apply(new UnsealedKey(privateKey, signer));
        }
      }
      try (Secp256k1Signer signer = Secp256k1Signer.create(privateKey)) {
        if (!MessageDigest.isEqual(signer.publicKey(), binding.publicKey())) {
          throw keyMismatch();
        }
        return use.apply(new UnsealedKey(privateKey, signer));
      }
    }
  }

  private SecretBytes newPrivateKey(Curve curve) {
    while (true) {
      SecretBytes candidate = SecretBytes.random(random, 32);
      if (isValidPrivateKey(curve, candidate)) {
        return candidate;
      }
      candidate.close();
    }
  }

  private static EnclaveException keyMismatch() {
    return new EnclaveException(ErrorCode.KEY_MISMATCH, "key does not match public key");
  }
}
