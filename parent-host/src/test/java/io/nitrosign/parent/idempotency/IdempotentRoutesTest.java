package io.nitrosign.parent.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.parent.policy.AggregationResource;
import io.nitrosign.parent.policy.ConditionSetResource;
import io.nitrosign.parent.policy.PolicyResource;
import io.nitrosign.parent.quorum.KeyQuorumResource;
import io.nitrosign.parent.wallet.WalletResource;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Which routes honour privy-idempotency-key: exactly the POSTs that create or sign, as docs/api.md
 * and docs/openapi.yaml list them. Key export is not among them (its answer, the wrapped private
 * key, must never be stored).
 */
class IdempotentRoutesTest {

  @Test
  void exactlyTheCreatingAndSigningPostsOptIn() {
    Set<String> routes = new TreeSet<>();
    for (Class<?> resource : List.of(WalletResource.class, KeyQuorumResource.class,
        PolicyResource.class, ConditionSetResource.class, AggregationResource.class)) {
      String base = resource.getAnnotation(Path.class).value();
      for (Method m : resource.getDeclaredMethods()) {
        if (m.isAnnotationPresent(Idempotent.class)) {
          assertTrue(m.isAnnotationPresent(POST.class), m + " is not a POST");
          Path sub = m.getAnnotation(Path.class);
          routes.add(base + (sub == null ? "" : "/" + sub.value()));
        }
      }
    }
    assertEquals(new TreeSet<>(Set.of("/v1/wallets", "/v1/wallets/{id}/rpc", "/v1/wallets/{id}/raw_sign",
        "/v1/wallets/import/submit", "/v1/key_quorums", "/v1/policies", "/v1/condition_sets",
        "/v1/aggregations")), routes);
  }
}
