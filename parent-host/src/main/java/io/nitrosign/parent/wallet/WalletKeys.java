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
}
