package io.nitrosign.devkit.kms;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A KMS key policy (IAM policy JSON), the subset that binds keys to an enclave's measurement:
 *
 * <ul>
 *   <li>{@code Statement}: one object or a list; each with {@code Effect} {@code Allow} or
 *       {@code Deny}, {@code Action} (a string or list; {@code *} and {@code ?} wildcards,
 *       case-insensitive, e.g. {@code kms:*}, {@code kms:Decrypt}) and an optional {@code
 *       Condition}.
 *   <li>{@code Condition} operators {@code StringEquals} (case-sensitive) and {@code
 *       StringEqualsIgnoreCase}; each maps condition keys to a string or a list of strings (any of
 *       them matches). Every key of every operator of a statement must match. A key absent from
 *       the request does not match.
 *   <li>Condition keys: {@code kms:RecipientAttestation:ImageSha384}, {@code
 *       kms:RecipientAttestation:PCR0}..{@code PCR31} (lowercase hex, present only when the request
 *       carried a verified attestation document) and {@code kms:EncryptionContext:<key>}.
 *   <li>{@code Principal}, {@code Resource}, {@code Sid} and {@code Version} are accepted and
 *       ignored: the local KMS has one caller identity (its access key) and one resource per
 *       policy. {@code NotAction}, {@code NotPrincipal}, {@code NotResource} and other condition
 *       operators are refused with MalformedPolicyDocumentException rather than silently ignored.
 * </ul>
 *
 * <p>Evaluation as in IAM: a matching Deny wins; otherwise a matching Allow allows; otherwise the
 * request is denied.
 */
public final class KeyPolicy {

  /** The policy AWS gives a key created without one: the account may do everything. */
  public static final String DEFAULT_POLICY = "{\"Version\":\"2012-10-17\",\"Id\":\"key-default-1\","
      + "\"Statement\":[{\"Sid\":\"Enable IAM User Permissions\",\"Effect\":\"Allow\","
      + "\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\","
      + "\"Resource\":\"*\"}]}";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_POLICY_CHARS = 32_768;

  /** Outcome of an evaluation with the statement that decided it (for the log). */
  public record Decision(boolean allowed, String reason) {}

  private record Condition(String operator, String key, List<String> values) {
    boolean holds(Map<String, String> context) {
      String actual = context.get(key);
      if (actual == null) {
        return false;
      }
      for (String v : values) {
        boolean eq = operator.equals("StringEquals") ? v.equals(actual) : v.equalsIgnoreCase(actual);
        if (eq) {
          return true;
        }
      }
      return false;
    }
  }

  private record Statement(String sid, boolean allow, List<Pattern> actions,
      List<Condition> conditions) {
    boolean matchesAction(String action) {
      return actions.stream().anyMatch(p -> p.matcher(action).matches());
    }

    boolean conditionsHold(Map<String, String> context) {
      return conditions.stream().allMatch(c -> c.holds(context));
    }
  }

  private final String text;
  private final List<Statement> statements;

  private KeyPolicy(String text, List<Statement> statements) {
    this.text = text;
    this.statements = statements;
  }

  /** The policy document as given. */
  public String text() {
    return text;
  }

  /** Parses a policy; a document outside the supported subset is refused. */
  public static KeyPolicy parse(String text) {
    if (text == null || text.isBlank()) {
      throw KmsError.malformedPolicy("The policy is empty.");
    }
    if (text.length() > MAX_POLICY_CHARS) {
      throw KmsError.validation("Policy must be at most " + MAX_POLICY_CHARS + " characters.");
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw KmsError.malformedPolicy("The policy is not valid JSON.");
    }
    if (root == null || !root.isObject()) {
      throw KmsError.malformedPolicy("The policy must be a JSON object.");
    }
    JsonNode st = root.get("Statement");
    if (st == null) {
      throw KmsError.malformedPolicy("The policy has no Statement.");
    }
    List<Statement> out = new ArrayList<>();
    if (st.isArray()) {
      for (JsonNode s : st) {
        out.add(statement(s, out.size()));
      }
    } else {
      out.add(statement(st, 0));
    }
    if (out.isEmpty()) {
      throw KmsError.malformedPolicy("The policy has no statements.");
    }
    return new KeyPolicy(text, List.copyOf(out));
  }

