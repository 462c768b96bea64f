package io.nitrosign.parent.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nitrosign.parent.Ids;
import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.audit.Outcome;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Creates apps and authenticates their credentials. */
public final class AppManager {

  private final Jdbi jdbi;
  private final SecureRandom random;
  private final Clock clock;
  private final ObjectMapper json;
  // Work done for unknown app ids, so a failed login takes as long whether or not the id exists.
  private final byte[] dummySalt;
  private final byte[] dummyHash;

  public AppManager(Jdbi jdbi, SecureRandom random, Clock clock, ObjectMapper json) {
    this.jdbi = jdbi;
    this.random = random;
    this.clock = clock;
    this.json = json;
    AppSecrets.Stored dummy = AppSecrets.store(AppSecrets.newSecret(random), random);
    this.dummySalt = dummy.salt();
    this.dummyHash = dummy.hash();
  }

  /** Creates an app; the returned secret is not stored anywhere and cannot be shown again. */
  public CreatedApp create(String name, boolean allowRawSign) {
    return create(name, allowRawSign, false);
  }

  /**
   * Creates an app; the returned secret is not stored anywhere and cannot be shown again.
   * {@code allowExport} lets the app export private keys (HPKE to a recipient key): off unless
   * asked for.
   */
  public CreatedApp create(String name, boolean allowRawSign, boolean allowExport) {
    return create(name, allowRawSign, allowExport, null);
  }

  /**
   * As {@link #create(String, boolean, boolean)}, with the app's own rate limit ({@code null}: the
   * configured default applies).
   */
  public CreatedApp create(String name, boolean allowRawSign, boolean allowExport,
      App.RateLimit rateLimit) {
    if (name == null || name.isBlank() || name.length() > 128) {
      throw new IllegalArgumentException("app name must be 1 to 128 characters");
    }
    String secret = AppSecrets.newSecret(random);
    AppSecrets.Stored stored = AppSecrets.store(secret, random);
    App app = new App(Ids.random(random), name, clock.instant().truncatedTo(ChronoUnit.MICROS),
        false, allowRawSign, allowExport, rateLimit);
    Map<String, Object> fields = new java.util.HashMap<>(
        Map.of("allow_raw_sign", allowRawSign, "allow_export", allowExport));
    if (rateLimit != null) {
      fields.put("rate_limit", rateLimitDetail(rateLimit));
    }
    String detail = detail(fields);
    jdbi.useTransaction(h -> {
      new AppStore(h).insert(app, stored);
      new AuditStore(h, clock).append(new AuditEvent(app.id(), null, AuditEvent.APP_CREATE,
          Outcome.SUCCEEDED, null, detail));
    });
    synchronized (unknownIds) {
      unknownIds.remove(app.id());
    }
    return new CreatedApp(app, secret);
  }

  /**
   * The outcome of checking credentials: the authenticated app, or null; and, for failures, the id
   * of the existing app the credentials named (wrong secret, disabled app), or null when they named
   * no app. Never the raw id the caller sent.
   */
  public record Login(App app, String namedAppId) {
    public boolean succeeded() {
      return app != null;
    }
  }

  /**
   * The app for these credentials, or empty. Unknown ids, disabled apps and wrong secrets all
   * look the same to the caller, and cost the same hash-and-compare.
   */
  public Optional<App> authenticate(String appId, String secret) {
    return Optional.ofNullable(login(appId, secret).app());
  }

  /** Like {@link #authenticate}, also telling a failure for a real app from one for no app. */
  public Login login(String appId, String secret) {
    Optional<AppStore.Row> row = Ids.plausible(appId) ? lookup(appId) : Optional.empty();
    byte[] salt = row.map(AppStore.Row::secretSalt).orElse(dummySalt);
    byte[] hash = row.map(AppStore.Row::secretHash).orElse(dummyHash);
    boolean ok = AppSecrets.matches(secret, salt, hash);
    if (!ok || row.isEmpty() || row.get().app().disabled()) {
      return new Login(null, row.map(r -> r.app().id()).orElse(null));
    }
    return new Login(row.get().app(), row.get().app().id());
  }

