package io.nitrosign.parent.wallet;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.nitrosign.chains.AttestationBinding;
import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.parent.Hex;
import io.nitrosign.parent.Ids;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.ErrorCodes;
import io.nitrosign.parent.api.JsonBodies;
import io.nitrosign.parent.app.App;
import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.audit.AuditWriter;
import io.nitrosign.parent.audit.Outcome;
import io.nitrosign.parent.idempotency.IdempotencyClaim;
import io.nitrosign.parent.idempotency.IdempotencyStore;
import io.nitrosign.parent.idempotency.SignRequests;
import io.nitrosign.parent.metrics.LatencyHistogram;
import io.nitrosign.parent.metrics.MetricNames;
import io.nitrosign.parent.policy.PolicyEnforcement;
import io.nitrosign.parent.policy.SpendLedger;
import io.nitrosign.policy.Decision;
import io.nitrosign.policy.Policy;
import io.nitrosign.policy.PolicyRequest;
import io.nitrosign.policy.payload.Payload;
import io.nitrosign.authz.RpcPayloads;
import io.nitrosign.parent.authz.PrivyRequestAuthorizer;
import io.nitrosign.parent.authz.RequestAuthorizer;
import io.nitrosign.parent.authz.UsedAuthorizations;
import io.nitrosign.parent.authz.WalletAuthorities;
import io.nitrosign.proto.v1.RequestAuthorization;
import io.nitrosign.proto.v1.WalletAuthority;
import jakarta.ws.rs.core.HttpHeaders;
import io.nitrosign.parent.rpc.RpcMethod;
import io.nitrosign.parent.rpc.RpcMethods;
import io.nitrosign.parent.rpc.SignatureChecks;
import io.nitrosign.parent.enclave.EnclaveCallException;
import io.nitrosign.parent.enclave.EnclaveFailures;
import io.nitrosign.parent.enclave.EnclaveGateway;
import io.nitrosign.proto.v1.Attest;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.GenerateKeyResponse;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import io.nitrosign.proto.v1.UpdateAuthorityRequest;
import io.nitrosign.proto.v1.WalletKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wallet use cases: create (enclave GenerateKey), read, list, sign (enclave Sign). Owns the
 * transactions; a signature is released only after its audit row has committed.
 */
public final class WalletManager {

  private static final Logger LOG = LoggerFactory.getLogger(WalletManager.class);
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 100;

  /** How long a signature may wait for its audit row to commit before it is withheld. */
  private static final Duration AUDIT_COMMIT_TIMEOUT = Duration.ofSeconds(10);

  private final AuditWriter auditWriter;
  private final Jdbi jdbi;
  private final EnclaveGateway enclave;
  private final JsonBodies bodies;
  private final ObjectMapper json;
  private final SecureRandom random;
  private final Clock clock;
  private final PrivyRequestAuthorizer authorizer;
  private final PolicyEnforcement policies;
  private final Timer generateTimer;
  private final Timer signTimer;
  private final Meter signFailures;
  private final Meter signRejections;
  private final Meter createFailures;
  private final MetricRegistry metrics;
  private final LatencyHistogram authorizationStage;
  private final LatencyHistogram policyStage;
  private final LatencyHistogram enclaveStage;
  private final LatencyHistogram auditStage;
  private final SignRequests signRequests;

  public WalletManager(Jdbi jdbi, EnclaveGateway enclave, AuditWriter auditWriter, ObjectMapper json,
      SecureRandom random, Clock clock, MetricRegistry metrics, PrivyRequestAuthorizer authorizer,
      PolicyEnforcement policies) {
    this.authorizer = authorizer;
    this.policies = policies;
    this.jdbi = jdbi;
    this.auditWriter = auditWriter;
    this.enclave = enclave;
    this.json = json;
    this.bodies = new JsonBodies(json);
    this.random = random;
    this.clock = clock;
    this.generateTimer = metrics.timer(MetricRegistry.name(WalletManager.class, "enclave", "generate_key"));
    this.signTimer = metrics.timer(MetricRegistry.name(WalletManager.class, "enclave", "sign"));
    this.signFailures = metrics.meter(MetricRegistry.name(WalletManager.class, "sign", "failed"));
    this.signRejections = metrics.meter(MetricRegistry.name(WalletManager.class, "sign", "rejected"));
    this.createFailures = metrics.meter(MetricRegistry.name(WalletManager.class, "create", "failed"));
    this.metrics = metrics;
    this.authorizationStage = LatencyHistogram.stage(metrics, "authorization");
    this.policyStage = LatencyHistogram.stage(metrics, "policy");
    this.enclaveStage = LatencyHistogram.stage(metrics, "enclave");
    this.auditStage = LatencyHistogram.stage(metrics, "audit");
    this.signRequests = new SignRequests(jdbi);
  }

  // ---------------------------------------------------------------------------------- create

  @SuppressWarnings("try") // the timer context is used only for its close()
  public WalletView create(App app, byte[] body) {
    ObjectNode root = bodies.object(body);
    Set<String> fields = new java.util.HashSet<>(OwnerResolver.FIELDS);
    fields.add("chain_type");
    fields.addAll(WalletLabels.FIELDS);
    JsonBodies.onlyFields(root, "", fields);
    ChainType chainType = ChainType.parse(JsonBodies.requiredText(root, "", "chain_type"));
    WalletLabels labels = WalletLabels.forCreate(root);
    if (labels.externalId() != null && jdbi.withHandle(h -> new WalletStore(h)
        .externalIdTaken(app.id(), labels.externalId(), null))) {
      throw externalIdInUse();
    }
    // Every new wallet is sealed with its authority: app, chain type and (if any) owner.
    OwnerResolver.Resolved owner =
        jdbi.withHandle(h -> new OwnerResolver(h).forCreate(app.id(), chainType, root));
    ByteString ownerBytes = owner.authority().toByteString();
    String walletId = Ids.random(random);
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("chain_type", chainType.wireName());
    detail.put("owned", owner.authority().hasOwner());
    Wallet wallet;
    List<WalletShare> shares;
    try (Timer.Context ignored = generateTimer.time()) {
      GenerateKeyResponse r = enclave.generateKey(GenerateKeyRequest.newBuilder()
          .setWalletId(walletId).setCurve(chainType.curve()).setOwner(ownerBytes).build());
      wallet = WalletKeys.walletFrom(app, walletId, chainType, r.getKey(), r.getAddress(),
          clock.instant().truncatedTo(ChronoUnit.MICROS), null, ownerBytes)
          .withLabels(labels.displayName(), labels.externalId());
      shares = WalletKeys.shares(walletId, r.getKey());
    } catch (EnclaveCallException e) {
      ApiException api = EnclaveFailures.toApi(e);
      if (e.notSent()) {
        throw api; // shed or circuit open: counted by the gateway, nothing to audit
      }
      createFailures.mark();
      auditQuietly(new AuditEvent(app.id(), null, AuditEvent.WALLET_CREATE, Outcome.FAILED,
          api.code(), render(detail)));
      throw api;
    }
    detail.put("address", wallet.address());
    String rendered = render(detail);
    try {
      jdbi.useTransaction(h -> {
        if (owner.newQuorum() != null) {
          new io.nitrosign.parent.quorum.KeyQuorumStore(h).insert(owner.newQuorum());
        }
        new WalletStore(h).insert(wallet, shares);
        new WalletOwnershipStore(h).save(wallet.id(), owner.ownership());
        new AuditStore(h, clock).append(new AuditEvent(app.id(), wallet.id(),
            AuditEvent.WALLET_CREATE, Outcome.SUCCEEDED, null, rendered));
      });
    } catch (RuntimeException e) {
      if (labels.externalId() != null && uniqueViolation(e)) {
        // another create with the same external_id committed between the check and this one
        throw externalIdInUse();
      }
      throw e;
    }
    return WalletView.of(wallet, owner.ownership());
  }

