package io.nitrosign.parent.wallet;

import com.google.protobuf.ByteString;
import io.nitrosign.parent.enclave.EnclaveCallException;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.SealedShare;
import io.nitrosign.proto.v1.ShareKind;
import io.nitrosign.proto.v1.WalletKey;
import java.util.ArrayList;
import java.util.List;

/** Conversions between stored wallets and the wire's {@link WalletKey}. */
public final class WalletKeys {

  private WalletKeys() {}

  /** The WalletKey the enclave needs to open this wallet's shares. */
  public static WalletKey of(Wallet w, List<WalletShare> shares) {
    WalletKey.Builder key = WalletKey.newBuilder()
        .setWalletId(w.id())
        .setCurve(w.chain().curve())
        .setPublicKey(ByteString.copyFrom(w.publicKey()));
    if (w.owner() != null) {
      key.setOwner(ByteString.copyFrom(w.owner()));
    }
    for (WalletShare s : shares) {
      SealedShare sealed = SealedShare.newBuilder()
          .setKind(WalletShare.AUTH.equals(s.kind()) ? ShareKind.AUTH : ShareKind.EXEC)
          .setKeyVersion(s.keyVersion())
          .setNonce(ByteString.copyFrom(s.nonce()))
          .setCiphertext(ByteString.copyFrom(s.ciphertext()))
          .build();
      if (WalletShare.AUTH.equals(s.kind())) {
        key.setAuthShare(sealed);
      } else {
        key.setExecShare(sealed);
      }
    }
    return key.build();
  }

  /**
   * The two shares of an enclave answer as rows to store, checked: auth then exec, 12-byte
   * nonces, at least a GCM tag of ciphertext.
   *
   * @throws EnclaveCallException (PROTOCOL) when the enclave sent something malformed
   */
  public static List<WalletShare> shares(String walletId, WalletKey key) {
    List<WalletShare> out = new ArrayList<>(2);
    for (SealedShare s : List.of(key.getAuthShare(), key.getExecShare())) {
      ShareKind expected = out.isEmpty() ? ShareKind.AUTH : ShareKind.EXEC;
      if (s.getKind() != expected || s.getNonce().size() != 12 || s.getCiphertext().size() < 16) {
        throw new EnclaveCallException(EnclaveCallException.Kind.PROTOCOL, null,
            "the enclave sent a malformed sealed share");
      }
      out.add(new WalletShare(walletId,
          expected == ShareKind.AUTH ? WalletShare.AUTH : WalletShare.EXEC, s.getKeyVersion(),
          s.getNonce().toByteArray(), s.getCiphertext().toByteArray()));
    }
    return out;
  }

  /**
   * The wallet row for a key the enclave created or imported, after checking the answer: the
   * wallet id, curve and owner (the serialized WalletAuthority) are the ones asked for, the public key has the curve's length, the
   * shares have one version, and for secp256k1 the enclave's EIP-55 address is the one computed
   * here, independently. The wallet's address is derived here from the public key.
   *
   * @throws EnclaveCallException (PROTOCOL) when they do not match
   */
  public static Wallet walletFrom(io.nitrosign.parent.app.App app, String walletId,
      ChainType chainType, WalletKey key, String enclaveAddress, java.time.Instant createdAt,
      java.time.Instant importedAt, ByteString owner) {
    byte[] publicKey = key.getPublicKey().toByteArray();
    boolean secp = chainType.curve() == Curve.SECP256K1;
    if (!key.getWalletId().equals(walletId) || key.getCurve() != chainType.curve()
        || publicKey.length != chainType.publicKeyLength()
        || (secp && publicKey[0] != 0x04)
        || !key.getOwner().equals(owner)
        || !key.hasAuthShare() || !key.hasExecShare()
        || key.getAuthShare().getKeyVersion() != key.getExecShare().getKeyVersion()
        || (secp && !io.nitrosign.chains.ethereum.EthereumAddress.fromPublicKey(publicKey)
            .equals(enclaveAddress))) {
      throw new EnclaveCallException(EnclaveCallException.Kind.PROTOCOL, null,
          "the enclave's key does not match the request");
    }
    String address;
    try {
      address = chainType.address(publicKey);
    } catch (RuntimeException e) {
      throw new EnclaveCallException(EnclaveCallException.Kind.PROTOCOL, null,
          "the enclave's public key is not a valid key");
    }
    return new Wallet(walletId, app.id(), chainType.wireName(), chainType.curveName(), publicKey,
        address, owner.isEmpty() ? null : owner.toByteArray(), key.getAuthShare().getKeyVersion(),
        createdAt, importedAt, null);
  }
}
