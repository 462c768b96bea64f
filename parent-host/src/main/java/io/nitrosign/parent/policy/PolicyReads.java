package io.nitrosign.parent.policy;

import io.nitrosign.policy.Aggregation;
import io.nitrosign.policy.Policy;
import java.util.List;

/**
 * What enforcement reads from the policy store, on a handle the caller chose (the wallet's read,
 * the spend ledger's transaction). An interface so that enforcement does not depend on how the
 * store is built (and tests can give the ledger fixed aggregations); {@link PolicyStore} is the
 * one the service uses ({@link #of}).
 */
public interface PolicyReads {

  /** The wallet's policies ({@code policy_ids}), in their order. */
  List<Policy> policiesOfWallet(String walletId);

  /** The policies with these ids (an additional signer's {@code override_policy_ids}). */
  List<Policy> policies(List<String> ids);

  /** Whether condition set {@code conditionSetId} holds the (normalized) value. */
  boolean inConditionSet(String conditionSetId, String normalizedValue);

  /** The app's aggregations. */
  List<Aggregation> aggregationsOf(String appId);

  /** The reads of {@code store}. */
  static PolicyReads of(PolicyStore store) {
    return new PolicyReads() {
      @Override
      public List<Policy> policiesOfWallet(String walletId) {
        return store.policiesOfWallet(walletId);
      }

      @Override
      public List<Policy> policies(List<String> ids) {
        return store.policies(ids);
      }

      @Override
      public boolean inConditionSet(String conditionSetId, String normalizedValue) {
        return store.inConditionSet(conditionSetId, normalizedValue);
      }

      @Override
      public List<Aggregation> aggregationsOf(String appId) {
        return store.aggregationsOf(appId);
      }
    };
  }
}
