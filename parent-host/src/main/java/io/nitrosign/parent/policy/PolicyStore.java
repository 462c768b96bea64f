package io.nitrosign.parent.policy;

import io.nitrosign.parent.wallet.WalletCursor;
import io.nitrosign.policy.Aggregation;
import io.nitrosign.policy.Policy;
import io.nitrosign.policy.PolicyException;
import io.nitrosign.policy.PolicyParser;
import io.nitrosign.policy.Rule;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * SQL for {@code policies} and {@code policy_rules}, and the read side of policies for the
 * signing path: a wallet's policies (parsed, through the {@link PolicyCache}), an additional
 * signer's override policies, condition set membership and aggregations. Constructed, like every
 * store, from the caller's {@link Handle}; reads by app are scoped to it (another app's policy is
 * as absent as a nonexistent one).
 */
public final class PolicyStore {

  private final Handle handle;
  private final PolicyCache cache;

  /** A store on {@code handle} using the process-wide {@link PolicyCache#shared()}. */
  public PolicyStore(Handle handle) {
    this(handle, PolicyCache.shared());
  }

  public PolicyStore(Handle handle, PolicyCache cache) {
    this.handle = handle;
    this.cache = cache;
  }

  // ------------------------------------------------------------------------ the signing path

  /**
   * The wallet's policies in attachment order (empty when it has none: then only its app governs
   * it). One query when every policy's current revision is cached.
   */
  public List<Policy> policiesOfWallet(String walletId) {
    List<Revision> revisions = handle.createQuery("SELECT p.id, p.revision FROM wallet_policies w"
            + " JOIN policies p ON p.id = w.policy_id WHERE w.wallet_id = :wallet"
            + " ORDER BY w.position")
        .bind("wallet", walletId)
        .map((rs, ctx) -> new Revision(rs.getString("id"), rs.getInt("revision")))
        .list();
    return parsed(revisions);
  }

  /**
   * The policies with these ids, in the order given (for an additional signer's
   * {@code override_policy_ids}); ids of policies that no longer exist are left out.
   */
  public List<Policy> policies(List<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    Map<String, Integer> byId = new HashMap<>();
    handle.createQuery("SELECT id, revision FROM policies WHERE id = ANY(:ids)")
        .bindArray("ids", String.class, ids)
        .map((rs, ctx) -> byId.put(rs.getString("id"), rs.getInt("revision")))
        .list();
    List<Revision> revisions = new ArrayList<>();
    for (String id : ids) {
      Integer revision = byId.get(id);
      if (revision != null) {
        revisions.add(new Revision(id, revision));
      }
    }
    return parsed(revisions);
  }

  /**
   * Whether condition set {@code conditionSetId} holds {@code normalizedValue} (an index lookup;
   * the value as {@link io.nitrosign.policy.Values#normalizeItem} gives it).
   */
  public boolean inConditionSet(String conditionSetId, String normalizedValue) {
    return handle.createQuery("SELECT EXISTS (SELECT 1 FROM condition_set_items"
            + " WHERE condition_set_id = :set AND value_norm = :value)")
        .bind("set", conditionSetId).bind("value", normalizedValue)
        .mapTo(Boolean.class).one();
  }

  /** The app's aggregation with this id, parsed (aggregations never change; parsed once). */
  public Optional<Aggregation> aggregation(String appId, String id) {
    return handle.createQuery("SELECT id, definition FROM aggregations"
            + " WHERE id = :id AND app_id = :app")
        .bind("id", id).bind("app", appId)
        .map((rs, ctx) -> parsedAggregation(rs.getString("id"), rs.getString("definition")))
        .findOne();
  }

  /** Every aggregation of the app, oldest first, parsed. */
  public List<Aggregation> aggregationsOf(String appId) {
    return handle.createQuery("SELECT id, definition FROM aggregations WHERE app_id = :app"
            + " ORDER BY created_at, id")
        .bind("app", appId)
        .map((rs, ctx) -> parsedAggregation(rs.getString("id"), rs.getString("definition")))
        .list();
  }

  private record Revision(String id, int revision) {}

