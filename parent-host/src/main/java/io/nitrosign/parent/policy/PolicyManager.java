package io.nitrosign.parent.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nitrosign.parent.Ids;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.ErrorCodes;
import io.nitrosign.parent.api.JsonBodies;
import io.nitrosign.parent.app.App;
import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.authz.RequestAuthorizer;
import io.nitrosign.parent.quorum.KeyQuorumStore;
import io.nitrosign.parent.wallet.OwnerResolver;
import io.nitrosign.policy.Condition;
import io.nitrosign.policy.Policy;
import io.nitrosign.policy.PolicyParser;
import io.nitrosign.policy.Rule;
import jakarta.ws.rs.core.HttpHeaders;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Policy use cases ({@code /v1/policies}, Privy's API): create, read, list, update, delete, and
 * the rules one by one. Everything a policy says is validated by the policy module
 * ({@link PolicyParser}) before anything is written; a policy and its rules are written in one
 * transaction, with the audit row. A policy with an owner changes only with the owner's
 * signatures ({@link OwnerGate}), checked with the policy's row locked until the commit.
 *
 * <p>Rule ids are always assigned here: an {@code id} a client gives in a rule (Privy's create
 * body allows one) is ignored, and {@code PATCH} with {@code rules} gives every rule a new id.
 */
public final class PolicyManager extends OwnedManager<PolicyStore, StoredPolicy> {

  /** Most rules in one policy. */
  public static final int MAX_RULES = 100;
  static final Set<String> UPDATE_FIELDS = Set.of("name", "rules", "owner", "owner_id");

  public PolicyManager(Jdbi jdbi, RequestAuthorizer authorizer, ObjectMapper json,
      SecureRandom random, Clock clock) {
    super(jdbi, authorizer, json, random, clock, new Kind<>("policy_id", PolicyManager::notFound,
        PolicyStore::new, PolicyStore::find, PolicyStore::findForUpdate));
  }

  /** The path a request on this policy is signed for. */
  public static String path(String id) {
    return "/v1/policies/" + id;
  }

  static String rulesPath(String id) {
    return path(id) + "/rules";
  }

  static String rulePath(String id, String ruleId) {
    return rulesPath(id) + "/" + ruleId;
  }

  // ---------------------------------------------------------------------------------- create

  public Views.PolicyView create(App app, byte[] body) {
    ObjectNode root = bodies.object(body);
    Map<String, Object> plain = PlainJson.object(root);
    plain.remove("owner");
    plain.remove("owner_id");
    withoutRuleIds(plain.get("rules"));
    String id = Ids.random(random);
    Policy parsed = Changes.parsing(ErrorCodes.INVALID_POLICY,
        () -> PolicyParser.policy(id, plain, () -> Ids.random(random)));
    check(parsed);
    Instant now = now();
    StoredPolicy created = jdbi.inTransaction(h -> {
      OwnerResolver.Owner owner = new OwnerResolver(h).owner(app.id(), root);
      List<StoredPolicy.Rule> rules = stored(h, app.id(), parsed.rules(), true);
      if (owner.newQuorum() != null) {
        new KeyQuorumStore(h).insert(owner.newQuorum());
      }
      StoredPolicy p = new StoredPolicy(id, app.id(), parsed.name(), parsed.chainType(),
          parsed.version(), owner.ownerId(), 1, now, rules);
      new PolicyStore(h).insert(p);
      changes.audit(h, app.id(), AuditEvent.POLICY_CREATE, detail(p));
      return p;
    });
    return Views.PolicyView.of(created);
  }

  // ------------------------------------------------------------------------------------ read

  public Views.PolicyView get(App app, String id) {
    return Views.PolicyView.of(read(app.id(), id));
  }

  public Views.Page<Views.PolicyView> list(App app, String limitParam, String cursorParam) {
    return Paging.slice(limitParam, cursorParam, (after, n) ->
        jdbi.withHandle(h -> new PolicyStore(h).list(app.id(), after, n)))
        .page(Views.PolicyView::of);
  }

  public Views.RuleView getRule(App app, String id, String ruleId) {
    return Views.RuleView.of(rule(read(app.id(), id), ruleId));
  }

  // ---------------------------------------------------------------------------------- update

  /**
   * {@code PATCH}: {@code name}, {@code rules} (replacing every rule), {@code owner} /
   * {@code owner_id} ({@code null} removes the owner). The whole policy as it would be is
   * validated first; a body with any invalid part changes nothing.
   */
  public Views.PolicyView update(App app, String id, byte[] body, HttpHeaders headers) {
    return change(app, id, AuditEvent.POLICY_UPDATE, Map.of(), (h, store, current) -> {
      gate.require(h, app.id(), current.ownerId(), "PATCH", path(id), body, headers);
      ObjectNode root = bodies.object(body);
      onlyFields(root, UPDATE_FIELDS, ErrorCodes.INVALID_POLICY);
      if (root.isEmpty()) {
        throw Changes.invalid(ErrorCodes.INVALID_POLICY, "",
            "request body must set at least one field");
      }
      Map<String, Object> plain = PlainJson.object(root);
      boolean newRules = plain.containsKey("rules");
      Map<String, Object> candidate = new LinkedHashMap<>();
      candidate.put("version", current.version());
      candidate.put("name", plain.containsKey("name") ? plain.get("name") : current.name());
      candidate.put("chain_type", current.chainType());
      if (newRules) {
        withoutRuleIds(plain.get("rules"));
        candidate.put("rules", plain.get("rules"));
      } else {
        List<Object> kept = new ArrayList<>();
        current.rules().forEach(r -> kept.add(PolicyStore.ruleBody(r)));
        candidate.put("rules", kept);
      }
      Policy parsed = Changes.parsing(ErrorCodes.INVALID_POLICY,
          () -> PolicyParser.policy(id, candidate, () -> Ids.random(random)));
      check(parsed);
      OwnerResolver.Owner owner = new OwnerResolver(h).owner(app.id(), root);
      List<StoredPolicy.Rule> rules = newRules ? stored(h, app.id(), parsed.rules(), true) : null;
      if (owner.newQuorum() != null) {
        new KeyQuorumStore(h).insert(owner.newQuorum());
      }
      Instant now = now();
      store.updateHeader(id, parsed.name(), owner.given() ? owner.ownerId() : current.ownerId(),
          now);
      if (rules != null) {
        store.replaceRules(id, rules);
      }
      StoredPolicy after = store.find(app.id(), id).orElseThrow();
      Map<String, Object> detail = detail(after);
      detail.put("rules_replaced", newRules);
      changes.audit(h, app.id(), AuditEvent.POLICY_UPDATE, detail);
      return Views.PolicyView.of(after);
    });
  }

  /** {@code POST /v1/policies/{id}/rules}: one more rule, after the last. */
  public Views.RuleView addRule(App app, String id, byte[] body, HttpHeaders headers) {
    return change(app, id, AuditEvent.POLICY_UPDATE, Map.of(), (h, store, current) -> {
      gate.require(h, app.id(), current.ownerId(), "POST", rulesPath(id), body, headers);
      Map<String, Object> plain = PlainJson.object(bodies.object(body));
      plain.remove("id");
      if (current.rules().size() >= MAX_RULES) {
        throw Changes.invalid(ErrorCodes.INVALID_POLICY, "",
            "a policy has at most " + MAX_RULES + " rules");
      }
      String ruleId = Ids.random(random);
      Rule rule = Changes.parsing(ErrorCodes.INVALID_POLICY,
          () -> PolicyParser.rule(ruleId, plain, current.chainType(), ""));
      StoredPolicy.Rule stored = stored(h, app.id(), List.of(rule), false).get(0);
      store.appendRule(id, stored);
      store.touch(id, now());
      changes.audit(h, app.id(), AuditEvent.POLICY_UPDATE, ruleDetail(id, ruleId, "added"));
      return Views.RuleView.of(stored);
    });
  }

  /** {@code PATCH /v1/policies/{id}/rules/{rule_id}}: the rule replaced, same id and place. */
  public Views.RuleView updateRule(App app, String id, String ruleId, byte[] body,
      HttpHeaders headers) {
    requirePlausibleRule(ruleId);
    return change(app, id, AuditEvent.POLICY_UPDATE, Map.of("rule_id", ruleId),
        (h, store, current) -> {
          rule(current, ruleId);
          gate.require(h, app.id(), current.ownerId(), "PATCH", rulePath(id, ruleId), body,
              headers);
          Map<String, Object> plain = PlainJson.object(bodies.object(body));
          plain.remove("id");
          Rule rule = Changes.parsing(ErrorCodes.INVALID_POLICY,
              () -> PolicyParser.rule(ruleId, plain, current.chainType(), ""));
          StoredPolicy.Rule stored = stored(h, app.id(), List.of(rule), false).get(0);
          store.updateRule(id, stored);
          store.touch(id, now());
          changes.audit(h, app.id(), AuditEvent.POLICY_UPDATE, ruleDetail(id, ruleId, "updated"));
          return Views.RuleView.of(stored);
        });
  }

  /** {@code DELETE /v1/policies/{id}/rules/{rule_id}}. */
  public Views.Deleted deleteRule(App app, String id, String ruleId, HttpHeaders headers) {
    requirePlausibleRule(ruleId);
    return change(app, id, AuditEvent.POLICY_UPDATE, Map.of("rule_id", ruleId),
        (h, store, current) -> {
          rule(current, ruleId);
          gate.require(h, app.id(), current.ownerId(), "DELETE", rulePath(id, ruleId),
              new byte[0], headers);
          store.deleteRule(id, ruleId);
          store.touch(id, now());
          changes.audit(h, app.id(), AuditEvent.POLICY_UPDATE, ruleDetail(id, ruleId, "deleted"));
          return new Views.Deleted(true);
        });
  }

  // ---------------------------------------------------------------------------------- delete

  /**
   * Deletes the policy and its rules, with its owner's signatures. 409 {@code policy_in_use}
   * while a wallet ({@code policy_ids}) or an additional signer ({@code override_policy_ids})
   * names it.
   */
  public Views.Deleted delete(App app, String id, HttpHeaders headers) {
    return change(app, id, AuditEvent.POLICY_DELETE, Map.of(), (h, store, current) -> {
      gate.require(h, app.id(), current.ownerId(), "DELETE", path(id), new byte[0], headers);
      Changes.deleteUnreferenced(store.attachments(id), () -> store.delete(app.id(), id),
          PolicyManager::inUse);
      changes.audit(h, app.id(), AuditEvent.POLICY_DELETE, named(id));
      return new Views.Deleted(true);
    });
  }

  // --------------------------------------------------------------------------------- helpers

  /**
   * The rules as stored: conditions as the policy module returns them, and what they reference,
   * each reference checked to be the app's ({@code rules[i].} prefixes paths when
   * {@code inPolicy}).
   */
  private static List<StoredPolicy.Rule> stored(Handle h, String appId, List<Rule> rules,
      boolean inPolicy) {
    List<StoredPolicy.Rule> out = new ArrayList<>(rules.size());
    for (int i = 0; i < rules.size(); i++) {
      Rule r = rules.get(i);
      String prefix = inPolicy ? "rules[" + i + "]." : "";
      Set<String> sets = Changes.requireConditionSets(h, appId,
          Changes.conditionSets(r.conditions(), prefix), ErrorCodes.INVALID_POLICY);
      Set<String> aggregations = Changes.requireAggregations(h, appId,
          Changes.aggregations(r.conditions(), prefix), ErrorCodes.INVALID_POLICY);
      List<Object> conditions = new ArrayList<>();
      for (Condition c : r.conditions()) {
        conditions.add(c.toJson());
      }
      out.add(new StoredPolicy.Rule(r.id(), r.name(), r.method(), r.action().name(),
          PlainJson.render(conditions), sets, aggregations));
    }
    return out;
  }

  private static void check(Policy p) {
    Changes.checkName(ErrorCodes.INVALID_POLICY, "name", p.name());
    if (p.rules().size() > MAX_RULES) {
      throw Changes.invalid(ErrorCodes.INVALID_POLICY, "rules",
          "a policy has at most " + MAX_RULES + " rules");
    }
  }

  /** Rule ids are assigned here: a client's are dropped before parsing. */
  private static void withoutRuleIds(Object rules) {
    if (rules instanceof List<?> list) {
      for (Object r : list) {
        if (r instanceof Map<?, ?> m) {
          m.remove("id");
        }
      }
    }
  }

  static void onlyFields(ObjectNode node, Set<String> allowed, String code) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        String path = JsonBodies.printable(name);
        throw ApiException.invalidAt(code, path, "unknown field: " + path);
      }
    }
  }

  private static void requirePlausibleRule(String ruleId) {
    if (!Ids.plausible(ruleId)) {
      throw ruleNotFound();
    }
  }

  private static ApiException ruleNotFound() {
    return new ApiException(404, ErrorCodes.POLICY_RULE_NOT_FOUND, "policy rule not found");
  }

  private static StoredPolicy.Rule rule(StoredPolicy p, String ruleId) {
    for (StoredPolicy.Rule r : p.rules()) {
      if (r.id().equals(ruleId)) {
        return r;
      }
    }
    throw ruleNotFound();
  }

  private Map<String, Object> detail(StoredPolicy p) {
    Map<String, Object> d = named(p.id());
    d.put("chain_type", p.chainType());
    d.put("owner_id", p.ownerId());
    d.put("rules", p.rules().size());
    return d;
  }

  private Map<String, Object> ruleDetail(String policyId, String ruleId, String change) {
    Map<String, Object> d = named(policyId);
    d.put("rule_id", ruleId);
    d.put("rule", change);
    return d;
  }

  static ApiException notFound() {
    return new ApiException(404, ErrorCodes.POLICY_NOT_FOUND, "policy not found");
  }

  private static ApiException inUse() {
    return new ApiException(409, ErrorCodes.POLICY_IN_USE, "policy is attached to a wallet"
        + " (policy_ids) or an additional signer (override_policy_ids); detach it first");
  }
}