  /**
   * How long an app row (salt, hash, flags; no secret) may be served from memory. Every request
   * still compares the secret in constant time; a change made through another parent host (an app
   * disabled, a flag changed) applies here within this time. Unknown ids are remembered for the
   * same time (a bounded negative cache), so repeating an unknown id costs no database query.
   */
  static final java.time.Duration APP_CACHE_TTL = java.time.Duration.ofSeconds(5);
  private static final int APP_CACHE_MAX = 10_000;
  static final int UNKNOWN_CACHE_MAX = 10_000;

  private record CachedRow(AppStore.Row row, java.time.Instant until) {}

  private final java.util.concurrent.ConcurrentHashMap<String, CachedRow> appCache =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Unknown app id → until when it is known to be unknown; oldest entries go first when full. */
  private final java.util.Map<String, java.time.Instant> unknownIds =
      new java.util.LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, java.time.Instant> e) {
          return size() > UNKNOWN_CACHE_MAX;
        }
      };

  private Optional<AppStore.Row> lookup(String appId) {
    java.time.Instant now = clock.instant();
    CachedRow cached = appCache.get(appId);
    if (cached != null && now.isBefore(cached.until())) {
      return Optional.of(cached.row());
    }
    synchronized (unknownIds) {
      java.time.Instant until = unknownIds.get(appId);
      if (until != null) {
        if (now.isBefore(until)) {
          return Optional.empty();
        }
        unknownIds.remove(appId);
      }
    }
    Optional<AppStore.Row> row = jdbi.withHandle(h -> new AppStore(h).find(appId));
    if (row.isPresent()) {
      if (appCache.size() >= APP_CACHE_MAX) {
        appCache.clear();
      }
      appCache.put(appId, new CachedRow(row.get(), now.plus(APP_CACHE_TTL)));
    } else {
      appCache.remove(appId);
      synchronized (unknownIds) {
        unknownIds.put(appId, now.plus(APP_CACHE_TTL));
      }
    }
    return row;
  }

  /** Turns raw digest signing (secp256k1_sign) on or off for an app. */
  public void setAllowRawSign(String appId, boolean allow) {
    jdbi.useTransaction(h -> {
      new AppStore(h).setAllowRawSign(appId, allow);
      new AuditStore(h, clock).append(new AuditEvent(appId, null, "app.update", Outcome.SUCCEEDED,
          null, detail(Map.of("allow_raw_sign", allow))));
    });
    appCache.remove(appId); // after the commit, so a concurrent lookup cannot re-cache the old row
  }

  /**
   * Sets an app's rate limit ({@code null}: back to the configured default), audited as
   * {@code app.update}. Every parent host applies it within {@link #APP_CACHE_TTL}.
   *
   * @return false when there is no such app
   */
  public boolean setRateLimit(String appId, App.RateLimit limit) {
    if (!Ids.plausible(appId)) {
      return false;
    }
    Map<String, Object> fields = new java.util.HashMap<>();
    fields.put("rate_limit", limit == null ? "default" : rateLimitDetail(limit));
    String detail = detail(fields);
    boolean updated = jdbi.inTransaction(h -> {
      if (!new AppStore(h).setRateLimit(appId, limit)) {
        return false;
      }
      new AuditStore(h, clock).append(new AuditEvent(appId, null, "app.update", Outcome.SUCCEEDED,
          null, detail));
      return true;
    });
    appCache.remove(appId);
    return updated;
  }

  private static Map<String, Object> rateLimitDetail(App.RateLimit limit) {
    return new java.util.TreeMap<>(Map.of("per_second", limit.perSecond(), "burst", limit.burst()));
  }

  private String detail(Map<String, Object> fields) {
    try {
      return json.writeValueAsString(new java.util.TreeMap<>(fields));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