  private List<Policy> parsed(List<Revision> revisions) {
    List<Policy> out = new ArrayList<>(revisions.size());
    for (Revision r : revisions) {
      Policy p = cache.policy(r.id(), r.revision());
      if (p == null) {
        // header and rules in one statement: one snapshot, labelled with its own revision
        StoredPolicy stored = loadById(r.id()).orElse(null);
        if (stored == null) {
          continue; // deleted since the revision was read
        }
        p = parse(stored);
        cache.put(stored.id(), stored.revision(), p);
      }
      out.add(p);
    }
    return List.copyOf(out);
  }

  private Aggregation parsedAggregation(String id, String definition) {
    return cache.aggregation(id, () -> parseAggregation(id, definition));
  }

  /** A stored aggregation definition, parsed (it was valid when written). */
  static Aggregation parseAggregation(String id, String definition) {
    try {
      return PolicyParser.aggregation(id, PlainJson.object(PlainJson.tree(definition)));
    } catch (PolicyException e) {
      throw new IllegalStateException("stored aggregation " + id + " does not parse: "
          + e.path());
    }
  }

  /** A stored policy, parsed (it was valid when written). */
  static Policy parse(StoredPolicy p) {
    List<Rule> rules = new ArrayList<>(p.rules().size());
    for (int i = 0; i < p.rules().size(); i++) {
      StoredPolicy.Rule r = p.rules().get(i);
      try {
        rules.add(PolicyParser.rule(r.id(), ruleBody(r), p.chainType(), "rules[" + i + "]."));
      } catch (PolicyException e) {
        throw new IllegalStateException("stored policy " + p.id() + " does not parse: "
            + e.path());
      }
    }
    return new Policy(p.id(), p.version(), p.name(), p.chainType(), List.copyOf(rules));
  }

