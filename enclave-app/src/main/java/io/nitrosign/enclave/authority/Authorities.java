package io.nitrosign.enclave.authority;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.WalletAuthority;
import java.util.Optional;

/**
 * Reads the {@link WalletAuthority} a wallet key names in its {@code owner} bytes. Those bytes are
 * only a claim until both shares open (they are bound into the shares' associated data), so a
 * request is checked against the claimed authority first and the unseal then proves the claim.
 */
public final class Authorities {

  /** The only WalletAuthority version this enclave reads. */
  public static final int VERSION = 1;

  private Authorities() {}

  /**
   * The authority in {@code owner}; empty for a wallet sealed before owners existed (app-owned,
   * no chain-type binding).
   *
   * @throws EnclaveException INVALID_REQUEST when the bytes are not a version-1 WalletAuthority
   */
  public static Optional<WalletAuthority> of(ByteString owner) throws EnclaveException {
    if (owner.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(parse(owner));
  }

  /** Parses and checks a serialized authority (non-empty). */
  public static WalletAuthority parse(ByteString bytes) throws EnclaveException {
    WalletAuthority a;
    try {
      a = WalletAuthority.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw invalid("owner is not a WalletAuthority");
    }
    if (a.getVersion() != VERSION) {
      throw invalid("owner has an unsupported WalletAuthority version");
    }
    if (a.getAppId().isEmpty() || a.getAppId().length() > 128) {
      throw invalid("owner.app_id must be 1 to 128 characters");
    }
    if (io.nitrosign.authz.RpcPayloads.kindsOf(a.getChainType()).isEmpty()) {
      throw invalid("owner.chain_type is not a supported chain type");
    }
    try {
      if (a.hasOwner()) {
        io.nitrosign.authz.Quorums.validate(a.getOwner());
      }
      for (var s : a.getAdditionalSignersList()) {
        io.nitrosign.authz.Quorums.validate(s.getSigner());
      }
    } catch (IllegalArgumentException e) {
      throw invalid("owner names an invalid key quorum");
    }
    return a;
  }

  private static EnclaveException invalid(String detail) {
    return new EnclaveException(ErrorCode.INVALID_REQUEST, detail);
  }
}
