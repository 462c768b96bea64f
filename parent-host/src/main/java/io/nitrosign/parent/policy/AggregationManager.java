package io.nitrosign.parent.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nitrosign.parent.Ids;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.ErrorCodes;
import io.nitrosign.parent.app.App;
import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.authz.RequestAuthorizer;
import io.nitrosign.parent.quorum.KeyQuorumStore;
import io.nitrosign.parent.wallet.OwnerResolver;
import io.nitrosign.policy.Aggregation;
import io.nitrosign.policy.PolicyParser;
import jakarta.ws.rs.core.HttpHeaders;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * Aggregation use cases ({@code /v1/aggregations}, Privy's stateful policies): create, read,
 * list, delete. An aggregation never changes once created (as in Privy there is no update), so
 * its parsed form is cached by id. Its definition is validated by the policy module; condition
 * sets its conditions name must be the app's. Deleting one a rule references is 409
 * {@code aggregation_in_use}; an owned one is deleted only with its owner's signatures.
 */
public final class AggregationManager
    extends OwnedManager<AggregationStore, StoredAggregation> {

  public AggregationManager(Jdbi jdbi, RequestAuthorizer authorizer, ObjectMapper json,
      SecureRandom random, Clock clock) {
    super(jdbi, authorizer, json, random, clock, new Kind<>("aggregation_id",
        AggregationManager::notFound, AggregationStore::new, AggregationStore::find,
        AggregationStore::findForUpdate));
  }

  /** The path a request on this aggregation is signed for. */
  public static String path(String id) {
    return "/v1/aggregations/" + id;
  }

  public ObjectNode create(App app, byte[] body) {
    ObjectNode root = bodies.object(body);
    Map<String, Object> plain = PlainJson.object(root);
    plain.remove("owner");
    plain.remove("owner_id");
    String id = Ids.random(random);
    Aggregation parsed = Changes.parsing(ErrorCodes.INVALID_AGGREGATION,
        () -> PolicyParser.aggregation(id, plain));
    Changes.checkName(ErrorCodes.INVALID_AGGREGATION, "name", parsed.name());
    Map<String, Object> definition = new LinkedHashMap<>(parsed.toJson());
    definition.remove("id");
    Instant now = now();
    StoredAggregation created = jdbi.inTransaction(h -> {
      OwnerResolver.Owner owner = new OwnerResolver(h).owner(app.id(), root);
      Set<String> sets = Changes.requireConditionSets(h, app.id(),
          Changes.conditionSets(parsed.conditions(), ""), ErrorCodes.INVALID_AGGREGATION);
      if (owner.newQuorum() != null) {
        new KeyQuorumStore(h).insert(owner.newQuorum());
      }
      StoredAggregation a = new StoredAggregation(id, app.id(), parsed.name(), owner.ownerId(),
          PlainJson.render(definition), now, sets);
      new AggregationStore(h).insert(a);
      Map<String, Object> detail = named(id);
      detail.put("method", parsed.method());
      detail.put("window_seconds", parsed.windowSeconds());
      detail.put("owner_id", a.ownerId());
      changes.audit(h, app.id(), AuditEvent.AGGREGATION_CREATE, detail);
      return a;
    });
    return Views.aggregation(created);
  }

  public ObjectNode get(App app, String id) {
    return Views.aggregation(read(app.id(), id));
  }

  public Views.Page<ObjectNode> list(App app, String limitParam, String cursorParam) {
    return Paging.slice(limitParam, cursorParam, (after, n) ->
        jdbi.withHandle(h -> new AggregationStore(h).list(app.id(), after, n)))
        .page(Views::aggregation);
  }

  /**
   * Deletes the aggregation, with its owner's signatures; 409 {@code aggregation_in_use} while a
   * rule references it.
   */
  public Views.Deleted delete(App app, String id, HttpHeaders headers) {
    return change(app, id, AuditEvent.AGGREGATION_DELETE, Map.of(), (h, store, current) -> {
      gate.require(h, app.id(), current.ownerId(), "DELETE", path(id), new byte[0], headers);
      Changes.deleteUnreferenced(store.references(id), () -> store.delete(app.id(), id),
          AggregationManager::inUse);
      changes.audit(h, app.id(), AuditEvent.AGGREGATION_DELETE, named(id));
      return new Views.Deleted(true);
    });
  }

  static ApiException notFound() {
    return new ApiException(404, ErrorCodes.AGGREGATION_NOT_FOUND, "aggregation not found");
  }

  private static ApiException inUse() {
    return new ApiException(409, ErrorCodes.AGGREGATION_IN_USE, "aggregation is referenced by a"
        + " policy rule (reference aggregation.<id>); remove the reference first");
  }
}
