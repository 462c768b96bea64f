package io.nitrosign.attestation;

import com.upokecenter.cbor.CBORObject;
import com.upokecenter.cbor.CBORType;
import io.nitrosign.chains.AttestationPurpose;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a verified document must also satisfy: the enclave image (PCRs), debug mode, and the values
 * the relying party expects to be bound (nonce, user_data, public_key), and freshness.
 *
 * <p>{@link Builder#expectPurpose} requires the document's user_data to start with the tag of an
 * {@link AttestationPurpose} (documents this appliance's enclave makes always carry one); checked
 * before the exact user_data, so a document made for another purpose fails with
 * {@link Reason#PURPOSE_MISMATCH}.
 */
public final class AttestationPolicy {

  /** Clock skew tolerated for a timestamp after the verification time, when {@code maxAge} is set. */
  public static final Duration FUTURE_SKEW = Duration.ofMinutes(1);
  private static final Pattern PCR_NAME = Pattern.compile("PCR([0-9]{1,2})");
  private static final AttestationPolicy ANY = builder().build();
  static final String NO_PCR0 = "PCR0 missing: every allowed PCR set must pin PCR0 (the"
      + " measurement of the whole enclave image); a set without it would accept any image";

  private final List<SortedMap<Integer, byte[]>> pcrSets;
  private final boolean allowDebug;
  private final byte[] nonce;
  private final byte[] userData;
  private final AttestationPurpose purpose;
  private final byte[] publicKey;
  private final Duration maxAge;

  private AttestationPolicy(Builder b) {
    this.pcrSets = Collections.unmodifiableList(new ArrayList<>(b.pcrSets));
    this.allowDebug = b.allowDebug;
    this.nonce = b.nonce;
    this.userData = b.userData;
    this.purpose = b.purpose;
    this.publicKey = b.publicKey;
    this.maxAge = b.maxAge;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this policy's settings, to derive a policy that expects more. */
  public Builder toBuilder() {
    Builder b = new Builder();
    pcrSets.forEach(b::addAllowedPcrSet);
    b.allowDebug = allowDebug;
    b.nonce = nonce;
    b.userData = userData;
    b.purpose = purpose;
    b.publicKey = publicKey;
    b.maxAge = maxAge;
    return b;
  }

  /** No PCR constraint and nothing expected; debug-mode documents are still refused. */
  public static AttestationPolicy any() {
    return ANY;
  }

  /**
   * Whether this policy pins the enclave image (at least one allowed PCR set, each including PCR0).
   * False for {@link #any()} and for a builder given no set: such a policy proves only that some
   * Nitro enclave made the document, not which one.
   */
  public boolean checksPcrs() {
    return !pcrSets.isEmpty();
  }

  public boolean allowsDebug() {
    return allowDebug;
  }

  /**
   * Reads PCRs from {@code nitro-cli build-enclave} / {@code describe-eif} output
   * ({@code {"Measurements":{"HashAlgorithm":"Sha384 { ... }","PCR0":"hex",...}}}) or from a bare
   * {@code {"PCR0":"hex",...}} object. Keys other than {@code PCRn} are ignored.
   *
   * @throws IllegalArgumentException if the JSON is malformed, holds no PCR0, or a value is not hex
   *     of 32, 48 or 64 bytes
   */
  public static Map<Integer, byte[]> pcrsFromNitroCliJson(String json) {
    CBORObject root = parseJson(json);
    if (root.getType() != CBORType.Map) {
      throw new IllegalArgumentException("PCR JSON: expected an object");
    }
    return pcrsFromObject(root);
  }

  /**
   * Like {@link #pcrsFromNitroCliJson(String)}, but also accepts a JSON array of such objects (one
   * allowed set per image version, for upgrades).
   */
  public static List<Map<Integer, byte[]>> pcrSetsFromJson(String json) {
    CBORObject root = parseJson(json);
    List<Map<Integer, byte[]>> out = new ArrayList<>();
    if (root.getType() == CBORType.Array) {
      if (root.size() == 0) {
        throw new IllegalArgumentException("PCR JSON: empty array");
      }
      for (int i = 0; i < root.size(); i++) {
        if (root.get(i).getType() != CBORType.Map) {
          throw new IllegalArgumentException("PCR JSON: element " + i + " is not an object");
        }
        try {
          out.add(pcrsFromObject(root.get(i)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("element " + i + ": " + e.getMessage(), e);
        }
      }
    } else if (root.getType() == CBORType.Map) {
      out.add(pcrsFromObject(root));
    } else {
      throw new IllegalArgumentException("PCR JSON: expected an object or an array of objects");
    }
    return out;
  }

  private static CBORObject parseJson(String json) {
    Objects.requireNonNull(json, "json");
    try {
      return CBORObject.FromJSONString(json.strip());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("PCR JSON: not valid JSON (" + e.getMessage() + ")");
    }
  }

  private static Map<Integer, byte[]> pcrsFromObject(CBORObject obj) {
    CBORObject m = obj.get("Measurements");
    if (m != null) {
      if (m.getType() != CBORType.Map) {
        throw new IllegalArgumentException("PCR JSON: Measurements is not an object");
      }
      obj = m;
    }
    SortedMap<Integer, byte[]> out = new TreeMap<>();
    for (CBORObject key : obj.getKeys()) {
      if (key.getType() != CBORType.TextString) {
        continue;
      }
      Matcher matcher = PCR_NAME.matcher(key.AsString());
      if (!matcher.matches()) {
        continue; // HashAlgorithm and anything else nitro-cli prints
      }
      int index = Integer.parseInt(matcher.group(1));
      if (index >= AttestationDocument.MAX_PCRS) {
        throw new IllegalArgumentException("PCR JSON: PCR" + index + " out of range 0..31");
      }
      CBORObject v = obj.get(key);
      if (v.getType() != CBORType.TextString) {
        throw new IllegalArgumentException("PCR JSON: PCR" + index + " is not a hex string");
      }
      byte[] value;
      try {
        value = HexFormat.of().parseHex(v.AsString().strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("PCR JSON: PCR" + index + " is not hex");
      }
      if (value.length != 32 && value.length != 48 && value.length != 64) {
        throw new IllegalArgumentException("PCR JSON: PCR" + index + " has " + value.length
            + " bytes, expected 32, 48 or 64");
      }
      out.put(index, value);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("PCR JSON: no PCRn entry found");
    }
    if (!out.containsKey(0)) {
      throw new IllegalArgumentException(NO_PCR0 + " (found " + out.keySet().stream()
          .map(i -> "PCR" + i).collect(java.util.stream.Collectors.joining(", ")) + ")");
    }
    return out;
  }

  /** Applies this policy to a document whose signature and chain have verified. */
  void check(AttestationDocument doc, java.time.Instant at) throws AttestationException {
    if (doc.isDebug() && !allowDebug) {
      throw new AttestationException(Reason.DEBUG_MODE,
          "PCR0 is all zeros: the enclave runs in debug mode (its memory is readable by the parent)");
    }
    if (!pcrSets.isEmpty()) {
      StringBuilder why = new StringBuilder();
      boolean matched = false;
      for (int i = 0; i < pcrSets.size() && !matched; i++) {
        Integer bad = firstMismatch(pcrSets.get(i), doc);
        if (bad == null) {
          matched = true;
        } else {
          if (why.length() > 0) {
            why.append("; ");
          }
          byte[] got = doc.pcrUnsafe(bad);
          why.append("set ").append(i + 1).append(": PCR").append(bad).append(" expected ")
              .append(HexFormat.of().formatHex(pcrSets.get(i).get(bad))).append(" got ")
              .append(got == null ? "(absent)" : HexFormat.of().formatHex(got));
        }
      }
      if (!matched) {
        throw new AttestationException(Reason.PCR_MISMATCH, "no allowed PCR set matches (" + why + ")");
      }
    }
    expect(nonce, doc.nonceUnsafe(), "nonce", Reason.NONCE_MISMATCH);
    if (purpose != null && !purpose.tags(doc.userDataUnsafe())) {
      throw new AttestationException(Reason.PURPOSE_MISMATCH, "user_data does not start with the "
          + purpose.label() + " tag: the document was not made for this purpose");
    }
    expect(userData, doc.userDataUnsafe(), "user_data", Reason.USER_DATA_MISMATCH);
    expect(publicKey, doc.publicKeyUnsafe(), "public_key", Reason.PUBLIC_KEY_MISMATCH);
    if (maxAge != null) {
      if (doc.timestamp().isAfter(at.plus(FUTURE_SKEW))) {
        throw new AttestationException(Reason.TIMESTAMP_IN_FUTURE,
            "timestamp " + doc.timestamp() + " is after the verification time " + at);
      }
      if (doc.timestamp().plus(maxAge).isBefore(at)) {
        throw new AttestationException(Reason.TOO_OLD, "timestamp " + doc.timestamp()
            + " is older than " + maxAge + " at " + at);
      }
    }
  }

  private static Integer firstMismatch(Map<Integer, byte[]> expected, AttestationDocument doc) {
    for (Map.Entry<Integer, byte[]> e : expected.entrySet()) {
      byte[] got = doc.pcrUnsafe(e.getKey());
      if (got == null || !Arrays.equals(got, e.getValue())) {
        return e.getKey();
      }
    }
    return null;
  }

  private static void expect(byte[] expected, byte[] got, String field, Reason reason)
      throws AttestationException {
    if (expected == null) {
      return;
    }
    if (got == null) {
      throw new AttestationException(reason, field + ": expected but absent from the document");
    }
    if (!java.security.MessageDigest.isEqual(expected, got)) {
      throw new AttestationException(reason, field + ": differs from the expected value");
    }
  }

  /** Builds a policy. Unset means "no constraint", except debug mode which is refused by default. */
  public static final class Builder {
    private final List<SortedMap<Integer, byte[]>> pcrSets = new ArrayList<>();
    private boolean allowDebug;
    private byte[] nonce;
    private byte[] userData;
    private AttestationPurpose purpose;
    private byte[] publicKey;
    private Duration maxAge;

    private Builder() {}

    /**
     * Replaces the allowed PCR sets: the document must match every PCR of at least one set.
     *
     * @throws IllegalArgumentException if the list is empty or a set is invalid (see
     *     {@link #addAllowedPcrSet})
     */
    public Builder allowedPcrSets(List<Map<Integer, byte[]>> sets) {
      if (sets.isEmpty()) {
        throw new IllegalArgumentException("no allowed PCR set given: an empty list would check"
            + " no PCR at all");
      }
      pcrSets.clear();
      for (Map<Integer, byte[]> s : sets) {
        addAllowedPcrSet(s);
      }
      return this;
    }

    /**
     * Adds an allowed PCR set: the document must match every PCR of at least one set.
     *
     * @throws IllegalArgumentException if the set is empty, lacks PCR0, or a value has a bad length
     */
    public Builder addAllowedPcrSet(Map<Integer, byte[]> set) {
      Objects.requireNonNull(set, "set");
      if (set.isEmpty()) {
        throw new IllegalArgumentException("an allowed PCR set must name at least one PCR");
      }
      if (!set.containsKey(0)) {
        throw new IllegalArgumentException(NO_PCR0);
      }
      SortedMap<Integer, byte[]> copy = new TreeMap<>();
      set.forEach((k, v) -> {
        if (k == null || k < 0 || k >= AttestationDocument.MAX_PCRS) {
          throw new IllegalArgumentException("PCR index out of range 0..31: " + k);
        }
        if (v == null || (v.length != 32 && v.length != 48 && v.length != 64)) {
          throw new IllegalArgumentException("PCR" + k + ": value must be 32, 48 or 64 bytes");
        }
        copy.put(k, v.clone());
      });
      pcrSets.add(copy);
      return this;
    }

    public Builder allowDebug(boolean allow) {
      this.allowDebug = allow;
      return this;
    }

    public Builder expectNonce(byte[] expected) {
      this.nonce = expected == null ? null : expected.clone();
      return this;
    }

    public Builder expectUserData(byte[] expected) {
      this.userData = expected == null ? null : expected.clone();
      return this;
    }

    /** The document's user_data must start with {@code expected}'s tag (null: no constraint). */
    public Builder expectPurpose(AttestationPurpose expected) {
      this.purpose = expected;
      return this;
    }

    /**
     * The document must be of purpose {@code expected} and its user_data exactly
     * {@code expected.wrap(content)} (tag followed by {@code content}; null or empty: the tag alone).
     */
    public Builder expectPurpose(AttestationPurpose expected, byte[] content) {
      this.purpose = Objects.requireNonNull(expected, "expected");
      this.userData = expected.wrap(content);
      return this;
    }

    public Builder expectPublicKey(byte[] expected) {
      this.publicKey = expected == null ? null : expected.clone();
      return this;
    }

    /** The document's timestamp must be no older than this at the verification time. */
    public Builder maxAge(Duration age) {
      if (age != null && age.isNegative()) {
        throw new IllegalArgumentException("maxAge must not be negative");
      }
      this.maxAge = age;
      return this;
    }

    public AttestationPolicy build() {
      return new AttestationPolicy(this);
    }
  }
}
