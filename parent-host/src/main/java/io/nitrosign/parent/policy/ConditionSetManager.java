package io.nitrosign.parent.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import io.nitrosign.policy.Values;
import jakarta.ws.rs.core.HttpHeaders;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * Condition set use cases ({@code /v1/condition_sets}, Privy's API): sets and their items, which
 * {@code in_condition_set} conditions test by an index lookup. Items go in batches of at most
 * {@link #MAX_ITEMS_PER_REQUEST}, as in Privy; values are unique per set in their lookup form
 * ({@link Values#normalizeItem}: an Ethereum address in any letter case is one value). A set with
 * an owner (and its items) changes only with the owner's signatures.
 */
public final class ConditionSetManager
    extends OwnedManager<ConditionSetStore, StoredConditionSet> {

  /** Most items one POST or PUT carries (Privy's limit). */
  public static final int MAX_ITEMS_PER_REQUEST = 100;
  /** Longest item value (the table's bound). */
  public static final int MAX_VALUE = 1024;
  static final Set<String> FIELDS = Set.of("name", "owner", "owner_id");

  public ConditionSetManager(Jdbi jdbi, RequestAuthorizer authorizer, ObjectMapper json,
      SecureRandom random, Clock clock) {
    super(jdbi, authorizer, json, random, clock, new Kind<>("condition_set_id",
        ConditionSetManager::notFound, ConditionSetStore::new, ConditionSetStore::find,
        ConditionSetStore::findForUpdate));
  }

  /** The path a request on this condition set is signed for. */
  public static String path(String id) {
    return "/v1/condition_sets/" + id;
  }

  static String itemsPath(String id) {
    return path(id) + "/condition_set_items";
  }

  // ---------------------------------------------------------------------------------- sets

  public Views.ConditionSetView create(App app, byte[] body) {
    ObjectNode root = bodies.object(body);
    PolicyManager.onlyFields(root, FIELDS, ErrorCodes.INVALID_CONDITION_SET);
    String name = name(root.get("name"));
    String id = Ids.random(random);
    Instant now = now();
    StoredConditionSet created = jdbi.inTransaction(h -> {
      OwnerResolver.Owner owner = new OwnerResolver(h).owner(app.id(), root);
      if (owner.newQuorum() != null) {
        new KeyQuorumStore(h).insert(owner.newQuorum());
      }
      StoredConditionSet s = new StoredConditionSet(id, app.id(), name, owner.ownerId(), now);
      new ConditionSetStore(h).insert(s);
      changes.audit(h, app.id(), AuditEvent.CONDITION_SET_CREATE, detail(s));
      return s;
    });
    return Views.ConditionSetView.of(created);
  }

  public Views.ConditionSetView get(App app, String id) {
    return Views.ConditionSetView.of(read(app.id(), id));
  }

  public Views.Page<Views.ConditionSetView> list(App app, String limitParam, String cursorParam) {
    return Paging.slice(limitParam, cursorParam, (after, n) ->
        jdbi.withHandle(h -> new ConditionSetStore(h).list(app.id(), after, n)))
        .page(Views.ConditionSetView::of);
  }

  /** {@code PATCH}: {@code name}, {@code owner} / {@code owner_id} (null removes the owner). */
  public Views.ConditionSetView update(App app, String id, byte[] body, HttpHeaders headers) {
    return change(app, id, AuditEvent.CONDITION_SET_UPDATE, Map.of(), (h, store, current) -> {
      gate.require(h, app.id(), current.ownerId(), "PATCH", path(id), body, headers);
      ObjectNode root = bodies.object(body);
      PolicyManager.onlyFields(root, FIELDS, ErrorCodes.INVALID_CONDITION_SET);
      if (root.isEmpty()) {
        throw Changes.invalid(ErrorCodes.INVALID_CONDITION_SET, "",
            "request body must set at least one field");
      }
      String name = root.has("name") ? name(root.get("name")) : current.name();
      OwnerResolver.Owner owner = new OwnerResolver(h).owner(app.id(), root);
      if (owner.newQuorum() != null) {
        new KeyQuorumStore(h).insert(owner.newQuorum());
      }
      store.update(id, name, owner.given() ? owner.ownerId() : current.ownerId(), now());
      StoredConditionSet after = store.find(app.id(), id).orElseThrow();
      changes.audit(h, app.id(), AuditEvent.CONDITION_SET_UPDATE, detail(after));
      return Views.ConditionSetView.of(after);
    });
  }

  /**
   * Deletes the set and its items, with its owner's signatures; 409 {@code condition_set_in_use}
   * while a rule or an aggregation references it.
   */
  public Views.Deleted delete(App app, String id, HttpHeaders headers) {
    return change(app, id, AuditEvent.CONDITION_SET_DELETE, Map.of(), (h, store, current) -> {
      gate.require(h, app.id(), current.ownerId(), "DELETE", path(id), new byte[0], headers);
      Changes.deleteUnreferenced(store.references(id), () -> store.delete(app.id(), id),
          ConditionSetManager::inUse);
      changes.audit(h, app.id(), AuditEvent.CONDITION_SET_DELETE, named(id));
      return new Views.Deleted(true);
    });
  }

  // --------------------------------------------------------------------------------- items

  /**
   * {@code POST .../condition_set_items}: adds 1 to {@link #MAX_ITEMS_PER_REQUEST} values, each
   * new to the set (400 naming the first that is not); answers the items created.
   */
  public List<Views.ItemView> addItems(App app, String id, byte[] body, HttpHeaders headers) {
    return change(app, id, AuditEvent.CONDITION_SET_UPDATE, Map.of(), (h, store, current) -> {
      gate.require(h, app.id(), current.ownerId(), "POST", itemsPath(id), body, headers);
      List<String> values = values(bodies.array(body), 1);
      Map<String, Integer> indexOf = new HashMap<>();
      for (int i = 0; i < values.size(); i++) {
        indexOf.put(Values.normalizeItem(values.get(i)), i);
      }
      store.present(id, indexOf.keySet()).stream().map(indexOf::get).min(Integer::compare)
          .ifPresent(first -> {
            throw Changes.invalid(ErrorCodes.INVALID_CONDITION_SET, "[" + first + "].value",
                "is already in the condition set");
          });
      List<StoredConditionSet.Item> items = items(id, values);
      store.insertItems(items);
      changes.audit(h, app.id(), AuditEvent.CONDITION_SET_UPDATE,
          itemsDetail(id, "added", items.size()));
      return items.stream().map(Views.ItemView::of).toList();
    });
  }

  /**
   * {@code PUT .../condition_set_items}: replaces every item by these 0 to
   * {@link #MAX_ITEMS_PER_REQUEST} values; answers the items now in the set.
   */
  public List<Views.ItemView> replaceItems(App app, String id, byte[] body, HttpHeaders headers) {
    return change(app, id, AuditEvent.CONDITION_SET_UPDATE, Map.of(), (h, store, current) -> {
      gate.require(h, app.id(), current.ownerId(), "PUT", itemsPath(id), body, headers);
      List<String> values = values(bodies.array(body), 0);
      store.deleteItems(id);
      List<StoredConditionSet.Item> items = items(id, values);
      store.insertItems(items);
      changes.audit(h, app.id(), AuditEvent.CONDITION_SET_UPDATE,
          itemsDetail(id, "replaced", items.size()));
      return items.stream().map(Views.ItemView::of).toList();
    });
  }

  /** {@code GET .../condition_set_items}: a page of items, oldest first. */
  public Views.ItemsPage listItems(App app, String id, String limitParam, String cursorParam) {
    if (!Ids.plausible(id)) {
      throw notFound();
    }
    Paging.Slice<StoredConditionSet.Item> page = Paging.slice(limitParam, cursorParam,
        (after, n) -> jdbi.withHandle(h -> {
          ConditionSetStore store = new ConditionSetStore(h);
          store.find(app.id(), id).orElseThrow(ConditionSetManager::notFound);
          return store.items(id, after, n);
        }));
    return new Views.ItemsPage(page.views(Views.ItemView::of), page.next());
  }

  public Views.ItemView getItem(App app, String id, String itemId) {
    if (!Ids.plausible(id)) {
      throw notFound();
    }
    if (!Ids.plausible(itemId)) {
      throw itemNotFound();
    }
    return jdbi.withHandle(h -> {
      ConditionSetStore store = new ConditionSetStore(h);
      store.find(app.id(), id).orElseThrow(ConditionSetManager::notFound);
      return store.item(id, itemId).map(Views.ItemView::of)
          .orElseThrow(ConditionSetManager::itemNotFound);
    });
  }

  public Views.Deleted deleteItem(App app, String id, String itemId, HttpHeaders headers) {
    if (!Ids.plausible(itemId)) {
      throw itemNotFound();
    }
    return change(app, id, AuditEvent.CONDITION_SET_UPDATE, Map.of(), (h, store, current) -> {
      store.item(id, itemId).orElseThrow(ConditionSetManager::itemNotFound);
      gate.require(h, app.id(), current.ownerId(), "DELETE", itemsPath(id) + "/" + itemId,
          new byte[0], headers);
      store.deleteItem(id, itemId);
      Map<String, Object> detail = itemsDetail(id, "deleted", 1);
      detail.put("item_id", itemId);
      changes.audit(h, app.id(), AuditEvent.CONDITION_SET_UPDATE, detail);
      return new Views.Deleted(true);
    });
  }

  // --------------------------------------------------------------------------------- helpers

  /**
   * The values of {@code [{"value": "..."}, ...]}: between {@code min} and
   * {@link #MAX_ITEMS_PER_REQUEST} of them, each a string of 1 to {@link #MAX_VALUE} characters,
   * none repeating an earlier one (in lookup form); 400 naming the entry otherwise.
   */
  private static List<String> values(ArrayNode array, int min) {
    if (array.size() < min || array.size() > MAX_ITEMS_PER_REQUEST) {
      throw Changes.invalid(ErrorCodes.INVALID_CONDITION_SET, "", "the body must be an array of "
          + min + " to " + MAX_ITEMS_PER_REQUEST + " items {\"value\": \"...\"}");
    }
    List<String> values = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < array.size(); i++) {
      String path = "[" + i + "]";
      JsonNode item = array.get(i);
      if (!item.isObject()) {
        throw Changes.invalid(ErrorCodes.INVALID_CONDITION_SET, path,
            "must be an object {\"value\": \"...\"}");
      }
      item.fieldNames().forEachRemaining(f -> {
        if (!f.equals("value")) {
          String field = path + "." + JsonBodies.printable(f);
          throw ApiException.invalidAt(ErrorCodes.INVALID_CONDITION_SET, field,
              "unknown field: " + field);
        }
      });
      JsonNode v = item.get("value");
      if (v == null || !v.isTextual() || v.textValue().isEmpty()
          || v.textValue().length() > MAX_VALUE) {
        throw Changes.invalid(ErrorCodes.INVALID_CONDITION_SET, path + ".value",
            "must be a string of 1 to " + MAX_VALUE + " characters");
      }
      Integer earlier = seen.putIfAbsent(Values.normalizeItem(v.textValue()), i);
      if (earlier != null) {
        throw Changes.invalid(ErrorCodes.INVALID_CONDITION_SET, path + ".value",
            "repeats [" + earlier + "].value");
      }
      values.add(v.textValue());
    }
    return values;
  }

  /** New items for {@code values}, a microsecond apart so pages keep their order. */
  private List<StoredConditionSet.Item> items(String setId, List<String> values) {
    Instant now = now();
    List<StoredConditionSet.Item> items = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      items.add(new StoredConditionSet.Item(Ids.random(random), setId, values.get(i),
          now.plus(i, ChronoUnit.MICROS)));
    }
    return items;
  }

  private static String name(JsonNode v) {
    String name = v != null && v.isTextual() ? v.textValue() : null;
    Changes.checkName(ErrorCodes.INVALID_CONDITION_SET, "name", name);
    return name;
  }

  private Map<String, Object> detail(StoredConditionSet s) {
    Map<String, Object> d = named(s.id());
    d.put("owner_id", s.ownerId());
    return d;
  }

  private Map<String, Object> itemsDetail(String id, String change, int count) {
    Map<String, Object> d = named(id);
    d.put("items", change);
    d.put("count", count);
    return d;
  }

  static ApiException notFound() {
    return new ApiException(404, ErrorCodes.CONDITION_SET_NOT_FOUND, "condition set not found");
  }

  private static ApiException itemNotFound() {
    return new ApiException(404, ErrorCodes.CONDITION_SET_ITEM_NOT_FOUND,
        "condition set item not found");
  }

  private static ApiException inUse() {
    return new ApiException(409, ErrorCodes.CONDITION_SET_IN_USE, "condition set is referenced"
        + " by a policy rule or an aggregation (in_condition_set); remove the reference first");
  }
}
