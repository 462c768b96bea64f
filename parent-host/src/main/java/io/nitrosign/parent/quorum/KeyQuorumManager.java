package io.nitrosign.parent.quorum;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nitrosign.parent.Ids;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.ErrorCodes;
import io.nitrosign.parent.api.JsonBodies;
import io.nitrosign.parent.app.App;
import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.audit.Outcome;
import io.nitrosign.parent.authz.RequestAuthorizer;
import io.nitrosign.parent.authz.UsedAuthorizations;
import io.nitrosign.proto.v1.KeyQuorum;
import jakarta.ws.rs.core.HttpHeaders;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key quorum use cases: create, read, update, delete. As in Privy, a quorum is owned by itself: a
 * change or deletion needs a threshold of its own members' signatures (checked by the
 * {@link RequestAuthorizer}) over the request, and its stored owner is re-snapshotted after every
 * change of its members (or of a nested quorum's).
 */
public final class KeyQuorumManager {

  private static final Logger LOG = LoggerFactory.getLogger(KeyQuorumManager.class);
  /** Most authorization keys in one quorum. */
  public static final int MAX_KEYS = 32;
  /** Most nested quorums in one quorum (Privy's limit). */
  public static final int MAX_NESTED = 5;
  /** Longest display name (Privy's limit). */
  public static final int MAX_DISPLAY_NAME = 50;

  static final Set<String> FIELDS = Set.of("public_keys", "authorization_threshold",
      "display_name", "key_quorum_ids", "user_ids");

  private final Jdbi jdbi;
  private final RequestAuthorizer authorizer;
  private final JsonBodies bodies;
  private final ObjectMapper json;
  private final SecureRandom random;
  private final Clock clock;

  public KeyQuorumManager(Jdbi jdbi, RequestAuthorizer authorizer, ObjectMapper json,
      SecureRandom random, Clock clock) {
    this.jdbi = jdbi;
    this.authorizer = authorizer;
    this.bodies = new JsonBodies(json);
    this.json = json;
    this.random = random;
    this.clock = clock;
  }

  /** The path a request on this quorum is signed for. */
  public static String path(String id) {
    return "/v1/key_quorums/" + id;
  }

  // ---------------------------------------------------------------------------------- create

  public KeyQuorumView create(App app, byte[] body) {
    Fields f = parse(bodies.object(body));
    if ((f.keys == null || f.keys.isEmpty()) && (f.childIds == null || f.childIds.isEmpty())
        && (f.userIds == null || f.userIds.isEmpty())) {
      throw ApiException.invalidRequest(
          "at least one of public_keys, user_ids or key_quorum_ids is required");
    }
    String id = Ids.random(random);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    StoredKeyQuorum created = jdbi.inTransaction(h -> {
      KeyQuorumStore store = new KeyQuorumStore(h);
      List<String> children = f.childIds == null ? List.of() : f.childIds;
      checkChildren(store, app.id(), id, children);
      List<StoredKeyQuorum.Key> keys = f.keys == null ? List.of() : f.keys;
      List<String> users = f.userIds == null ? List.of() : f.userIds;
      store.checkUsers(app.id(), users, "user_ids");
      int members = keys.size() + users.size() + children.size();
      int threshold = f.threshold == null ? members : checkThreshold(f.threshold, members);
      StoredKeyQuorum q = new StoredKeyQuorum(id, app.id(), f.displayName, threshold, keys,
          children, null, now, now, users);
      q = withOwner(store, q);
      store.insert(q);
      new AuditStore(h, clock).append(new AuditEvent(app.id(), null, AuditEvent.KEY_QUORUM_CREATE,
          Outcome.SUCCEEDED, null, detail(q)));
      return q;
    });
    return KeyQuorumView.of(created);
  }

  // ------------------------------------------------------------------------------------ read

  public KeyQuorumView get(App app, String id) {
    if (!Ids.plausible(id)) {
      throw ApiException.keyQuorumNotFound();
    }
    return jdbi.withHandle(h -> new KeyQuorumStore(h).find(app.id(), id))
        .map(KeyQuorumView::of)
        .orElseThrow(ApiException::keyQuorumNotFound);
  }

  // ---------------------------------------------------------------------------------- update

  /**
   * Applies the fields present in {@code body} (absent fields keep their values). Needs the
   * quorum's owner's signatures over the request; the quorum's row stays locked from the owner
   * check to the commit, so the owner checked is the owner replaced.
   */
  public KeyQuorumView update(App app, String id, byte[] body, HttpHeaders headers) {
    if (!Ids.plausible(id)) {
      throw ApiException.keyQuorumNotFound();
    }
    boolean[] found = {false};
    try {
      StoredKeyQuorum updated = jdbi.inTransaction(h -> {
        KeyQuorumStore store = new KeyQuorumStore(h);
        StoredKeyQuorum current = store.findForUpdate(app.id(), id)
            .orElseThrow(ApiException::keyQuorumNotFound);
        found[0] = true;
        authorize(h, current, "PATCH", body, headers);
        ObjectNode root = bodies.object(body);
        if (root.isEmpty()) {
          throw ApiException.invalidRequest("request body must set at least one field");
        }
        Fields f = parse(root);
        List<StoredKeyQuorum.Key> keys = f.keys == null ? current.keys() : f.keys;
        List<String> children = f.childIds == null ? current.childIds() : f.childIds;
        List<String> users = f.userIds == null ? current.userIds() : f.userIds;
        if (f.userIds != null) {
          store.checkUsers(app.id(), users, "user_ids");
        }
        if (f.childIds != null) {
          checkChildren(store, app.id(), id, children);
          if (!children.isEmpty() && !store.parents(id).isEmpty()) {
            throw ApiException.invalidRequest("key_quorum_ids: this key quorum is nested in another"
                + " key quorum, so it cannot have nested key quorums (one level deep)");
          }
        }
        int members = keys.size() + users.size() + children.size();
        if (members == 0) {
          throw ApiException.invalidRequest(
              "a key quorum needs at least one member (public_keys or key_quorum_ids)");
        }
        int threshold = checkThreshold(f.threshold == null ? current.threshold() : f.threshold,
            members);
        boolean membership = f.keys != null || f.childIds != null || f.threshold != null
            || f.userIds != null;
        if (membership && inUseByWallets(store, id)) {
          // A wallet's sealed authority holds a copy of its quorums' members, which only the
          // wallet's owner can change (PATCH /v1/wallets/{id}, checked by the enclave); changing
          // the quorum here would leave the API and the enclave disagreeing.
          throw new ApiException(409, ErrorCodes.KEY_QUORUM_IN_USE, "key quorum owns or signs for"
              + " a wallet (directly or nested); its members and threshold cannot change: move"
              + " the wallets to a new key quorum with PATCH /v1/wallets/{id} first");
        }
        String name = f.displayNameSet ? f.displayName : current.displayName();
        StoredKeyQuorum q = withOwner(store, new StoredKeyQuorum(id, app.id(), name, threshold,
            keys, children, null, current.createdAt(), clock.instant().truncatedTo(ChronoUnit.MICROS),
            users));
        store.update(q);
        // Quorums this one is nested in are owned by members that include it: re-snapshot them.
        for (String parentId : store.parents(id)) {
          store.find(app.id(), parentId).ifPresent(p ->
              store.setOwner(app.id(), parentId, withOwner(store, p).owner()));
        }
        new AuditStore(h, clock).append(new AuditEvent(app.id(), null,
            AuditEvent.KEY_QUORUM_UPDATE, Outcome.SUCCEEDED, null, detail(q)));
        return q;
      });
      return KeyQuorumView.of(updated);
    } catch (ApiException e) {
      auditRejection(found[0], app, id, AuditEvent.KEY_QUORUM_UPDATE, e);
      throw e;
    }
  }

  /** Whether a wallet names this quorum, or a quorum that nests it, as owner or signer. */
  private static boolean inUseByWallets(KeyQuorumStore store, String id) {
    if (store.walletReferences(id) > 0) {
      return true;
    }
    for (String parentId : store.parents(id)) {
      if (store.walletReferences(parentId) > 0) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------------------------- delete

  /**
   * Deletes the quorum, with its owner's signatures over the request. 409
   * {@code key_quorum_in_use} while a wallet names it (owner_id or additional signer), another
   * quorum nests it, or it owns a policy, condition set or aggregation.
   */
  public KeyQuorumView.Deleted delete(App app, String id, HttpHeaders headers) {
    if (!Ids.plausible(id)) {
      throw ApiException.keyQuorumNotFound();
    }
    boolean[] found = {false};
    try {
      jdbi.useTransaction(h -> {
        KeyQuorumStore store = new KeyQuorumStore(h);
        StoredKeyQuorum current = store.findForUpdate(app.id(), id)
            .orElseThrow(ApiException::keyQuorumNotFound);
        found[0] = true;
        authorize(h, current, "DELETE", new byte[0], headers);
        if (store.walletReferences(id) > 0) {
          throw new ApiException(409, ErrorCodes.KEY_QUORUM_IN_USE,
              "key quorum is the owner or an additional signer of a wallet");
        }
        if (!store.parents(id).isEmpty()) {
          throw new ApiException(409, ErrorCodes.KEY_QUORUM_IN_USE,
              "key quorum is nested in another key quorum");
        }
        if (store.resourceReferences(id) > 0) {
          throw new ApiException(409, ErrorCodes.KEY_QUORUM_IN_USE,
              "key quorum is the owner of a policy, condition set or aggregation");
        }
        store.delete(app.id(), id);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("key_quorum_id", id);
        new AuditStore(h, clock).append(new AuditEvent(app.id(), null,
            AuditEvent.KEY_QUORUM_DELETE, Outcome.SUCCEEDED, null, render(detail)));
      });
      return new KeyQuorumView.Deleted(true);
    } catch (ApiException e) {
      auditRejection(found[0], app, id, AuditEvent.KEY_QUORUM_DELETE, e);
      throw e;
    }
  }

  // --------------------------------------------------------------------------------- helpers

  private void authorize(Handle h, StoredKeyQuorum current, String method, byte[] body,
      HttpHeaders headers) {
    if (current.owner() == null) {
      return;
    }
    KeyQuorum owner;
    try {
      owner = KeyQuorum.parseFrom(current.owner());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      LOG.error("stored owner of key quorum {} does not parse", current.id());
      throw ApiException.internal();
    }
    RequestAuthorizer.Accepted accepted =
        authorizer.require(owner, current.appId(), method, path(current.id()), body, headers);
    new UsedAuthorizations(h).record(accepted, clock.instant());
  }

  /** {@code q} with its owner set to itself as it now is (Privy: a quorum governs itself). */
  private static StoredKeyQuorum withOwner(KeyQuorumStore store, StoredKeyQuorum q) {
    byte[] owner = store.toProto(q).toByteArray();
    return new StoredKeyQuorum(q.id(), q.appId(), q.displayName(), q.threshold(), q.keys(),
        q.childIds(), owner, q.createdAt(), q.updatedAt(), q.userIds());
  }

  private static void checkChildren(KeyQuorumStore store, String appId, String selfId,
      List<String> children) {
    for (int i = 0; i < children.size(); i++) {
      String field = "key_quorum_ids[" + i + "]";
      String childId = children.get(i);
      if (childId.equals(selfId)) {
        throw ApiException.invalidRequest(field + " is this key quorum itself");
      }
      if (!Ids.plausible(childId) || store.find(appId, childId).isEmpty()) {
        throw new ApiException(404, ErrorCodes.KEY_QUORUM_NOT_FOUND,
            field + ": key quorum not found");
      }
      if (!store.children(childId).isEmpty()) {
        throw ApiException.invalidRequest(field + " has nested key quorums of its own"
            + " (key quorums nest one level deep)");
      }
    }
  }

  private static int checkThreshold(int threshold, int members) {
    if (threshold < 1 || threshold > members) {
      throw ApiException.invalidRequest("authorization_threshold must be from 1 to " + members
          + " (the number of public_keys, user_ids and key_quorum_ids)");
    }
    return threshold;
  }

  /** The body's fields; null where absent (display_name: see {@code displayNameSet}). */
  private static final class Fields {
    List<StoredKeyQuorum.Key> keys;
    List<String> childIds;
    List<String> userIds;
    Integer threshold;
    String displayName;
    boolean displayNameSet;
  }

  private static Fields parse(ObjectNode root) {
    JsonBodies.onlyFields(root, "", FIELDS);
    Fields f = new Fields();
    f.userIds = strings(root, "user_ids", MAX_KEYS);
    if (f.userIds != null) {
      Set<String> seenUsers = new HashSet<>();
      for (int i = 0; i < f.userIds.size(); i++) {
        if (!seenUsers.add(f.userIds.get(i))) {
          throw ApiException.invalidRequest("user_ids[" + i + "] repeats an earlier id");
        }
      }
    }
    List<String> keyTexts = strings(root, "public_keys", MAX_KEYS);
    if (keyTexts != null) {
      f.keys = new ArrayList<>();
      for (int i = 0; i < keyTexts.size(); i++) {
        byte[] spki = AuthorizationKeys.parseP256Spki(keyTexts.get(i), "public_keys[" + i + "]");
        for (int j = 0; j < f.keys.size(); j++) {
          if (Arrays.equals(f.keys.get(j).spki(), spki)) {
            throw ApiException.invalidRequest("public_keys[" + i + "] repeats public_keys[" + j + "]");
          }
        }
        f.keys.add(new StoredKeyQuorum.Key(spki, null));
      }
    }
    f.childIds = strings(root, "key_quorum_ids", MAX_NESTED);
    if (f.childIds != null) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < f.childIds.size(); i++) {
        if (!seen.add(f.childIds.get(i))) {
          throw ApiException.invalidRequest("key_quorum_ids[" + i + "] repeats an earlier id");
        }
      }
    }
    JsonNode t = root.get("authorization_threshold");
    if (t != null && !t.isNull()) {
      if (!t.isNumber() || !t.canConvertToInt() || t.doubleValue() != t.intValue()) {
        throw ApiException.invalidRequest("field authorization_threshold must be an integer");
      }
      f.threshold = t.intValue();
    }
    if (root.has("display_name")) {
      f.displayNameSet = true;
      f.displayName = JsonBodies.optionalText(root, "", "display_name");
      if (f.displayName != null && f.displayName.length() > MAX_DISPLAY_NAME) {
        throw ApiException.invalidRequest("display_name must be at most " + MAX_DISPLAY_NAME
            + " characters");
      }
    }
    return f;
  }

  /** A JSON array of strings (null when absent or null), at most {@code max} long. */
  static List<String> strings(ObjectNode root, String field, int max) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray()) {
      throw ApiException.invalidRequest("field " + field + " must be an array of strings");
    }
    if (v.size() > max) {
      throw ApiException.invalidRequest(field + " has more than " + max + " entries");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isTextual()) {
        throw ApiException.invalidRequest("field " + field + "[" + i + "] must be a string");
      }
      out.add(v.get(i).textValue());
    }
    return out;
  }

  private String detail(StoredKeyQuorum q) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("key_quorum_id", q.id());
    d.put("authorization_threshold", q.threshold());
    d.put("public_keys", q.keys().size());
    d.put("user_ids", q.userIds());
    d.put("key_quorum_ids", q.childIds());
    return render(d);
  }

  /** Records a refused update or delete of an existing quorum (own transaction; errors logged). */
  private void auditRejection(boolean found, App app, String id, String action, ApiException e) {
    if (!found) {
      return; // nothing to record about a quorum that is not there
    }
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("key_quorum_id", id);
    try {
      jdbi.useTransaction(h -> new AuditStore(h, clock).append(new AuditEvent(app.id(), null,
          action, e.status() >= 500 ? Outcome.FAILED : Outcome.REJECTED, e.code(), render(detail))));
    } catch (RuntimeException ex) {
      LOG.error("audit append failed for {}: {}", action, ex.getClass().getName());
    }
  }

  private String render(Map<String, Object> detail) {
    try {
      return json.writeValueAsString(detail);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
