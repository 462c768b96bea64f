package io.nitrosign.parent.policy;

import io.nitrosign.policy.Decision;
import io.nitrosign.policy.Policy;
import io.nitrosign.policy.PolicyContext;
import io.nitrosign.policy.PolicyEngine;
import io.nitrosign.policy.PolicyRequest;
import java.math.BigInteger;
import java.util.List;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Decides a signing request under the policies that govern it, paying only for what those
 * policies use: a wallet without policies costs nothing; policies that reference no aggregation
 * are evaluated without a transaction, and a database handle is opened only if a condition set
 * is consulted; only policies that reference an aggregation go through the {@link SpendLedger}
 * (one transaction, row locks, a reservation for an allowed request).
 */
public final class PolicyEnforcement {

  /**
   * The decision; null when no policies govern the request (the app alone does). For an allowed
   * request that aggregations measure, the reservation it holds (else null).
   */
  public record Result(Decision decision, SpendLedger.Reservation reservation) {
    public boolean allowed() {
      return decision == null || decision.allowed();
    }
  }

  private final Jdbi jdbi;
  private final Function<Handle, PolicyReads> reads;
  private final SpendLedger ledger;

  public PolicyEnforcement(Jdbi jdbi, Function<Handle, PolicyReads> reads, SpendLedger ledger) {
    this.jdbi = jdbi;
    this.reads = reads;
    this.ledger = ledger;
  }

  /** Enforcement over the {@link PolicyStore}, with its spend ledger. */
  public static PolicyEnforcement create(Jdbi jdbi, java.time.Clock clock) {
    Function<Handle, PolicyReads> reads = h -> PolicyReads.of(new PolicyStore(h));
    return new PolicyEnforcement(jdbi, reads, new SpendLedger(jdbi, clock, reads));
  }

  /** The policy store's reads on {@code handle}. */
  public PolicyReads reads(Handle handle) {
    return reads.apply(handle);
  }

  /** The ledger (to release a reservation of a request that was not signed). */
  public SpendLedger ledger() {
    return ledger;
  }

  /** The policies with these ids, read in a handle of their own. */
  public List<Policy> policies(List<String> ids) {
    return ids.isEmpty() ? List.of() : jdbi.withHandle(h -> reads.apply(h).policies(ids));
  }

  /**
   * Decides {@code request} of wallet {@code walletId} (app {@code appId}) under
   * {@code policies}. With {@code dryRun}, aggregation totals are read as they stand, nothing is
   * locked and nothing reserved.
   */
  public Result decide(String appId, String walletId, List<Policy> policies,
      PolicyRequest request, boolean dryRun) {
    if (policies.isEmpty()) {
      return new Result(null, null);
    }
    if (PolicyEngine.referencedAggregations(policies).isEmpty()) {
      try (LazyContext context = new LazyContext()) {
        return new Result(PolicyEngine.evaluate(policies, request, context), null);
      }
    }
    if (dryRun) {
      return new Result(ledger.preview(appId, walletId, policies, request), null);
    }
    SpendLedger.Result r = ledger.decide(appId, walletId, policies, request);
    return new Result(r.decision(), r.reservation());
  }

  /** Condition-set lookups on a handle opened on the first lookup; no aggregation totals. */
  private final class LazyContext implements PolicyContext, AutoCloseable {
    private Handle handle;
    private PolicyReads store;

    @Override
    public boolean inConditionSet(String conditionSetId, String value) {
      if (handle == null) {
        handle = jdbi.open();
        store = reads.apply(handle);
      }
      return store.inConditionSet(conditionSetId, value);
    }

    @Override
    public BigInteger aggregationTotal(String aggregationId) {
      return null;
    }

    @Override
    public void close() {
      if (handle != null) {
        handle.close();
      }
    }
  }
}