  // ---------------------------------------------------------------------------------- update

  /**
   * {@code PATCH /v1/wallets/{id}}: a new owner ({@code owner}, {@code owner_id}), additional
   * signers or policy ids. The enclave reseals the shares under the new authority; for an owned
   * wallet only when the current owner signed this request (checked here first, then by the
   * enclave, whose check counts). Shares, owner and the REST view change in one transaction.
   */
  public WalletView update(App app, String walletId, Optional<byte[]> body, HttpHeaders headers) {
    Loaded loaded = load(app, walletId);
    Wallet wallet = loaded.wallet();
    String path = "/v1/wallets/" + wallet.id();
    Optional<WalletAuthority> current = WalletAuthorities.of(wallet.owner());
    OwnerResolver.Resolved next;
    RequestAuthorization signed;
    WalletLabels labels;
    try {
      if (body.isEmpty()) {
        throw new ApiException(413, ErrorCodes.PAYLOAD_TOO_LARGE, "request body too large");
      }
      ObjectNode root = bodies.object(body.get());
      Set<String> fields = new java.util.HashSet<>(OwnerResolver.FIELDS);
      fields.addAll(WalletLabels.FIELDS);
      JsonBodies.onlyFields(root, "", fields);
      labels = WalletLabels.forUpdate(root, WalletLabels.of(wallet));
      if (labels.externalId() != null && !labels.externalId().equals(wallet.externalId())
          && jdbi.withHandle(h -> new WalletStore(h)
              .externalIdTaken(app.id(), labels.externalId(), wallet.id()))) {
        throw externalIdInUse();
      }
      signed = authorizer.signedRequest("PATCH", path, body.get(), headers, app.id(),
          current.filter(WalletAuthority::hasOwner).map(a -> List.of(a.getOwner()))
              .orElse(List.of()));
      RequestAuthorizer.Accepted accepted = null;
      if (current.isPresent() && current.get().hasOwner()) {
        accepted = authorizer.verify(signed, "PATCH", path, app.id(),
            List.of(current.get().getOwner()));
      }
      next = jdbi.withHandle(h -> new OwnerResolver(h).forUpdate(app.id(), wallet.chain(), root,
          current.orElse(null), new WalletOwnershipStore(h).find(wallet.id())));
      java.util.Set<String> given = new java.util.HashSet<>();
      root.fieldNames().forEachRemaining(given::add);
      if (!given.isEmpty() && NO_RESEAL_FIELDS.containsAll(given)) {
        return updateWithoutReseal(app, wallet, next.ownership(), accepted, labels,
            root.has("policy_ids"));
      }
    } catch (ApiException e) {
      auditQuietly(new AuditEvent(app.id(), wallet.id(), AuditEvent.WALLET_UPDATE,
          Outcome.REJECTED, e.code(), "{}"));
      throw e;
    }
    ByteString ownerBytes = next.authority().toByteString();
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("owned", next.authority().hasOwner());
    detail.put("owner_id", next.ownership().ownerId());
    detail.put("additional_signers", next.ownership().additionalSigners().size());
    detail.put("policy_ids", next.ownership().policyIds());
    WalletKey moved;
    try {
      moved = enclave.updateAuthority(UpdateAuthorityRequest.newBuilder()
          .setKey(WalletKeys.of(wallet, loaded.shares())).setNewOwner(ownerBytes)
          .setAuthorization(signed).build()).getKey();
    } catch (EnclaveCallException e) {
      ApiException api = EnclaveFailures.toApi(e);
      if (e.notSent()) {
        throw api; // shed or circuit open: counted by the gateway, nothing to audit
      }
      auditQuietly(new AuditEvent(app.id(), wallet.id(), AuditEvent.WALLET_UPDATE,
          EnclaveFailures.isRefusal(e) ? Outcome.REJECTED : Outcome.FAILED, api.code(),
          render(detail)));
      throw api;
    }
    if (!moved.getWalletId().equals(wallet.id()) || !moved.getOwner().equals(ownerBytes)
        || !moved.getPublicKey().equals(ByteString.copyFrom(wallet.publicKey()))
        || moved.getAuthShare().getKeyVersion() != moved.getExecShare().getKeyVersion()) {
      throw EnclaveFailures.toApi(new EnclaveCallException(EnclaveCallException.Kind.PROTOCOL,
          null, "the enclave's resealed key does not match the request"));
    }
    List<WalletShare> shares = WalletKeys.shares(wallet.id(), moved);
    String rendered = render(detail);
    boolean stored = jdbi.inTransaction(h -> {
      if (!new WalletStore(h).replaceOwner(wallet.id(), wallet.owner(), ownerBytes.toByteArray(),
          wallet.keyVersion(), moved.getAuthShare().getKeyVersion(), shares)) {
        return false;
      }
      if (next.newQuorum() != null) {
        new io.nitrosign.parent.quorum.KeyQuorumStore(h).insert(next.newQuorum());
      }
      new WalletOwnershipStore(h).save(wallet.id(), next.ownership());
      new WalletStore(h).updateLabels(wallet.id(), labels.displayName(), labels.externalId());
      new AuditStore(h, clock).append(new AuditEvent(app.id(), wallet.id(),
          AuditEvent.WALLET_UPDATE, Outcome.SUCCEEDED, null, rendered));
      return true;
    });
    if (!stored) {
      throw new ApiException(409, ErrorCodes.CONFLICT,
          "the wallet changed while it was being updated; retry with a fresh signature");
    }
    return get(app, wallet.id());
  }



