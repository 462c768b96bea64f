package io.nitrosign.parent.metrics;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The parent's own metric families and how their labels are written into Dropwizard names.
 *
 * <p>Dropwizard metrics have no labels, and Prometheus series without labels cannot say "requests
 * by method and outcome". So a labelled series is registered in the Dropwizard registry under the
 * name {@code family{label="value",...}}, already in Prometheus syntax (values escaped here, once),
 * and {@link PrometheusText} splits the family off at the first brace. Only this class builds such
 * names, and only from bounded value sets (method names the parent knows, outcomes, states, the
 * ids of apps the operator created), so no client can create series at will.
 */
public final class MetricNames {

  /** Signing RPCs ({@code POST /v1/wallets/{id}/rpc}) by {@code method} and {@code outcome}. */
  public static final String RPC_REQUESTS = "nitrosign_rpc_requests";
  /** Latency of one stage of a request ({@code stage}: auth, authorization, policy, enclave, audit). */
  public static final String STAGE_SECONDS = "nitrosign_request_stage_seconds";
  /** Requests refused by an app's rate limit ({@code app_id}). */
  public static final String RATE_LIMITED = "nitrosign_rate_limited";
  /** Enclave calls refused by the bounded queue in front of the enclave. */
  public static final String ENCLAVE_SHED = "nitrosign_enclave_shed";
  /** Enclave calls refused without being sent because the circuit breaker is open. */
  public static final String ENCLAVE_CIRCUIT_REJECTED = "nitrosign_enclave_circuit_rejected";
  /** Times the circuit breaker opened. */
  public static final String ENCLAVE_CIRCUIT_OPENED = "nitrosign_enclave_circuit_opened";
  /** 1 for the breaker's current {@code state} (closed, open, half_open), 0 for the others. */
  public static final String ENCLAVE_CIRCUIT_STATE = "nitrosign_enclave_circuit_state";
  /** Enclave calls sent and not yet answered (bounded by {@code enclave.maxInFlight}). */
  public static final String ENCLAVE_IN_FLIGHT = "nitrosign_enclave_in_flight";
  /** Enclave calls waiting for an in-flight slot (bounded by {@code enclave.maxQueued}). */
  public static final String ENCLAVE_QUEUED = "nitrosign_enclave_queued";
  /** Enclave calls by {@code call} (the request type) and {@code result}. */
  public static final String ENCLAVE_CALLS = "nitrosign_enclave_calls";
  /** 1 for the enclave's last reported {@code state} (or {@code unreachable}), 0 for the others. */
  public static final String ENCLAVE_STATE = "nitrosign_enclave_state";
  /** Enclave requests that make the enclave call KMS, by {@code operation} and {@code result}. */
  public static final String KMS_CALLS = "nitrosign_kms_calls";
  /** The id of this host's audit chain head (the chain head's sequence number). */
  public static final String AUDIT_HEAD_SEQ = "nitrosign_audit_chain_head_seq";
  /** Rows of this host's audit chain after its last enclave-signed checkpoint. */
  public static final String AUDIT_CHECKPOINT_LAG = "nitrosign_audit_checkpoint_lag_rows";

  /** HELP text of the families above. */
  static final Map<String, String> HELP = Map.ofEntries(
      Map.entry(RPC_REQUESTS, "Signing RPC requests by method and outcome"),
      Map.entry(STAGE_SECONDS, "Latency of request stages (auth, authorization, policy, enclave,"
          + " audit) in seconds"),
      Map.entry(RATE_LIMITED, "Requests refused with 429 rate_limited by the app's rate limit"),
      Map.entry(ENCLAVE_SHED, "Enclave calls shed with 503 overloaded by the bounded enclave queue"),
      Map.entry(ENCLAVE_CIRCUIT_REJECTED,
          "Enclave calls refused with 503 enclave_unavailable while the circuit breaker was open"),
      Map.entry(ENCLAVE_CIRCUIT_OPENED, "Times the enclave circuit breaker opened"),
      Map.entry(ENCLAVE_CIRCUIT_STATE, "1 for the enclave circuit breaker's current state"),
      Map.entry(ENCLAVE_IN_FLIGHT, "Enclave calls sent and not yet answered"),
      Map.entry(ENCLAVE_QUEUED, "Enclave calls waiting for an in-flight slot"),
      Map.entry(ENCLAVE_CALLS, "Enclave calls by request type and result"),
      Map.entry(ENCLAVE_STATE, "1 for the enclave's last reported state (unreachable: no answer)"),
      Map.entry(KMS_CALLS, "Enclave requests that call KMS (provision, unseal, activate) by result"),
      Map.entry(AUDIT_HEAD_SEQ, "Sequence number (id) of this host's audit chain head"),
      Map.entry(AUDIT_CHECKPOINT_LAG,
          "Rows of this host's audit chain after its last enclave-signed checkpoint (0: the head is"
              + " checkpointed)"));

  private static final Pattern FAMILY = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private MetricNames() {}

  /**
   * The Dropwizard name of {@code family} with labels {@code k1, v1, k2, v2, ...}, e.g.
   * {@code nitrosign_rpc_requests{method="personal_sign",outcome="succeeded"}}.
   */
  public static String labeled(String family, String... labelsAndValues) {
    if (!FAMILY.matcher(family).matches() || labelsAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("bad metric family or labels: " + family);
    }
    if (labelsAndValues.length == 0) {
      return family;
    }
    StringBuilder b = new StringBuilder(family).append('{');
    for (int i = 0; i < labelsAndValues.length; i += 2) {
      String label = labelsAndValues[i];
      if (!LABEL.matcher(label).matches() || label.startsWith("__")) {
        throw new IllegalArgumentException("bad label name: " + label);
      }
      if (i > 0) {
        b.append(',');
      }
      b.append(label).append("=\"").append(escapeLabelValue(labelsAndValues[i + 1])).append('"');
    }
    return b.append('}').toString();
  }

  /** A label value in the text format: backslash, double quote and newline escaped. */
  static String escapeLabelValue(String value) {
    String v = value == null ? "" : value;
    StringBuilder b = new StringBuilder(v.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '"' -> b.append("\\\"");
        case '\n' -> b.append("\\n");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
