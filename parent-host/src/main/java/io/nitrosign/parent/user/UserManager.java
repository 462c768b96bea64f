package io.nitrosign.parent.user;

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
import io.nitrosign.parent.wallet.WalletCursor;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * Users (Privy's {@code /v1/users}): create with one {@code custom_auth} linked account, get,
 * list, delete, look up by {@code custom_user_id}. A user is who a JWT's {@code sub} names; what a
 * user may do is decided in the enclave, which checks the JWT and the sealed user members of a
 * wallet's owner quorum.
 */
public final class UserManager {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 100;
  static final int MAX_CUSTOM_USER_ID = 256;

  private final Jdbi jdbi;
  private final JsonBodies bodies;
  private final SecureRandom random;
  private final Clock clock;

  public UserManager(Jdbi jdbi, ObjectMapper json, SecureRandom random, Clock clock) {
    this.jdbi = jdbi;
    this.bodies = new JsonBodies(json);
    this.random = random;
    this.clock = clock;
  }

  public UserView create(App app, byte[] body) {
    ObjectNode root = bodies.object(body);
    JsonBodies.onlyFields(root, "", Set.of("linked_accounts", "custom_metadata", "wallets"));
    JsonNode wallets = root.get("wallets");
    if (wallets != null && !wallets.isNull() && (!wallets.isArray() || !wallets.isEmpty())) {
      throw ApiException.invalidRequest("wallets: create the user's wallets with POST /v1/wallets"
          + " and owner.user_id");
    }
    JsonNode meta = root.get("custom_metadata");
    if (meta != null && !meta.isNull() && (!meta.isObject() || !meta.isEmpty())) {
      throw ApiException.invalidRequest("custom_metadata is not supported");
    }
    JsonNode accounts = root.get("linked_accounts");
    if (accounts == null || !accounts.isArray() || accounts.size() != 1
        || !accounts.get(0).isObject()) {
      throw ApiException.invalidRequest("linked_accounts must be one object of type custom_auth");
    }
    ObjectNode account = (ObjectNode) accounts.get(0);
    JsonBodies.onlyFields(account, "linked_accounts[0].", Set.of("type", "custom_user_id"));
    String type = JsonBodies.requiredText(account, "linked_accounts[0].", "type");
    if (!type.equals("custom_auth")) {
      throw ApiException.invalidRequest("linked_accounts[0].type: only custom_auth is supported");
    }
    String sub = customUserId(JsonBodies.requiredText(account, "linked_accounts[0].",
        "custom_user_id"), "linked_accounts[0].custom_user_id");
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    StoredUser user = new StoredUser(Ids.random(random), app.id(), sub, now, null);
    return jdbi.inTransaction(h -> {
      UserStore store = new UserStore(h);
      if (store.findByCustomUserId(app.id(), sub).isPresent()) {
        throw new ApiException(409, ErrorCodes.USER_EXISTS,
            "a user with this custom_user_id already exists");
      }
      store.insert(user);
      new AuditStore(h, clock).append(new AuditEvent(app.id(), null, AuditEvent.USER_CREATE,
          Outcome.SUCCEEDED, null, "{\"user_id\":\"" + user.id() + "\"}"));
      return UserView.of(user);
    });
  }

  public UserView get(App app, String id) {
    return UserView.of(find(app, id));
  }

  StoredUser find(App app, String id) {
    if (!Ids.plausible(id)) {
      throw notFound();
    }
    return jdbi.withHandle(h -> new UserStore(h).find(app.id(), id)).orElseThrow(UserManager::notFound);
  }

  public UserView byCustomUserId(App app, byte[] body) {
    ObjectNode root = bodies.object(body);
    JsonBodies.onlyFields(root, "", Set.of("custom_user_id"));
    String sub = customUserId(JsonBodies.requiredText(root, "", "custom_user_id"),
        "custom_user_id");
    return jdbi.withHandle(h -> new UserStore(h).findByCustomUserId(app.id(), sub))
        .map(UserView::of).orElseThrow(UserManager::notFound);
  }

  public UserView.Page list(App app, String limitParam, String cursorParam) {
    int limit = limit(limitParam);
    WalletCursor after = cursorParam == null || cursorParam.isEmpty() ? null
        : WalletCursor.decode(cursorParam);
    List<StoredUser> rows = jdbi.withHandle(h -> new UserStore(h).list(app.id(), after, limit + 1));
    String next = null;
    if (rows.size() > limit) {
      StoredUser last = rows.get(limit - 1);
      next = new WalletCursor(last.createdAt(), last.id()).encode();
      rows = rows.subList(0, limit);
    }
    return new UserView.Page(rows.stream().map(UserView::of).toList(), next);
  }

  /** Deletes a user that is no key quorum's member (409 {@code user_in_use} otherwise). */
  public void delete(App app, String id) {
    if (!Ids.plausible(id)) {
      throw notFound();
    }
    jdbi.useTransaction(h -> {
      UserStore store = new UserStore(h);
      if (store.find(app.id(), id).isEmpty()) {
        throw notFound();
      }
      if (store.quorumReferences(id) > 0) {
        throw new ApiException(409, ErrorCodes.USER_IN_USE, "the user is a member of a key"
            + " quorum (it owns or signs for a wallet or a resource) and cannot be deleted");
      }
      store.delete(app.id(), id);
      new AuditStore(h, clock).append(new AuditEvent(app.id(), null, AuditEvent.USER_DELETE,
          Outcome.SUCCEEDED, null, "{\"user_id\":\"" + id + "\"}"));
    });
  }

  static String customUserId(String v, String field) {
    if (v.isEmpty() || v.length() > MAX_CUSTOM_USER_ID || !v.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw ApiException.invalidRequest(field + " must be 1 to " + MAX_CUSTOM_USER_ID
          + " printable ASCII characters");
    }
    return v;
  }

  static ApiException notFound() {
    return new ApiException(404, ErrorCodes.USER_NOT_FOUND, "user not found");
  }

  private static int limit(String param) {
    if (param == null) {
      return DEFAULT_LIMIT;
    }
    int limit;
    try {
      limit = Integer.parseInt(param.trim());
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ApiException.invalidRequest("limit must be an integer from 1 to " + MAX_LIMIT);
    }
    return limit;
  }
}