  /** The fields a {@code PATCH} may change without resealing the key. */
  private static final Set<String> NO_RESEAL_FIELDS =
      Set.of("policy_ids", "display_name", "external_id");

  /**
   * A {@code PATCH} that changes only {@code policy_ids} and the labels ({@code display_name},
   * {@code external_id}). Nothing the enclave seals with the key changes (policies are enforced
   * by the parent, labels are names; the enclave would accept the signed body and reseal the same
   * authority), so nothing is resealed: for an owned wallet the parent's check of the owner's
   * signatures above is the authority, as for key quorums, and the accepted request is recorded
   * in the transaction that applies it, so it is applied once. The wallet's row is locked and its
   * authority compared with the one checked.
   */
  private WalletView updateWithoutReseal(App app, Wallet wallet, WalletOwnership next,
      RequestAuthorizer.Accepted accepted, WalletLabels labels, boolean policiesGiven) {
    Map<String, Object> detail = new LinkedHashMap<>();
    if (policiesGiven) {
      detail.put("policy_ids", next.policyIds());
    }
    if (!java.util.Objects.equals(labels.displayName(), wallet.displayName())) {
      detail.put("display_name", labels.displayName() == null ? "cleared" : "set");
    }
    if (!java.util.Objects.equals(labels.externalId(), wallet.externalId())) {
      detail.put("external_id", labels.externalId());
    }
    String rendered = render(detail);
    boolean stored;
    try {
      stored = jdbi.inTransaction(h -> {
        if (!new WalletStore(h).lockIfOwner(wallet.id(), wallet.owner())) {
          return false;
        }
        if (accepted != null) {
          new UsedAuthorizations(h).record(accepted, clock.instant());
        }
        new WalletOwnershipStore(h).save(wallet.id(), next);
        new WalletStore(h).updateLabels(wallet.id(), labels.displayName(), labels.externalId());
        new AuditStore(h, clock).append(new AuditEvent(app.id(), wallet.id(),
            AuditEvent.WALLET_UPDATE, Outcome.SUCCEEDED, null, rendered));
        return true;
      });
    } catch (RuntimeException e) {
      if (labels.externalId() != null && uniqueViolation(e)) {
        throw externalIdInUse();
      }
      throw e;
    }
    if (!stored) {
      throw new ApiException(409, ErrorCodes.CONFLICT,
          "the wallet changed while it was being updated; retry with a fresh signature");
    }
    return get(app, wallet.id());
  }

  private static ApiException externalIdInUse() {
    return new ApiException(409, ErrorCodes.EXTERNAL_ID_IN_USE,
        "another wallet of this app already has this external_id");
  }

  /** Whether {@code e} was caused by a unique constraint (SQLSTATE 23505). */
  private static boolean uniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------------------- read/list

  public WalletView get(App app, String walletId) {
    if (!Ids.plausible(walletId)) {
      throw ApiException.walletNotFound();
    }
    return jdbi.withHandle(h -> new WalletStore(h).find(app.id(), walletId)
            .map(w -> WalletView.of(w, new WalletOwnershipStore(h).find(w.id()))))
        .orElseThrow(ApiException::walletNotFound);
  }

  /**
   * {@code GET /v1/wallets}: {@code limit}, {@code cursor} and the filters of
   * {@link WalletFilter}, all read from {@code query} (an unknown parameter is a 400).
   */
  public WalletView.Page list(App app, Map<String, List<String>> query) {
    WalletFilter filter = WalletFilter.parse(query);
    String limitParam = query.containsKey("limit") ? query.get("limit").get(0) : null;
    String cursorParam = query.containsKey("cursor") ? query.get("cursor").get(0) : null;
    int limit = DEFAULT_LIMIT;
    if (limitParam != null) {
      try {
        limit = Integer.parseInt(limitParam.trim());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw ApiException.invalidRequest("limit must be an integer from 1 to " + MAX_LIMIT);
      }
    }
    WalletCursor after = cursorParam == null || cursorParam.isEmpty() ? null : WalletCursor.decode(cursorParam);
    int pageSize = limit;
    record Listed(List<Wallet> rows, boolean more, Map<String, WalletOwnership> ownership) {}
    Listed listed = jdbi.withHandle(h -> {
      List<Wallet> page = new WalletStore(h).list(app.id(), filter, after, pageSize + 1);
      boolean more = page.size() > pageSize;
      if (more) {
        page = page.subList(0, pageSize);
      }
      return new Listed(page, more,
          new WalletOwnershipStore(h).findAll(page.stream().map(Wallet::id).toList()));
    });
    List<Wallet> rows = listed.rows();
    String next = null;
    if (listed.more()) {
      Wallet last = rows.get(rows.size() - 1);
      next = new WalletCursor(last.createdAt(), last.id()).encode();
    }
    return new WalletView.Page(rows.stream().map(w -> WalletView.of(w,
        listed.ownership().getOrDefault(w.id(), WalletOwnership.NONE))).toList(), next);
  }

  // ------------------------------------------------------------------------------------ sign

  /** The answer of {@code POST /v1/wallets/{id}/rpc}: a signature, or a dry run's decision. */
  public sealed interface RpcReply permits RpcResult, DryRunResult, Committed {}

  /**
   * The answer of a signing request with an idempotency key that succeeded: {@link RpcResult}'s
   * JSON, already stored for the key in the transaction of the succeeded audit row. The resource
   * sends exactly these bytes, so the first answer and every replay are the same.
   */
  public record Committed(String method, byte[] body) implements RpcReply {
    public static final String CONTENT_TYPE = "application/json";
  }

  /**
   * One attempt of a signing request in its state machine ({@link SignRequests}), when it carries
   * an idempotency key; without one ({@code claim} null) every step is a no-op and the request is
   * what it always was (its audit row commits before its signature leaves).
   */
  private final class Attempt {
    private final IdempotencyClaim claim;
    private final String walletId;
    private String method;

    Attempt(Optional<IdempotencyClaim> claim, String walletId) {
      this.claim = claim.orElse(null);
      this.walletId = walletId;
    }

    boolean keyed() {
      return claim != null;
    }

