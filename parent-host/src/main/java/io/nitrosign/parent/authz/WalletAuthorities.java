package io.nitrosign.parent.authz;

import com.google.protobuf.InvalidProtocolBufferException;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.WalletAuthority;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parent's reading of a wallet's stored {@code owner} bytes (a serialized
 * {@link WalletAuthority}, the same bytes that are bound into the sealed shares). The parent's
 * copy is only ever a claim: the enclave checks requests against it and the unseal proves it.
 */
public final class WalletAuthorities {

  private WalletAuthorities() {}

  /** The wallet's authority; empty for a wallet stored before owners existed. */
  public static Optional<WalletAuthority> of(byte[] owner) {
    if (owner == null || owner.length == 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(WalletAuthority.parseFrom(owner));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored wallet owner is not a WalletAuthority");
    }
  }

  /** True when the wallet has an owner whose signatures the enclave requires. */
  public static boolean owned(byte[] owner) {
    return of(owner).map(WalletAuthority::hasOwner).orElse(false);
  }

  /** The quorums that may authorize signing: the owner, then each additional signer. */
  public static List<KeyQuorum> signers(WalletAuthority a) {
    List<KeyQuorum> out = new ArrayList<>();
    if (a.hasOwner()) {
      out.add(a.getOwner());
    }
    a.getAdditionalSignersList().forEach(s -> out.add(s.getSigner()));
    return out;
  }
}