  private static Statement statement(JsonNode s, int index) {
    if (!s.isObject()) {
      throw KmsError.malformedPolicy("Statement " + index + " is not an object.");
    }
    for (String unsupported : List.of("NotAction", "NotPrincipal", "NotResource")) {
      if (s.has(unsupported)) {
        throw KmsError.malformedPolicy(unsupported + " is not supported by the local KMS.");
      }
    }
    String sid = s.hasNonNull("Sid") ? s.get("Sid").asText() : "#" + index;
    String effect = s.hasNonNull("Effect") ? s.get("Effect").asText() : "";
    boolean allow;
    if (effect.equals("Allow")) {
      allow = true;
    } else if (effect.equals("Deny")) {
      allow = false;
    } else {
      throw KmsError.malformedPolicy("Statement " + sid + ": Effect must be Allow or Deny.");
    }
    List<Pattern> actions = new ArrayList<>();
    for (String a : strings(s.get("Action"), "Statement " + sid + ": Action")) {
      actions.add(glob(a));
    }
    List<Condition> conditions = new ArrayList<>();
    JsonNode cond = s.get("Condition");
    if (cond != null && !cond.isNull()) {
      if (!cond.isObject()) {
        throw KmsError.malformedPolicy("Statement " + sid + ": Condition must be an object.");
      }
      for (Iterator<Map.Entry<String, JsonNode>> ops = cond.fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        if (!op.getKey().equals("StringEquals") && !op.getKey().equals("StringEqualsIgnoreCase")) {
          throw KmsError.malformedPolicy("Statement " + sid + ": condition operator "
              + op.getKey() + " is not supported by the local KMS (StringEquals, "
              + "StringEqualsIgnoreCase).");
        }
        if (!op.getValue().isObject() || op.getValue().isEmpty()) {
          throw KmsError.malformedPolicy("Statement " + sid + ": " + op.getKey()
              + " must map condition keys to values.");
        }
        for (Iterator<Map.Entry<String, JsonNode>> keys = op.getValue().fields(); keys.hasNext(); ) {
          Map.Entry<String, JsonNode> k = keys.next();
          conditions.add(new Condition(op.getKey(), normaliseKey(k.getKey()),
              strings(k.getValue(), "Statement " + sid + ": " + k.getKey())));
        }
      }
    }
    return new Statement(sid, allow, List.copyOf(actions), List.copyOf(conditions));
  }

  /**
   * Condition key names are case-insensitive in IAM; the request context uses the canonical
   * spelling, so known prefixes are normalised here. Encryption context keys keep their case.
   */
  private static String normaliseKey(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    String att = "kms:recipientattestation:";
    if (lower.startsWith(att)) {
      String rest = lower.substring(att.length());
      if (rest.equals("imagesha384")) {
        return RequestContext.IMAGE_SHA384;
      }
      if (rest.startsWith("pcr")) {
        return RequestContext.PCR_PREFIX + rest.substring(3);
      }
      return key;
    }
    String ec = "kms:encryptioncontext:";
    if (lower.startsWith(ec)) {
      return RequestContext.ENCRYPTION_CONTEXT_PREFIX + key.substring(ec.length());
    }
    return key;
  }

  private static List<String> strings(JsonNode node, String what) {
    List<String> out = new ArrayList<>();
    if (node != null && node.isTextual()) {
      out.add(node.asText());
    } else if (node != null && node.isArray() && !node.isEmpty()) {
      for (JsonNode n : node) {
        if (!n.isTextual()) {
          throw KmsError.malformedPolicy(what + " must be a string or a list of strings.");
        }
        out.add(n.asText());
      }
    } else {
      throw KmsError.malformedPolicy(what + " must be a string or a non-empty list of strings.");
    }
    return out;
  }

  private static Pattern glob(String action) {
    StringBuilder re = new StringBuilder();
    for (char c : action.toCharArray()) {
      if (c == '*') {
        re.append(".*");
      } else if (c == '?') {
        re.append('.');
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE);
  }

  /**
   * Evaluates {@code action} (e.g. {@code kms:Decrypt}) with the request's condition context.
   */
  public Decision evaluate(String action, Map<String, String> context) {
    String allowedBy = null;
    boolean conditionsFailed = false;
    for (Statement s : statements) {
      if (!s.matchesAction(action)) {
        continue;
      }
      boolean holds = s.conditionsHold(context);
      if (!s.allow && holds) {
        return new Decision(false, "denied by statement " + s.sid);
      }
      if (s.allow) {
        if (holds) {
          allowedBy = allowedBy == null ? s.sid : allowedBy;
        } else {
          conditionsFailed = true;
        }
      }
    }
    if (allowedBy != null) {
      return new Decision(true, "allowed by statement " + allowedBy);
    }
    return new Decision(false, conditionsFailed
        ? "the conditions of the key policy are not met"
        : "no statement of the key policy allows " + action);
  }
}