    /** {@code received}; first records the attempt this one took over, if any, as lost. */
    void received(App app) {
      if (claim == null) {
        return;
      }
      if (claim.lostAttempt() != null) {
        try {
          Optional<String> lostIn = signRequests.markLost(claim.lostAttempt());
          Map<String, Object> detail = new LinkedHashMap<>();
          detail.put("idempotency_key", claim.key());
          detail.put("lost_in", lostIn.orElse("unknown"));
          detail.put("taken_over_by", claim.host());
          auditQuietly(new AuditEvent(app.id(), walletId, AuditEvent.WALLET_SIGN, Outcome.FAILED,
              SignRequests.ATTEMPT_LOST, render(detail)));
        } catch (RuntimeException e) {
          LOG.warn("could not record a lost sign attempt: {}", e.getClass().getName());
        }
      }
      signRequests.received(claim, walletId);
      io.nitrosign.parent.FaultInjection.point("sign.received");
    }

    void advance(String state, String resolvedMethod) {
      method = resolvedMethod;
      if (claim != null) {
        signRequests.advance(claim, state, resolvedMethod);
        io.nitrosign.parent.FaultInjection.point("sign." + state);
      }
    }

    /** The end of a refused or failed attempt, for its audit row (null without a key). */
    SignRequests.End end(Outcome outcome, String errorCode) {
      return claim == null ? null : new SignRequests.End(claim, walletId, method,
          outcome == Outcome.REJECTED ? SignRequests.REJECTED : SignRequests.FAILED, errorCode,
          null);
    }

    /** The end of a succeeded attempt, storing {@code body} as the key's answer. */
    SignRequests.End succeeded(byte[] body) {
      return claim == null ? null : new SignRequests.End(claim, walletId, method,
          SignRequests.SUCCEEDED, null,
          new IdempotencyStore.Stored(200, Committed.CONTENT_TYPE, body));
    }

    /** Ends an attempt that writes no audit row (shed, or its row could not be written). */
    void failedQuietly(String errorCode) {
      if (claim == null) {
        return;
      }
      try {
        jdbi.useTransaction(h -> SignRequests.afterAppend(h,
            new SignRequests.End(claim, walletId, method, SignRequests.FAILED, errorCode, null),
            null));
      } catch (RuntimeException e) {
        LOG.warn("could not record a failed sign attempt: {}", e.getClass().getName());
      }
    }
  }

  /**
   * The result of a signing RPC: {@code {"method":…,"data":{…}}}; {@code data} is the method's
   * (e.g. {@code {"signature":"0x…","encoding":"hex"}}), plus (our extension, only when the request
   * had {@code "attest": true}) {@code "attestation"} and {@code "binding"}.
   */
  public record RpcResult(@JsonProperty("method") String method,
      @JsonProperty("data") Map<String, Object> data) implements RpcReply {}

  /**
   * The result of a dry run ({@code "dry_run": true}): {@code {"method", "dry_run": true,
   * "decision": {...}, "decoded": {...}}}, the policy decision the request would get now and the
   * payload as the parent decoded it. Nothing was signed.
   */
  @JsonPropertyOrder({"method", "dry_run", "decision", "decoded"})
  public record DryRunResult(@JsonProperty("method") String method,
      @JsonProperty("dry_run") boolean dryRun,
      @JsonProperty("decision") Map<String, Object> decision,
      @JsonProperty("decoded") Map<String, Object> decoded) implements RpcReply {}

  /** A dry run's decision for a wallet that no policy governs. */
  static final Map<String, Object> NO_POLICIES =
      Map.of("decision", "allow", "reason", "wallet has no policies");

