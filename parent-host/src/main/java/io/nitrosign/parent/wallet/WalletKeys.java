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
        .setCurve(Curve.SECP256K1)
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

  private static final java.util.regex.Pattern ADDRESS =
      java.util.regex.Pattern.compile("0x[0-9a-fA-F]{40}");

  /**
   * The wallet row for a key the enclave created or imported, after checking the answer: the
   * wallet id, curve and owner are the ones asked for, the shares have one version, and the
   * address is the EIP-55 address of the public key (computed here, independently).
   *
   * @throws EnclaveCallException (PROTOCOL) when they do not match
   */
  public static Wallet walletFrom(io.nitrosign.parent.app.App app, String walletId,
      String chainType, WalletKey key, String address, java.time.Instant createdAt,
      java.time.Instant importedAt) {
    if (!key.getWalletId().equals(walletId) || key.getCurve() != Curve.SECP256K1
        || key.getPublicKey().size() != 65 || key.getPublicKey().byteAt(0) != 0x04
        || !key.getOwner().isEmpty() || !ADDRESS.matcher(address).matches()
        || !key.hasAuthShare() || !key.hasExecShare()
        || key.getAuthShare().getKeyVersion() != key.getExecShare().getKeyVersion()
        || !io.nitrosign.chains.ethereum.EthereumAddress.fromPublicKey(
            key.getPublicKey().toByteArray()).equals(address)) {
      throw new EnclaveCallException(EnclaveCallException.Kind.PROTOCOL, null,
          "the enclave's key does not match the request");
    }
    return new Wallet(walletId, app.id(), chainType, Wallet.CURVE_SECP256K1,
        key.getPublicKey().toByteArray(), address, null, key.getAuthShare().getKeyVersion(),
        createdAt, importedAt, null);
  }
}