  /** A stored rule as the body it was parsed from: {@code {name, method, conditions, action}}. */
  static Map<String, Object> ruleBody(StoredPolicy.Rule r) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", r.name());
    body.put("method", r.method());
    body.put("conditions", PlainJson.parse(r.conditions()));
    body.put("action", r.action());
    return body;
  }

  // ------------------------------------------------------------------------------ policies

  void insert(StoredPolicy p) {
    handle.createUpdate("INSERT INTO policies (id, app_id, name, chain_type, version, owner_id,"
            + " revision, created_at, updated_at) VALUES (:id, :app, :name, :chain, :version,"
            + " :owner, :revision, :at, :at)")
        .bind("id", p.id()).bind("app", p.appId()).bind("name", p.name())
        .bind("chain", p.chainType()).bind("version", p.version()).bind("owner", p.ownerId())
        .bind("revision", p.revision()).bind("at", p.createdAt().atOffset(ZoneOffset.UTC))
        .execute();
    for (int i = 0; i < p.rules().size(); i++) {
      insertRule(p.id(), i, p.rules().get(i));
    }
  }

  /** The app's policy with this id, with its rules. */
  Optional<StoredPolicy> find(String appId, String id) {
    return find(appId, id, false);
  }

  /** As {@link #find}, locking the policy's row until the transaction ends. */
  Optional<StoredPolicy> findForUpdate(String appId, String id) {
    return find(appId, id, true);
  }

  private Optional<StoredPolicy> find(String appId, String id, boolean lock) {
    return Rows.find(handle, "policies", HEADER, appId, id, lock,
            (rs, ctx) -> header(rs, List.of()))
        .map(h -> withRules(h, rules(h.id())));
  }

  /** Policy {@code id} of any app, header and rules read by one statement (one snapshot). */
  private Optional<StoredPolicy> loadById(String id) {
    List<Object[]> rows = handle.createQuery("SELECT " + prefixed("p.", HEADER)
            + ", r.id AS rule_id, r.name AS rule_name, r.method, r.action, r.conditions"
            + " FROM policies p LEFT JOIN policy_rules r ON r.policy_id = p.id"
            + " WHERE p.id = :id ORDER BY r.position")
        .bind("id", id)
        .map((rs, ctx) -> new Object[] {header(rs, List.of()), rs.getString("rule_id") == null
            ? null : new StoredPolicy.Rule(rs.getString("rule_id"), rs.getString("rule_name"),
                rs.getString("method"), rs.getString("action"), rs.getString("conditions"))})
        .list();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    List<StoredPolicy.Rule> rules = new ArrayList<>();
    for (Object[] row : rows) {
      if (row[1] != null) {
        rules.add((StoredPolicy.Rule) row[1]);
      }
    }
    return Optional.of(withRules((StoredPolicy) rows.get(0)[0], rules));
  }

  /** The app's policies, newest first, strictly after {@code after}; at most {@code limit}. */
  List<StoredPolicy> list(String appId, WalletCursor after, int limit) {
    List<StoredPolicy> headers = Rows.newestFirst(handle, "policies", HEADER, appId, after,
        limit, (rs, ctx) -> header(rs, List.of()));
    Map<String, List<StoredPolicy.Rule>> rules = rulesOf(headers.stream()
        .map(StoredPolicy::id).toList());
    return headers.stream().map(h -> withRules(h, rules.getOrDefault(h.id(), List.of())))
        .toList();
  }

  /** Sets name and owner and bumps the revision (the caller holds the row lock). */
  void updateHeader(String id, String name, String ownerId, Instant at) {
    handle.createUpdate("UPDATE policies SET name = :name, owner_id = :owner,"
            + " revision = revision + 1, updated_at = :at WHERE id = :id")
        .bind("name", name).bind("owner", ownerId).bind("at", at.atOffset(ZoneOffset.UTC))
        .bind("id", id).execute();
  }

  /** Bumps the revision after a change of the policy's rules. */
  void touch(String id, Instant at) {
    handle.createUpdate("UPDATE policies SET revision = revision + 1, updated_at = :at"
            + " WHERE id = :id")
        .bind("at", at.atOffset(ZoneOffset.UTC)).bind("id", id).execute();
  }

  /** Replaces every rule of the policy (their references go with them). */
  void replaceRules(String policyId, List<StoredPolicy.Rule> rules) {
    handle.createUpdate("DELETE FROM policy_rules WHERE policy_id = :id")
        .bind("id", policyId).execute();
    for (int i = 0; i < rules.size(); i++) {
      insertRule(policyId, i, rules.get(i));
    }
  }

  /** Appends a rule after the policy's last one. */
  void appendRule(String policyId, StoredPolicy.Rule rule) {
    int next = handle.createQuery("SELECT coalesce(max(position) + 1, 0) FROM policy_rules"
            + " WHERE policy_id = :id")
        .bind("id", policyId).mapTo(Integer.class).one();
    insertRule(policyId, next, rule);
  }

  /** Replaces one rule in place (same id, same position); false when the policy has no such rule. */
  boolean updateRule(String policyId, StoredPolicy.Rule rule) {
    int n = handle.createUpdate("UPDATE policy_rules SET name = :name, method = :method,"
            + " action = :action, conditions = :conditions WHERE id = :id AND policy_id = :policy")
        .bind("name", rule.name()).bind("method", rule.method()).bind("action", rule.action())
        .bind("conditions", rule.conditions()).bind("id", rule.id()).bind("policy", policyId)
        .execute();
    if (n != 1) {
      return false;
    }
    handle.createUpdate("DELETE FROM policy_rule_condition_sets WHERE rule_id = :id")
        .bind("id", rule.id()).execute();
    handle.createUpdate("DELETE FROM policy_rule_aggregations WHERE rule_id = :id")
        .bind("id", rule.id()).execute();
    insertReferences(rule);
    return true;
  }

  boolean deleteRule(String policyId, String ruleId) {
    return handle.createUpdate("DELETE FROM policy_rules WHERE id = :id AND policy_id = :policy")
        .bind("id", ruleId).bind("policy", policyId).execute() == 1;
  }

  /** How many wallets (as policy_ids) and additional signers (as overrides) name the policy. */
  int attachments(String policyId) {
    return handle.createQuery("SELECT (SELECT count(*) FROM wallet_policies WHERE policy_id = :id)"
            + " + (SELECT count(*) FROM wallet_signer_policies WHERE policy_id = :id)")
        .bind("id", policyId).mapTo(Integer.class).one();
  }

  /** Deletes the app's policy and its rules; false when there is none. */
  boolean delete(String appId, String id) {
    return Rows.delete(handle, "policies", appId, id);
  }

  /**
   * The chain type of each of these ids that is a policy of the app (for checking a wallet's
   * {@code policy_ids}); the rows stay share-locked until the transaction ends.
   */
  public Map<String, String> chainTypes(String appId, Collection<String> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new HashMap<>();
    handle.createQuery("SELECT id, chain_type FROM policies WHERE app_id = :app"
            + " AND id = ANY(:ids) FOR SHARE")
        .bind("app", appId).bindArray("ids", String.class, ids)
        .map((rs, ctx) -> out.put(rs.getString("id"), rs.getString("chain_type")))
        .list();
    return out;
  }

  // ------------------------------------------------------------------------------- helpers

  private static final String HEADER = "id, app_id, name, chain_type, version, owner_id, revision,"
      + " created_at";

  private static String prefixed(String prefix, String columns) {
    StringBuilder b = new StringBuilder();
    for (String c : columns.split(",")) {
      b.append(b.length() == 0 ? "" : ", ").append(prefix).append(c.strip());
    }
    return b.toString();
  }

  private void insertRule(String policyId, int position, StoredPolicy.Rule r) {
    handle.createUpdate("INSERT INTO policy_rules (id, policy_id, position, name, method, action,"
            + " conditions) VALUES (:id, :policy, :pos, :name, :method, :action, :conditions)")
        .bind("id", r.id()).bind("policy", policyId).bind("pos", position).bind("name", r.name())
        .bind("method", r.method()).bind("action", r.action()).bind("conditions", r.conditions())
        .execute();
    insertReferences(r);
  }

  private void insertReferences(StoredPolicy.Rule r) {
    for (String set : r.conditionSetIds()) {
      handle.createUpdate("INSERT INTO policy_rule_condition_sets (rule_id, condition_set_id)"
              + " VALUES (:rule, :set)")
          .bind("rule", r.id()).bind("set", set).execute();
    }
    for (String aggregation : r.aggregationIds()) {
      handle.createUpdate("INSERT INTO policy_rule_aggregations (rule_id, aggregation_id)"
              + " VALUES (:rule, :aggregation)")
          .bind("rule", r.id()).bind("aggregation", aggregation).execute();
    }
  }

  private List<StoredPolicy.Rule> rules(String policyId) {
    return rulesOf(List.of(policyId)).getOrDefault(policyId, List.of());
  }

  private Map<String, List<StoredPolicy.Rule>> rulesOf(List<String> policyIds) {
    if (policyIds.isEmpty()) {
      return Map.of();
    }
    Map<String, List<StoredPolicy.Rule>> out = new HashMap<>();
    handle.createQuery("SELECT id, policy_id, name, method, action, conditions FROM policy_rules"
            + " WHERE policy_id = ANY(:ids) ORDER BY policy_id, position")
        .bindArray("ids", String.class, policyIds)
        .map((rs, ctx) -> out.computeIfAbsent(rs.getString("policy_id"), k -> new ArrayList<>())
            .add(new StoredPolicy.Rule(rs.getString("id"), rs.getString("name"),
                rs.getString("method"), rs.getString("action"), rs.getString("conditions"))))
        .list();
    return out;
  }

  private static StoredPolicy withRules(StoredPolicy h, List<StoredPolicy.Rule> rules) {
    return new StoredPolicy(h.id(), h.appId(), h.name(), h.chainType(), h.version(), h.ownerId(),
        h.revision(), h.createdAt(), rules);
  }

  private static StoredPolicy header(ResultSet rs, List<StoredPolicy.Rule> rules)
      throws SQLException {
    return new StoredPolicy(rs.getString("id"), rs.getString("app_id"), rs.getString("name"),
        rs.getString("chain_type"), rs.getString("version"), rs.getString("owner_id"),
        rs.getInt("revision"), rs.getObject("created_at", OffsetDateTime.class).toInstant(), rules);
  }
}