  /**
   * The proof: {@code {"mode":"fresh","document":"<base64>"}} or
   * {@code {"mode":"fast","response_signature":"<base64>","response_public_key":"0x04…"}}.
   */
  @JsonPropertyOrder({"mode", "document", "response_signature", "response_public_key"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Attestation(@JsonProperty("mode") String mode,
      @JsonProperty("document") String document,
      @JsonProperty("response_signature") String responseSignature,
      @JsonProperty("response_public_key") String responsePublicKey) {}

  /** The largest attestation document the parent passes on (the verifier's own bound). */
  static final int MAX_DOCUMENT_BYTES = 16 * 1024;

  private record Loaded(Wallet wallet, List<WalletShare> shares, List<Policy> policies) {}

  /** The app's wallet with its shares, or 404 (another app's wallet is as absent as none). */
  private Loaded load(App app, String walletId) {
    return load(app, walletId, false);
  }

  /** As {@link #load(App, String)}, and with {@code withPolicies} the wallet's policies. */
  private Loaded load(App app, String walletId, boolean withPolicies) {
    if (!Ids.plausible(walletId)) {
      throw ApiException.walletNotFound();
    }
    return jdbi.withHandle(h -> new WalletStore(h).findWithShares(app.id(), walletId)
            .map(w -> new Loaded(w.wallet(), w.shares(), withPolicies
                ? policies.reads(h).policiesOfWallet(w.wallet().id()) : List.of())))
        .orElseThrow(ApiException::walletNotFound);
  }

  /**
   * Signs for the app's wallet. {@code body} is empty when the request body exceeded the cap.
   * Rejections are audited as {@code rejected}, enclave failures as {@code failed}; a signature is
   * returned only after its {@code succeeded} audit row has committed.
   *
   * <p>Between decoding and the enclave, the policies that govern the request decide it: the
   * wallet's, or, when an additional signer with {@code override_policy_ids} signed an owned
   * wallet's request, that signer's. A denial is 403 {@code policy_denied}, audited as rejected
   * with the decision. An allowed request that aggregations measure holds a reservation of its
   * amounts; it is committed with the succeeded audit row, and released when nothing is signed.
   *
   * <p>A dry run ({@code "dry_run": true}) stops after the decision: it answers the decision and
   * the decoded payload and is audited as {@code wallet.dry_run}. It signs nothing, so it needs
   * no owner signature even for an owned wallet, reserves nothing and never reaches the enclave;
   * it is decided under the wallet's own policies.
   */
  public RpcReply rpc(App app, String walletId, Optional<byte[]> body, HttpHeaders headers) {
    return rpc(app, walletId, body, headers, Optional.empty());
  }

  /**
   * {@link #rpc(App, String, Optional, HttpHeaders)} for a request that holds an idempotency key:
   * the attempt goes through its persisted state machine ({@link SignRequests}), and a success is
   * answered {@link Committed}, its answer stored with its audit row.
   */
  public RpcReply rpc(App app, String walletId, Optional<byte[]> body, HttpHeaders headers,
      Optional<IdempotencyClaim> claim) {
    String[] method = {"unknown"};
    return counted(method, () -> sign(app, walletId, body, headers, method, claim));
  }

  /** Runs a signing request and counts it under {@code method[0]} as it is when it ends. */
  private RpcReply counted(String[] method, java.util.function.Supplier<RpcReply> request) {
    try {
      RpcReply reply = request.get();
      countRpc(method[0], reply instanceof DryRunResult ? "dry_run" : "succeeded");
      return reply;
    } catch (ApiException e) {
      countRpc(method[0], ErrorCodes.OVERLOADED.equals(e.code()) ? "overloaded"
          : e.status() >= 500 ? "failed" : "rejected");
      throw e;
    } catch (RuntimeException e) {
      countRpc(method[0], "failed");
      throw e;
    }
  }

  /**
   * Counts one signing RPC ({@code nitrosign_rpc_requests_total{method,outcome}}); the method is a
   * name the parent resolved (or "unknown"), so clients cannot make new series.
   */
  private void countRpc(String method, String outcome) {
    metrics.meter(MetricNames.labeled(MetricNames.RPC_REQUESTS, "method", method,
        "outcome", outcome)).mark();
  }

  /** {@link #rpc}; sets {@code resolvedMethod[0]} once the method is known. */
  @SuppressWarnings("try") // the timer contexts are used only for their close()
  private RpcReply sign(App app, String walletId, Optional<byte[]> body, HttpHeaders headers,
      String[] resolvedMethod, Optional<IdempotencyClaim> claim) {
    Loaded loaded = load(app, walletId, true);
    Wallet wallet = loaded.wallet();
    Attempt attempt = new Attempt(claim, wallet.id());

    RpcRequest request;
    RpcMethod method;
    RpcMethod.Prepared prepared;
    String methodName = null;
    boolean dryRun = false;
    Optional<WalletAuthority> authority = WalletAuthorities.of(wallet.owner());
    RequestAuthorization signed = null;
    SignRequest ownerPayload = null;
    int signer = -1;
    try {
      if (body.isEmpty()) {
        throw new ApiException(413, ErrorCodes.PAYLOAD_TOO_LARGE, "request body too large");
      }
      ObjectNode root = bodies.object(body.get());
      methodName = RpcRequest.auditableMethod(root);
      dryRun = RpcRequest.dryRun(root);
      if (!dryRun) {
        attempt.received(app);
      }
      if (!dryRun && authority.isPresent() && authority.get().hasOwner()) {
        OwnerCheck owner = checkOwner(app, "/v1/wallets/" + wallet.id() + "/rpc", body.get(),
            headers, authority.get());
        signed = owner.signed();
        RequestAuthorizer.Accepted accepted = owner.accepted();
        signer = accepted.quorum();
        try {
          // The payload exactly as the enclave derives it from the signed body.
          ownerPayload = RpcPayloads.derive(accepted.body(), authority.get().getChainType());
        } catch (ChainFormatException e) {
          // the parent's own decoding below names the field
          ownerPayload = null;
        }
      }
      method = RpcMethods.of(RpcRequest.method(root), wallet.chain());
      resolvedMethod[0] = method.name();
      if (method.raw() && !app.allowRawSign()) {
        throw new ApiException(403, ErrorCodes.METHOD_NOT_ALLOWED_FOR_APP,
            method.name() + " (raw signing) is not enabled for this app");
      }
      request = RpcRequest.parse(root, method.name(), wallet);
      if (request.attest() != null && !method.attestable()) {
        throw ApiException.invalidRequest("attest is not available for " + method.name()
            + " (only for methods answered with one secp256k1 signature over a digest)");
      }
      try {
        prepared = method.prepare(request.params(), wallet,
            JsonBodies.optionalText(root, "", "caip2"));
      } catch (ChainFormatException e) {
        throw new ApiException(400, ErrorCodes.MALFORMED_PAYLOAD, e.getMessage());
      }
    } catch (ApiException e) {
      signRejections.mark();
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("method", methodName);
      putIdempotencyKey(detail, headers);
      auditQuietly(new AuditEvent(app.id(), wallet.id(),
          dryRun ? AuditEvent.WALLET_DRY_RUN : AuditEvent.WALLET_SIGN, Outcome.REJECTED,
          e.code(), render(detail)).ending(dryRun ? null : attempt.end(Outcome.REJECTED, e.code())));
      throw e;
    }

    return execute(app, loaded, authority, new SignJob(method.name(), method.raw(), prepared,
        request.attest(), dryRun, signed, ownerPayload, signer, request.audit()), headers,
        attempt);
  }

  /** An owned wallet's signed request and what the parent's check of it accepted. */
  private record OwnerCheck(RequestAuthorization signed, RequestAuthorizer.Accepted accepted) {}

  /**
   * The parent's early check of an owned wallet's signing request to {@code path} (with the live
   * sessions of the user members); the enclave checks again and its check is the one that counts.
   */
  @SuppressWarnings("try") // the timer context is used only for its close()
  private OwnerCheck checkOwner(App app, String path, byte[] body, HttpHeaders headers,
      WalletAuthority authority) {
    try (LatencyHistogram.Context t = authorizationStage.time()) {
      RequestAuthorization signed = authorizer.signedRequest("POST", path, body, headers,
          app.id(), WalletAuthorities.signers(authority));
      return new OwnerCheck(signed, authorizer.verify(signed, "POST", path, app.id(),
          WalletAuthorities.signers(authority)));
    }
  }

  /** The body fields of {@code POST /v1/wallets/{id}/raw_sign}: Privy's, nothing else. */
  private static final Set<String> RAW_SIGN_FIELDS =
      Set.of("params", "chain_type", "address", "wallet_id");

  /**
   * {@code POST /v1/wallets/{id}/raw_sign}: Privy's raw sign ({@code params.hash}, or
   * {@code params.bytes} with {@code encoding} and {@code hash_function}), answered
   * {@code {"method": "raw_sign", "data": {"signature", "encoding": "hex"}}}. Off unless the app
   * allows raw signing (403 {@code method_not_allowed_for_app}, checked first). For an owned
   * wallet the request must be signed for this endpoint's URL; the payload is the one
   * {@link RpcPayloads#deriveRawSign} reads from the body, the function the enclave applies to
   * the signed body (so it signs exactly what the owner signed, and a signature made for
   * {@code /raw_sign} is never accepted as an {@code /rpc} request or the other way round).
   * Policies decide it as method {@code raw_sign}; it is audited as {@code wallet.sign} like
   * {@code /rpc}, and goes through the same path from the policy decision on.
   */
  public RpcReply rawSign(App app, String walletId, Optional<byte[]> body, HttpHeaders headers) {
    return rawSign(app, walletId, body, headers, Optional.empty());
  }

  /** {@link #rawSign(App, String, Optional, HttpHeaders)} holding an idempotency key (see rpc). */
  public RpcReply rawSign(App app, String walletId, Optional<byte[]> body, HttpHeaders headers,
      Optional<IdempotencyClaim> claim) {
    return counted(new String[] {io.nitrosign.parent.rpc.RawSignEndpoint.METHOD},
        () -> rawSignRequest(app, walletId, body, headers, claim));
  }

  @SuppressWarnings("try") // the timer context is used only for its close()
  private RpcReply rawSignRequest(App app, String walletId, Optional<byte[]> body,
      HttpHeaders headers, Optional<IdempotencyClaim> claim) {
    Loaded loaded = load(app, walletId, true);
    Wallet wallet = loaded.wallet();
    Attempt attempt = new Attempt(claim, wallet.id());
    attempt.received(app);
    Optional<WalletAuthority> authority = WalletAuthorities.of(wallet.owner());
    RequestAuthorization signed = null;
    int signer = -1;
    RpcMethod.Prepared prepared;
    Map<String, Object> audit = new LinkedHashMap<>();
    audit.put("endpoint", RpcPayloads.Endpoint.RAW_SIGN.path("{id}"));
    try {
      if (!app.allowRawSign()) {
        throw new ApiException(403, ErrorCodes.METHOD_NOT_ALLOWED_FOR_APP,
            "raw_sign (raw signing) is not enabled for this app");
      }
      if (body.isEmpty()) {
        throw new ApiException(413, ErrorCodes.PAYLOAD_TOO_LARGE, "request body too large");
      }
      ObjectNode root = bodies.object(body.get());
      JsonBodies.onlyFields(root, "", RAW_SIGN_FIELDS);
      RpcRequest.checkEnvelope(root, wallet);
      Map<String, Object> parsed;
      if (authority.isPresent() && authority.get().hasOwner()) {
        OwnerCheck owner = checkOwner(app, RpcPayloads.Endpoint.RAW_SIGN.path(wallet.id()),
            body.get(), headers, authority.get());
        signed = owner.signed();
        signer = owner.accepted().quorum();
        parsed = owner.accepted().body();
      } else {
        parsed = io.nitrosign.authz.PrivyRequest.parseObjectBody(body.get());
      }
      SignRequest derived = RpcPayloads.deriveRawSign(parsed, wallet.chainType());
      if (root.path("params").has("hash_function")) {
        audit.put("hash_function", root.path("params").path("hash_function").asText());
      }
      prepared = io.nitrosign.parent.rpc.RawSignEndpoint.prepare(derived, wallet);
    } catch (ChainFormatException e) {
      signRejections.mark();
      ApiException api = ApiException.invalidRequest(e.field() + " " + e.reason());
      auditRawSignRejection(app, wallet, api, attempt);
      throw api;
    } catch (ApiException e) {
      signRejections.mark();
      auditRawSignRejection(app, wallet, e, attempt);
      throw e;
    }
    // The payload is already the one derived from the signed body: nothing to replace.
    return execute(app, loaded, authority, new SignJob(
        io.nitrosign.parent.rpc.RawSignEndpoint.METHOD, true, prepared, null, false, signed,
        null, signer, audit), headers, attempt);
  }

  private void auditRawSignRejection(App app, Wallet wallet, ApiException e, Attempt attempt) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("method", io.nitrosign.parent.rpc.RawSignEndpoint.METHOD);
    detail.put("endpoint", RpcPayloads.Endpoint.RAW_SIGN.path("{id}"));
    auditQuietly(new AuditEvent(app.id(), wallet.id(), AuditEvent.WALLET_SIGN, Outcome.REJECTED,
        e.code(), render(detail)).ending(attempt.end(Outcome.REJECTED, e.code())));
  }

  /**
   * A request ready for the enclave, from {@code /rpc} or {@code /raw_sign}: the policy
   * {@code method} it is decided and audited under, whether it is raw signing, what the parent
   * prepared, the proof asked for (null for none), a dry run, and for an owned wallet the signed
   * request with the payload derived from the signed body ({@code ownerPayload}, null to keep the
   * parent's) and which signer signed ({@code signer}, -1 when no signature was checked);
   * {@code audit}: what the request adds to its audit row.
   */
  private record SignJob(String method, boolean raw, RpcMethod.Prepared prepared,
      RpcRequest.Attest attest, boolean dryRun, RequestAuthorization signed,
      SignRequest ownerPayload, int signer, Map<String, Object> audit) {}

  /**
   * The part of signing every endpoint shares: policies decide (a dry run stops there), the
   * enclave signs, the parent checks the answer, and the signature is released only after its
   * audit row has committed. See {@link #rpc}.
   */
  @SuppressWarnings("try") // the timer context is used only for its close()
  private RpcReply execute(App app, Loaded loaded, Optional<WalletAuthority> authority,
      SignJob job, HttpHeaders headers, Attempt attempt) {
    Wallet wallet = loaded.wallet();
    RpcMethod.Prepared prepared = job.prepared();
    boolean dryRun = job.dryRun();
    RequestAuthorization signed = job.signed();
    SignRequest ownerPayload = job.ownerPayload();
    int signer = job.signer();
    Payload payload = prepared.decoded();
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("method", job.method());
    putIdempotencyKey(detail, headers);
    if (job.raw()) {
      detail.put("raw", true);
    }
    if (job.attest() != null) {
      detail.put("attestation", job.attest().mode());
    }
    detail.putAll(job.audit());
    detail.put("decoded", payload.audit());

    PolicyEnforcement.Result verdict;
    try (LatencyHistogram.Context t = policyStage.time()) {
      List<Policy> governing = governingPolicies(loaded, authority, signer);
      verdict = policies.decide(app.id(), wallet.id(), governing, new PolicyRequest(job.method(),
          wallet.chain().wireName(), payload, clock.instant().getEpochSecond()), dryRun);
    } catch (RuntimeException e) {
      signFailures.mark();
      LOG.error("policy evaluation failed for wallet {}: {}", wallet.id(), e.getClass().getName());
      boolean database = io.nitrosign.parent.api.DatabaseErrors.unavailable(e);
      String code = database ? ErrorCodes.DATABASE_UNAVAILABLE : ErrorCodes.INTERNAL_ERROR;
      auditQuietly(new AuditEvent(app.id(), wallet.id(),
          dryRun ? AuditEvent.WALLET_DRY_RUN : AuditEvent.WALLET_SIGN, Outcome.FAILED,
          code, render(detail))
          .ending(dryRun ? null : attempt.end(Outcome.FAILED, code)));
      throw database ? io.nitrosign.parent.api.DatabaseErrors.unavailableAnswer()
          : ApiException.internal();
    }
    Decision decision = verdict.decision();
    // every evaluated request's row holds the decision, "no policies" included (audit export)
    detail.put("policy", decision == null ? NO_POLICIES : decision.toJson());
    if (dryRun) {
      return dryRun(app, wallet, job.method(), payload, decision, detail);
    }
    if (!verdict.allowed()) {
      signRejections.mark();
      auditQuietly(new AuditEvent(app.id(), wallet.id(), AuditEvent.WALLET_SIGN,
          Outcome.REJECTED, ErrorCodes.POLICY_DENIED, render(detail))
          .ending(attempt.end(Outcome.REJECTED, ErrorCodes.POLICY_DENIED)));
      throw denied(decision, job.method());
    }
    attempt.advance(SignRequests.AUTHORIZED, job.method());

    SpendLedger.Reservation reservation = verdict.reservation();
    SignRequest signRequest = signRequest(loaded, prepared, job.attest());
    if (signed != null) {
      SignRequest.Builder b = signRequest.toBuilder().setAuthorization(signed);
      if (ownerPayload != null) {
        b.clearPayload().mergeFrom(ownerPayload);
      }
      signRequest = b.build();
    }
    Map<String, Object> data;
    Object released;
    attempt.advance(SignRequests.SIGNING, job.method());
    try (Timer.Context ignored = signTimer.time();
        LatencyHistogram.Context t = enclaveStage.time()) {
      SignResponse response = enclave.sign(signRequest);
      data = prepared.result(response);
      released = releasedSignature(data, response);
      if (!proofWellFormed(signRequest, job.attest(), response)) {
        throw new EnclaveCallException(EnclaveCallException.Kind.PROTOCOL, null,
            "malformed attestation in Sign response");
      }
      if (job.attest() != null) {
        data.put("attestation", attestationOf(job.attest(), response));
        data.put("binding", Hex.prefixed(response.getBinding().toByteArray()));
      }
      if (attempt.keyed()) {
        io.nitrosign.parent.FaultInjection.point("sign.signed");
      }
    } catch (EnclaveCallException e) {
      // Nothing was signed (or nothing is released): the reservation does not count.
      policies.ledger().release(reservation);
      ApiException api = EnclaveFailures.toApi(e);
      if (e.notSent()) {
        // Shed by the enclave queue or refused by the open circuit breaker: nothing reached the
        // enclave. Counted (nitrosign_enclave_shed_total, ..._circuit_rejected_total and the
        // request counter), not audited: an audit row per refused request would turn overload
        // into a flood of appends on the one audit chain, the shared bottleneck.
        attempt.failedQuietly(api.code());
        throw api;
      }
      // The enclave refusing the payload is a rejection of the request (400), like the parent's
      // own decoder refusing it; everything else is a failure of the signing path.
      boolean refused = EnclaveFailures.isRefusal(e);
      (refused ? signRejections : signFailures).mark();
      Outcome outcome = refused ? Outcome.REJECTED : Outcome.FAILED;
      auditQuietly(new AuditEvent(app.id(), wallet.id(), AuditEvent.WALLET_SIGN,
          outcome, api.code(), render(detail)).ending(attempt.end(outcome, api.code())));
      throw api;
    } catch (RuntimeException e) {
      policies.ledger().release(reservation);
      attempt.failedQuietly(ErrorCodes.INTERNAL_ERROR);
      throw e;
    }

    detail.put("decoded", payload.audit());
    // public data: what the client receives, recorded so the audit export can show it
    detail.put("signature", released);
    String rendered = render(detail);
    RpcResult result = new RpcResult(job.method(), data);
    byte[] answer = attempt.keyed() ? renderBytes(result) : null;
    try (LatencyHistogram.Context t = auditStage.time()) {
      // The reservation becomes committed in the transaction of this row, or neither happens;
      // with an idempotency key, so do the attempt's state and the key's stored answer.
      auditWriter.appendDurably(new AuditEvent(app.id(), wallet.id(), AuditEvent.WALLET_SIGN,
          Outcome.SUCCEEDED, null, rendered, reservation, attempt.succeeded(answer)),
          AUDIT_COMMIT_TIMEOUT);
    } catch (SignRequests.AttemptLostException e) {
      // Another attempt took this key over (this one's lease lapsed): it will answer the client.
      policies.ledger().release(reservation);
      LOG.warn("signature withheld for wallet {}: the attempt lost its idempotency key",
          wallet.id());
      throw new ApiException(409, ErrorCodes.IDEMPOTENCY_KEY_IN_PROGRESS,
          "another attempt of this request is in progress; retry later",
          Map.of("Retry-After", "1", "x-should-retry", "true"));
    } catch (RuntimeException e) {
      // No durable audit record, no signature. When the row could not be committed for now (the
      // database is down or too slow, a reservation lapsed), nothing was released and a retry is
      // safe (with the idempotency key it ends in one result): 503. A row the database refused
      // outright is a bug: 500.
      policies.ledger().release(reservation);
      boolean retryable = e instanceof AuditWriter.AuditUnavailableException a && a.retryable();
      attempt.failedQuietly(retryable ? ErrorCodes.DATABASE_UNAVAILABLE
          : ErrorCodes.INTERNAL_ERROR);
      LOG.error("audit append failed; signature withheld for wallet {}: {}", wallet.id(), e.getClass().getName());
      throw retryable ? io.nitrosign.parent.api.DatabaseErrors.unavailableAnswer()
          : ApiException.internal();
    }
    if (answer != null) {
      io.nitrosign.parent.FaultInjection.point("sign.committed");
      return new Committed(job.method(), answer);
    }
    return result;
  }

  /**
   * The policies that govern a request: the wallet's, unless an additional signer whose
   * {@code override_policy_ids} are not empty signed it ({@code signer}: the index in
   * {@link WalletAuthorities#signers}, 0 the owner, -1 when no signature was checked). The
   * override ids are read from the wallet's sealed authority, the one the enclave checks the
   * request against. If one of them no longer exists, the request is denied: it stands for a
   * policy without rules (default deny), and the others are not consulted, since leaving out a
   * policy could only allow more.
   */
  private List<Policy> governingPolicies(Loaded loaded, Optional<WalletAuthority> authority,
      int signer) {
    if (signer < 1 || authority.isEmpty() || !authority.get().hasOwner()
        || signer > authority.get().getAdditionalSignersCount()) {
      return loaded.policies();
    }
    List<String> overrides = authority.get().getAdditionalSigners(signer - 1)
        .getOverridePolicyIdsList();
    if (overrides.isEmpty()) {
      return loaded.policies();
    }
    List<Policy> found = policies.policies(overrides);
    for (String id : overrides) {
      if (found.stream().noneMatch(p -> p.id().equals(id))) {
        return List.of(new Policy(id, "1.0", "missing override policy",
            loaded.wallet().chain().wireName(), List.of()));
      }
    }
    return found;
  }

  /**
   * The signature a succeeded request releases, for its audit row: {@code data.signature} as the
   * client receives it when the method answers with one; otherwise the enclave's signature as
   * 0x-hex (secp256k1 r||s||v with v = 27 + recovery id, or the 64-byte Ed25519 signature); for
   * {@code bitcoin_psbt} the list of the inputs' signatures as in {@code data.signed_inputs}.
   */
  static Object releasedSignature(Map<String, Object> data, SignResponse response) {
    if (data.get("signature") instanceof String s) {
      return s;
    }
    if (data.get("signed_inputs") instanceof List<?> inputs) {
      return inputs.stream()
          .map(i -> i instanceof Map<?, ?> m ? m.get("signature") : null).toList();
    }
    if (!response.getR().isEmpty()) {
      return Hex.prefixed(SignatureChecks.rsv(response));
    }
    if (!response.getSignature().isEmpty()) {
      return Hex.prefixed(response.getSignature().toByteArray());
    }
    return null;
  }

  /**
   * The request's {@code privy-idempotency-key}, when it has one of at most 256 printable ASCII
   * characters (what the idempotency check accepts): a client-chosen request id, recorded so the
   * audit export ties each row to the client's retries. Anything else is not recorded.
   */
  private static void putIdempotencyKey(Map<String, Object> detail, HttpHeaders headers) {
    String key = headers == null ? null
        : headers.getHeaderString(PrivyRequestAuthorizer.IDEMPOTENCY_HEADER);
    if (key != null && !key.isEmpty() && key.length() <= 256
        && key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      detail.put("idempotency_key", key);
    }
  }

  /** 403 {@code policy_denied} explaining {@code decision}. */
  private static ApiException denied(Decision d, String method) {
    String sentence = d.ruleId() != null
        ? "rule \"" + d.ruleName() + "\" of policy " + d.policyId() + " denies this " + method
            + " request"
        : "no rule of the wallet's policies allows this " + method + " request";
    return ApiException.policyDenied(sentence,
        new ApiException.Denial(d.policyId(), d.ruleId(), d.ruleName(), d.reason()));
  }

  /** The dry run's answer, audited as {@code wallet.dry_run}. */
  private DryRunResult dryRun(App app, Wallet wallet, String method, Payload payload,
      Decision decision, Map<String, Object> detail) {
    Map<String, Object> decided = decision == null ? NO_POLICIES : decision.toJson();
    detail.put("policy", decided);
    try {
      auditWriter.appendDurably(new AuditEvent(app.id(), wallet.id(), AuditEvent.WALLET_DRY_RUN,
          Outcome.SUCCEEDED, null, render(detail)), AUDIT_COMMIT_TIMEOUT);
    } catch (RuntimeException e) {
      LOG.error("audit append failed; dry run not answered for wallet {}: {}", wallet.id(),
          e.getClass().getName());
      throw ApiException.internal();
    }
    return new DryRunResult(method, true, decided, payload.audit());
  }

  /**
   * What the parent can check of the proof: nothing without a request for it; otherwise the
   * binding is the one the parent computes itself, and the proof has the form and size of its
   * mode. (Verifying the document or the response signature is the client's job.) Runs after the
   * method has checked the signature itself.
   */
  private static boolean proofWellFormed(SignRequest sent, RpcRequest.Attest attest,
      SignResponse r) {
    boolean empty = r.getBinding().isEmpty() && r.getAttestationDocument().isEmpty()
        && r.getResponseSignature().isEmpty() && r.getResponsePublicKey().isEmpty();
    if (attest == null) {
      return empty;
    }
    byte[] expected = AttestationBinding.compute(sent.getKey().getWalletId(),
        r.getDigest().toByteArray(), SignatureChecks.rsv(r), sent.getKey().getPublicKey().toByteArray(),
        attest.nonce());
    if (!r.getBinding().equals(ByteString.copyFrom(expected))) {
      return false;
    }
    if (RpcRequest.Attest.FRESH.equals(attest.mode())) {
      return !r.getAttestationDocument().isEmpty()
          && r.getAttestationDocument().size() <= MAX_DOCUMENT_BYTES
          && r.getResponseSignature().isEmpty();
    }
    return r.getAttestationDocument().isEmpty() && r.getResponseSignature().size() == 64
        && r.getResponsePublicKey().size() == 65 && r.getResponsePublicKey().byteAt(0) == 0x04;
  }

  private static Attestation attestationOf(RpcRequest.Attest attest, SignResponse r) {
    Base64.Encoder b64 = Base64.getEncoder();
    if (RpcRequest.Attest.FRESH.equals(attest.mode())) {
      return new Attestation(attest.mode(), b64.encodeToString(r.getAttestationDocument().toByteArray()),
          null, null);
    }
    return new Attestation(attest.mode(), null,
        b64.encodeToString(r.getResponseSignature().toByteArray()),
        Hex.prefixed(r.getResponsePublicKey().toByteArray()));
  }

  private static SignRequest signRequest(Loaded loaded, RpcMethod.Prepared prepared,
      RpcRequest.Attest attest) {
    WalletKey key = WalletKeys.of(loaded.wallet(), loaded.shares());
    SignRequest.Builder b = SignRequest.newBuilder().setKey(key);
    prepared.payload(b);
    if (attest != null) {
      b.setAttest(Attest.newBuilder()
          .setMode(RpcRequest.Attest.FAST.equals(attest.mode())
              ? Attest.Mode.FAST : Attest.Mode.FRESH)
          .setNonce(ByteString.copyFrom(attest.nonce())));
    }
    return b.build();
  }

  // --------------------------------------------------------------------------------- helpers

  /** Writes an audit row for a request that is failing anyway; a write error is only logged. */
  private void auditQuietly(AuditEvent event) {
    try {
      auditWriter.appendDurably(event, AUDIT_COMMIT_TIMEOUT);
    } catch (RuntimeException e) {
      LOG.error("audit append failed for {} {}: {}", event.action(), event.outcome(), e.getClass().getName());
    }
  }

  private byte[] renderBytes(Object value) {
    try {
      return json.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
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
