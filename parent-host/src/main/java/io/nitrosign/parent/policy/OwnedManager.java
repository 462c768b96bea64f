package io.nitrosign.parent.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nitrosign.parent.Ids;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.JsonBodies;
import io.nitrosign.parent.app.App;
import io.nitrosign.parent.authz.RequestAuthorizer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * What the policy, condition set and aggregation use cases share beyond {@link Changes}: their
 * collaborators, and reading and changing one of the app's resources by id the same way. An
 * implausible id is 404 without a query, another app's resource is as absent as a missing one,
 * and a change runs with the resource's row locked until its transaction commits, a refusal
 * audited when the resource exists. {@code S} is the resource's store, {@code R} its stored row.
 */
abstract class OwnedManager<S, R> {

  /** A change of the resource: its store, and its row as locked, in the change's transaction. */
  @FunctionalInterface
  interface Change<S, R, T> {
    T apply(Handle h, S store, R current);
  }

  /** A lookup of the app's resource by id in its store. */
  @FunctionalInterface
  interface Find<S, R> {
    Optional<R> find(S store, String appId, String id);
  }

  /**
   * One kind of resource: the detail field naming it in audit rows ({@code policy_id}, ...), its
   * 404, its store on a handle, and the store's lookups by id (plain, and locking the row).
   */
  record Kind<S, R>(String idField, Supplier<ApiException> notFound, Function<Handle, S> store,
      Find<S, R> find, Find<S, R> findForUpdate) {}

  final Jdbi jdbi;
  final OwnerGate gate;
  final Changes changes;
  final JsonBodies bodies;
  final SecureRandom random;
  private final Clock clock;
  private final Kind<S, R> kind;

  OwnedManager(Jdbi jdbi, RequestAuthorizer authorizer, ObjectMapper json, SecureRandom random,
      Clock clock, Kind<S, R> kind) {
    this.jdbi = jdbi;
    this.gate = new OwnerGate(authorizer, clock);
    this.changes = new Changes(jdbi, clock);
    this.bodies = PlainJson.bodies(json);
    this.random = random;
    this.clock = clock;
    this.kind = kind;
  }

  /** The app's resource {@code id}, or 404. */
  final R read(String appId, String id) {
    if (!Ids.plausible(id)) {
      throw kind.notFound().get();
    }
    return jdbi.withHandle(h -> kind.find().find(kind.store().apply(h), appId, id))
        .orElseThrow(kind.notFound());
  }

  /**
   * Runs {@code body} on the app's resource {@code id} with its row locked, in one transaction;
   * a refusal ({@link ApiException}) of an existing resource is audited as a refused
   * {@code action}, with the resource's id and {@code detail}.
   */
  final <T> T change(App app, String id, String action, Map<String, ?> detail,
      Change<S, R, T> body) {
    if (!Ids.plausible(id)) {
      throw kind.notFound().get();
    }
    boolean[] found = {false};
    try {
      return jdbi.inTransaction(h -> {
        S store = kind.store().apply(h);
        R current = kind.findForUpdate().find(store, app.id(), id).orElseThrow(kind.notFound());
        found[0] = true;
        return body.apply(h, store, current);
      });
    } catch (ApiException e) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put(kind.idField(), id);
      d.putAll(detail);
      changes.rejected(found[0], app.id(), action, d, e);
      throw e;
    }
  }

  /** The audit detail naming the resource {@code id}. */
  final Map<String, Object> named(String id) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put(kind.idField(), id);
    return d;
  }

  /** Now, to the microsecond the database keeps. */
  final Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
