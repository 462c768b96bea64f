package io.nitrosign.parent.wallet;

import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.audit.Outcome;
import io.nitrosign.parent.enclave.EnclaveCallException;
import io.nitrosign.parent.enclave.EnclaveGateway;
import io.nitrosign.parent.sealing.SealingKeyStore;
import io.nitrosign.proto.v1.ResealRequest;
import io.nitrosign.proto.v1.WalletKey;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a sealing-key rotation: moves every wallet sealed under an older version to the current
 * one. The enclave opens both shares with their old version and seals them again under the
 * current one; the parent replaces the stored shares and writes an audit row in one transaction.
 * Safe to run again: a wallet already moved is skipped.
 */
public final class WalletResealer {

  private static final Logger LOG = LoggerFactory.getLogger(WalletResealer.class);
  private static final int BATCH = 100;

  private final Jdbi jdbi;
  private final EnclaveGateway enclave;
  private final Clock clock;

  public WalletResealer(Jdbi jdbi, EnclaveGateway enclave, Clock clock) {
    this.jdbi = jdbi;
    this.enclave = enclave;
    this.clock = clock;
  }

  public record Result(int currentVersion, int resealed, int failed) {}

  public Result resealAll() {
    int current = jdbi.withHandle(h -> new SealingKeyStore(h).currentVersion());
    if (current == 0) {
      throw new IllegalStateException("no sealing keys provisioned (local mode has one version)");
    }
    int resealed = 0;
    int failed = 0;
    String after = "";
    while (true) {
      String from = after;
      List<Wallet> batch = jdbi.withHandle(h -> new WalletStore(h).sealedBelow(current, from, BATCH));
      if (batch.isEmpty()) {
        break;
      }
      for (Wallet w : batch) {
        after = w.id();
        if (reseal(w, current)) {
          resealed++;
        } else {
          failed++;
        }
      }
    }
    LOG.info("reseal to version {}: {} wallets moved, {} failed", current, resealed, failed);
    return new Result(current, resealed, failed);
  }

  private boolean reseal(Wallet w, int current) {
    List<WalletShare> old = jdbi.withHandle(h -> new WalletStore(h).shares(w.id()));
    String detail = "{\"from_version\":" + w.keyVersion() + ",\"to_version\":" + current + "}";
    try {
      WalletKey moved = enclave.reseal(ResealRequest.newBuilder()
          .setKey(WalletKeys.of(w, old)).build()).getKey();
      if (!moved.getWalletId().equals(w.id())
          || !java.util.Arrays.equals(moved.getPublicKey().toByteArray(), w.publicKey())
          || moved.getAuthShare().getKeyVersion() != current
          || moved.getExecShare().getKeyVersion() != current) {
        throw new EnclaveCallException(EnclaveCallException.Kind.PROTOCOL, null,
            "Reseal answer does not match the wallet");
      }
      List<WalletShare> shares = WalletKeys.shares(w.id(), moved);
      jdbi.useTransaction(h -> {
        if (new WalletStore(h).replaceShares(w.id(), w.keyVersion(), current, shares)) {
          new AuditStore(h, clock).append(new AuditEvent(w.appId(), w.id(), "wallet.reseal",
              Outcome.SUCCEEDED, null, detail));
        }
      });
      return true;
    } catch (EnclaveCallException e) {
      jdbi.useTransaction(h -> new AuditStore(h, clock).append(new AuditEvent(w.appId(), w.id(),
          "wallet.reseal", Outcome.FAILED, e.errorCode() == null ? e.kind().name().toLowerCase()
              : e.errorCode().name().toLowerCase(), detail)));
      LOG.warn("reseal of wallet {} failed: {}", w.id(), e.getMessage());
      return false;
    }
  }
}
