package io.nitrosign.parent.idempotency;

import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.ApiExceptionMapper;
import io.nitrosign.parent.api.Bodies;
import io.nitrosign.parent.api.ErrorCodes;
import io.nitrosign.parent.auth.AppPrincipal;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Providers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code privy-idempotency-key} for the resource methods marked {@link Idempotent}, kept in
 * PostgreSQL so that it holds across every parent host of a deployment.
 *
 * <p>Request side (after authentication, so keys are scoped to the authenticated app): the key is
 * checked (1 to 256 printable ASCII characters, else 400 {@code invalid_idempotency_key}), the
 * body read once (and handed on to the resource unchanged), and the request reduced to a SHA-256
 * of method, path and body. Then the key is claimed by an INSERT committed on its own. The attempt
 * that made the row runs the resource. Any other request with the key:
 * <ul>
 *   <li>another request hash: 400 {@code idempotency_key_reused};
 *   <li>the key was answered: that stored response, byte for byte, same status and
 *       {@code Content-Type} (plus {@code idempotent-replayed: true}); the resource does not run,
 *       so nothing is signed or created and no audit row is written;
 *   <li>the key is in progress: it polls the row for up to {@link #WAIT} and replays the answer
 *       when it comes (or runs itself if the holder released the key); otherwise 409
 *       {@code idempotency_key_in_progress} with {@code Retry-After} and
 *       {@code x-should-retry: true};
 *   <li>the key is in progress but its holder's lease has lapsed (its parent host died, or lost
 *       the database, mid-request; {@link IdempotencyLeases}): on a signing endpoint
 *       ({@link Idempotent#resumable()}) the retry takes the attempt over and runs the request
 *       again. Nothing the lost attempt may have signed was released, since a signature leaves
 *       only with its audit row, in the transaction that also stores the key's answer
 *       ({@link SignRequests}). On other endpoints: 409 {@code idempotency_key_outcome_unknown}
 *       with {@code x-should-retry: false}: the lost attempt may have created a resource, and
 *       nothing here can prove it did not, so it is never run again.
 * </ul>
 *
 * <p>Response side, for the attempt that holds the key: a final answer (2xx, or a 4xx other than
 * the "try again" statuses 408, 409, 425 and 429) is serialized here with the same message body
 * writer Jersey would use, stored, and then sent as exactly those bytes, so the first answer and
 * every replay are identical. A non-final answer (5xx, or one of those 4xx) releases the key so
 * that a retry runs again; a 5xx says so with {@code x-should-retry: true} (also when the release
 * itself failed, on a signing endpoint: the lease then lapses and a retry takes over, so the
 * answer carries {@code Retry-After} of one lease). When the answer could
 * not be stored, it is still sent (the work is done) but marked {@code x-should-retry: false}: a
 * retry would not be answered from the store. A signing request that succeeded has already
 * stored its answer with its audit row ({@link #markCommitted}); the filter leaves it alone.
 *
 * <p>Request bodies are never stored or logged, only their hash; keys are not logged either.
 */
@Idempotent
@Priority(Priorities.USER)
public final class IdempotencyFilter implements ContainerRequestFilter, ContainerResponseFilter {

  public static final String HEADER = "privy-idempotency-key";
  public static final String SHOULD_RETRY = "x-should-retry";
  public static final String REPLAYED = "idempotent-replayed";
  public static final int MAX_KEY_CHARS = 256;
  /** How long a request waits for another attempt with its key before answering 409. */
  public static final Duration WAIT = Duration.ofSeconds(5);
  /**
   * The longest a host renews an attempt's lease: longer than any request can run (the enclave
   * call timeout is at most 5 minutes, the audit commit wait 10 seconds).
   */
  public static final Duration STALE_AFTER = Duration.ofMinutes(10);

  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyFilter.class);
  private static final String CLAIM = IdempotencyFilter.class.getName() + ".claim";
  private static final String COMMITTED = IdempotencyFilter.class.getName() + ".committed";
  /** 4xx statuses that ask for a retry: not a final answer, so not stored. */
  private static final Set<Integer> RETRYABLE_4XX = Set.of(408, 409, 425, 429);

  private final IdempotencyStore store;
  private final IdempotencyLeases leases;
  private final ApiExceptionMapper errors = new ApiExceptionMapper();

  @Context
  private Providers providers;

  @Context
  private jakarta.ws.rs.container.ResourceInfo resource;

  public IdempotencyFilter(IdempotencyStore store, IdempotencyLeases leases) {
    this.store = store;
    this.leases = leases;
  }

  /** The key this request's attempt holds, if it carried one (for the resource's code). */
  public static Optional<IdempotencyClaim> claimOf(ContainerRequestContext request) {
    return request.getProperty(CLAIM) instanceof IdempotencyClaim c ? Optional.of(c)
        : Optional.empty();
  }

  /**
   * Says that the resource stored its answer for the key itself, in the transaction of its audit
   * row ({@link SignRequests}): the response sent must then be exactly those bytes.
   */
  public static void markCommitted(ContainerRequestContext request) {
    request.setProperty(COMMITTED, Boolean.TRUE);
  }

  private boolean resumable() {
    Idempotent marked = resource == null || resource.getResourceMethod() == null ? null
        : resource.getResourceMethod().getAnnotation(Idempotent.class);
    return marked != null && marked.resumable();
  }

  @Override
  public void filter(ContainerRequestContext request) throws IOException {
    String key = request.getHeaderString(HEADER);
    if (key == null || !(request.getSecurityContext().getUserPrincipal()
        instanceof AppPrincipal principal)) {
      return;
    }
    if (!validKey(key)) {
      abort(request, new ApiException(400,
          ErrorCodes.INVALID_IDEMPOTENCY_KEY, HEADER + " must be 1 to " + MAX_KEY_CHARS
              + " printable ASCII characters"));
      return;
    }
    Optional<byte[]> read = Bodies.readCapped(request.getEntityStream(), Bodies.MAX_BODY_BYTES);
    if (read.isEmpty()) {
      abort(request, Bodies.tooLarge());
      return;
    }
    byte[] body = read.get();
    request.setEntityStream(new ByteArrayInputStream(body));
    String appId = principal.app().id();
    byte[] hash = requestHash(request.getMethod(),
        request.getUriInfo().getRequestUri().getRawPath(), body);
    String attempt = UUID.randomUUID().toString();

    long deadline = System.nanoTime() + WAIT.toNanos();
    long pause = 20;
    String host = IdempotencyLeases.HOST;
    while (true) {
      Optional<java.time.Instant> claimed = store.claim(appId, key, hash, attempt, host);
      if (claimed.isPresent()) {
        hold(request, new IdempotencyClaim(appId, key, claimed.get(), attempt, host, null));
        return;
      }
      Optional<IdempotencyStore.Found> found = store.find(appId, key);
      if (found.isPresent() && !found.get().expired()) {
        IdempotencyStore.Found row = found.get();
        if (!MessageDigest.isEqual(row.requestHash(), hash)) {
          abort(request, new ApiException(400, ErrorCodes.IDEMPOTENCY_KEY_REUSED,
              "this " + HEADER + " was used with another request (method, path or body);"
                  + " use a new key for a new request"));
          return;
        }
        if (row.completed()) {
          request.abortWith(replay(row.response()));
          return;
        }
        if (row.leaseLapsed()) {
          if (!resumable()) {
            abort(request, new ApiException(409, ErrorCodes.IDEMPOTENCY_KEY_OUTCOME_UNKNOWN,
                "the request with this " + HEADER + " did not finish and its outcome is unknown;"
                    + " check the result (e.g. list wallets or the audit log) before sending it"
                    + " again with a new key", Map.of(SHOULD_RETRY, "false")));
            return;
          }
          Optional<java.time.Instant> taken =
              store.takeOver(appId, key, hash, row.attempt(), attempt, host);
          if (taken.isPresent()) {
            LOG.info("took over a lost attempt of a signing request (its lease lapsed)");
            hold(request, new IdempotencyClaim(appId, key, taken.get(), attempt, host,
                row.attempt()));
            return;
          }
          // another retry took it over first: wait for that one like any holder
        }
      }
      // in progress elsewhere, or released or expired meanwhile (the next claim may succeed)
      if (System.nanoTime() - deadline > 0) {
        abort(request, new ApiException(409, ErrorCodes.IDEMPOTENCY_KEY_IN_PROGRESS,
            "a request with this " + HEADER + " is still in progress; retry later",
            Map.of("Retry-After", "1", SHOULD_RETRY, "true")));
        return;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        deadline = System.nanoTime();
      }
      pause = Math.min(pause * 2, 200);
    }
  }

  private void hold(ContainerRequestContext request, IdempotencyClaim claim) {
    leases.hold(claim.attempt());
    request.setProperty(CLAIM, claim);
  }

  private void abort(ContainerRequestContext request, ApiException e) {
    request.abortWith(errors.toResponse(e));
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (!(request.getProperty(CLAIM) instanceof IdempotencyClaim claim)) {
      return;
    }
    try {
      respond(request, response, claim);
    } finally {
      leases.drop(claim.attempt());
    }
  }

  private void respond(ContainerRequestContext request, ContainerResponseContext response,
      IdempotencyClaim claim) {
    if (Boolean.TRUE.equals(request.getProperty(COMMITTED))) {
      return; // stored with the audit row, in one transaction
    }
    int status = response.getStatus();
    if (status >= 500 || status < 200 || (status >= 300 && status < 400)
        || RETRYABLE_4XX.contains(status)) {
      boolean released = release(claim);
      if (status >= 500) {
        if (released) {
          response.getHeaders().putSingle(SHOULD_RETRY, "true");
        } else if (resumable()) {
          // The key stays claimed (the database refused the release), but its lease is no
          // longer renewed: once it lapses a retry takes the attempt over.
          response.getHeaders().putSingle(SHOULD_RETRY, "true");
          response.getHeaders().putSingle("Retry-After",
              Long.toString(IdempotencyStore.LEASE.toSeconds()));
        } else {
          response.getHeaders().putSingle(SHOULD_RETRY, "false");
        }
      }
      return;
    }
    MediaType type = response.getMediaType() != null ? response.getMediaType()
        : MediaType.APPLICATION_JSON_TYPE;
    byte[] bytes;
    try {
      bytes = serialize(response, type);
    } catch (IOException | RuntimeException e) {
      // Nothing can be stored; the key stays in progress and its retries will be refused.
      LOG.error("could not capture the response for an idempotency key: {}",
          e.getClass().getName());
      response.getHeaders().putSingle(SHOULD_RETRY, "false");
      return;
    }
    Annotation[] annotations = response.getEntityAnnotations() == null ? new Annotation[0]
        : response.getEntityAnnotations();
    response.setEntity(bytes, annotations, type);
    boolean stored;
    try {
      stored = store.complete(claim.appId(), claim.key(), claim.attempt(),
          new IdempotencyStore.Stored(status, type.toString(), bytes));
    } catch (RuntimeException e) {
      LOG.error("could not store the response for an idempotency key: {}",
          e.getClass().getName());
      stored = false;
    }
    if (!stored) {
      response.getHeaders().putSingle(SHOULD_RETRY, "false");
    }
  }

  private boolean release(IdempotencyClaim claim) {
    try {
      store.release(claim.appId(), claim.key(), claim.attempt());
      return true;
    } catch (RuntimeException e) {
      LOG.error("could not release an idempotency key: {}", e.getClass().getName());
      return false;
    }
  }

  /** The entity as Jersey would write it: the same writer (Jackson for the API's bodies). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private byte[] serialize(ContainerResponseContext response, MediaType type) throws IOException {
    Object entity = response.getEntity();
    if (entity == null) {
      return new byte[0];
    }
    if (entity instanceof byte[] b) {
      return b;
    }
    Class<?> cls = response.getEntityClass();
    Type generic = response.getEntityType();
    Annotation[] annotations = response.getEntityAnnotations() == null ? new Annotation[0]
        : response.getEntityAnnotations();
    MessageBodyWriter writer = providers.getMessageBodyWriter(cls, generic, annotations, type);
    if (writer == null) {
      throw new IOException("no message body writer for " + cls.getName());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.writeTo(entity, cls, generic, annotations, type, new MultivaluedHashMap<>(), out);
    return out.toByteArray();
  }

  private static Response replay(IdempotencyStore.Stored stored) {
    Response.ResponseBuilder b = Response.status(stored.status()).header(REPLAYED, "true");
    if (stored.body().length > 0) {
      b.entity(stored.body());
    }
    if (stored.contentType() != null) {
      b.type(stored.contentType());
    }
    return b.build();
  }

  /** 1 to 256 characters, each printable ASCII (0x20 to 0x7e). */
  public static boolean validKey(String key) {
    if (key.isEmpty() || key.length() > MAX_KEY_CHARS) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /**
   * SHA-256 of method, path and body, each length-prefixed so that no two requests share an
   * encoding. Only this is kept of the request.
   */
  static byte[] requestHash(String method, String rawPath, byte[] body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (byte[] part : new byte[][] {method.getBytes(StandardCharsets.US_ASCII),
          rawPath.getBytes(StandardCharsets.UTF_8), body}) {
        sha.update(java.nio.ByteBuffer.allocate(4).putInt(part.length).array());
        sha.update(part);
      }
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
