package io.nitrosign.attestation;

import com.upokecenter.cbor.CBOREncodeOptions;
import com.upokecenter.cbor.CBORObject;
import com.upokecenter.cbor.CBORType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An AWS Nitro Enclaves attestation document, parsed but <b>not verified</b>: nothing here says the
 * document is genuine. Use {@link AttestationVerifier} for that.
 *
 * <p>The format is a COSE_Sign1 (RFC 9052), tagged (CBOR tag 18) or untagged, whose payload is a
 * CBOR map with the fields {@code module_id, digest, timestamp, pcrs, certificate, cabundle,
 * public_key, user_data, nonce}. Parsing is strict: wrong types, unknown payload fields, duplicate
 * map keys, CBOR tags inside, trailing bytes and oversized fields are refused.
 */
public final class AttestationDocument {

  /** Largest accepted document (the whole COSE_Sign1). Real documents with every optional field at 1024 bytes are about 7.5 KiB. */
  public static final int MAX_DOCUMENT_BYTES = 16 * 1024;
  /** Largest accepted {@code public_key}, {@code user_data} or {@code nonce}: real NSMs sign 1024 bytes. */
  public static final int MAX_OPTIONAL_FIELD_BYTES = 1024;
  public static final int MAX_PCRS = 32;
  public static final int MAX_CABUNDLE = 8;
  public static final int MAX_CERTIFICATE_BYTES = 4 * 1024;
  public static final int MAX_MODULE_ID_CHARS = 256;
  /** COSE algorithm identifier of ES384 (ECDSA P-384 with SHA-384). */
  public static final int COSE_ALG_ES384 = -35;
  static final int COSE_SIGN1_TAG = 18;
  static final int SIGNATURE_BYTES = 96;

  private static final Set<String> FIELDS = Set.of("module_id", "digest", "timestamp", "pcrs",
      "certificate", "cabundle", "public_key", "user_data", "nonce");
  // duplicate keys are an error; keep decoding otherwise default
  private static final CBOREncodeOptions DECODE = new CBOREncodeOptions("allowduplicatekeys=false");

  private final byte[] protectedHeader;
  private final byte[] payload;
  private final byte[] signature;
  private final String moduleId;
  private final String digest;
  private final Instant timestamp;
  private final SortedMap<Integer, byte[]> pcrs;
  private final byte[] certificate;
  private final List<byte[]> cabundle;
  private final byte[] publicKey;
  private final byte[] userData;
  private final byte[] nonce;

  private AttestationDocument(byte[] protectedHeader, byte[] payload, byte[] signature,
      String moduleId, String digest, Instant timestamp, SortedMap<Integer, byte[]> pcrs,
      byte[] certificate, List<byte[]> cabundle, byte[] publicKey, byte[] userData, byte[] nonce) {
    this.protectedHeader = protectedHeader;
    this.payload = payload;
    this.signature = signature;
    this.moduleId = moduleId;
    this.digest = digest;
    this.timestamp = timestamp;
    this.pcrs = pcrs;
    this.certificate = certificate;
    this.cabundle = cabundle;
    this.publicKey = publicKey;
    this.userData = userData;
    this.nonce = nonce;
  }

  /** Parses a COSE_Sign1 attestation document without verifying anything cryptographic. */
  public static AttestationDocument parseUnverified(byte[] coseSign1) throws AttestationException {
    if (coseSign1 == null || coseSign1.length == 0) {
      throw new AttestationException(Reason.MALFORMED, "document: empty");
    }
    if (coseSign1.length > MAX_DOCUMENT_BYTES) {
      throw new AttestationException(Reason.TOO_LARGE,
          "document: " + coseSign1.length + " bytes, at most " + MAX_DOCUMENT_BYTES);
    }
    CBORObject cose = decode(coseSign1, "COSE_Sign1");
    if (cose.isTagged()) {
      if (!cose.HasMostOuterTag(COSE_SIGN1_TAG)) {
        throw new AttestationException(Reason.MALFORMED,
            "COSE_Sign1: unexpected CBOR tag " + cose.getMostOuterTag() + " (only 18 is allowed)");
      }
      cose = cose.UntagOne();
      if (cose.isTagged()) {
        throw new AttestationException(Reason.MALFORMED, "COSE_Sign1: more than one tag");
      }
    }
    if (cose.getType() != CBORType.Array || cose.size() != 4) {
      throw new AttestationException(Reason.MALFORMED, "COSE_Sign1: not an array of 4 items");
    }
    byte[] protectedHeader = bstr(cose.get(0), "COSE_Sign1 protected header");
    checkProtectedHeader(protectedHeader);
    CBORObject unprotected = cose.get(1);
    if (unprotected.isTagged() || unprotected.getType() != CBORType.Map) {
      throw new AttestationException(Reason.MALFORMED, "COSE_Sign1 unprotected header: not a map");
    }
    byte[] payload = bstr(cose.get(2), "COSE_Sign1 payload");
    byte[] signature = bstr(cose.get(3), "COSE_Sign1 signature");
    if (signature.length != SIGNATURE_BYTES) {
      throw new AttestationException(Reason.MALFORMED, "COSE_Sign1 signature: " + signature.length
          + " bytes, expected " + SIGNATURE_BYTES + " (ES384 r||s)");
    }

    CBORObject map = decode(payload, "payload");
    if (map.isTagged() || map.getType() != CBORType.Map) {
      throw new AttestationException(Reason.MALFORMED, "payload: not a map");
    }
    for (CBORObject key : map.getKeys()) {
      if (key.isTagged() || key.getType() != CBORType.TextString) {
        throw new AttestationException(Reason.MALFORMED, "payload: a key is not a text string");
      }
      if (!FIELDS.contains(key.AsString())) {
        throw new AttestationException(Reason.MALFORMED,
            "payload: unknown field " + printable(key.AsString()));
      }
    }
    String moduleId = text(required(map, "module_id"), "module_id");
    if (moduleId.isEmpty()) {
      throw new AttestationException(Reason.MALFORMED, "module_id: empty");
    }
    if (moduleId.length() > MAX_MODULE_ID_CHARS) {
      throw new AttestationException(Reason.TOO_LARGE, "module_id: longer than " + MAX_MODULE_ID_CHARS);
    }
    String digest = text(required(map, "digest"), "digest");
    if (!digest.equals("SHA384")) {
      throw new AttestationException(Reason.UNSUPPORTED_ALGORITHM,
          "digest: " + printable(digest) + ", expected SHA384");
    }
    Instant timestamp = timestamp(required(map, "timestamp"));
    SortedMap<Integer, byte[]> pcrs = pcrs(required(map, "pcrs"));
    byte[] certificate = bstr(required(map, "certificate"), "certificate");
    if (certificate.length == 0) {
      throw new AttestationException(Reason.MALFORMED, "certificate: empty");
    }
    if (certificate.length > MAX_CERTIFICATE_BYTES) {
      throw new AttestationException(Reason.TOO_LARGE,
          "certificate: " + certificate.length + " bytes, at most " + MAX_CERTIFICATE_BYTES);
    }
    List<byte[]> cabundle = cabundle(required(map, "cabundle"));
    byte[] publicKey = optional(map, "public_key");
    byte[] userData = optional(map, "user_data");
    byte[] nonce = optional(map, "nonce");
    return new AttestationDocument(protectedHeader, payload, signature, moduleId, digest,
        timestamp, pcrs, certificate, cabundle, publicKey, userData, nonce);
  }

  private static CBORObject decode(byte[] bytes, String what) throws AttestationException {
    try {
      // DecodeFromBytes refuses bytes left over after the first item
      return CBORObject.DecodeFromBytes(bytes, DECODE);
    } catch (RuntimeException e) {
      // the CBOR library signals malformed input with CBORException and, for a few shapes,
      // other runtime exceptions; all of them mean "not a well-formed item" here
      throw new AttestationException(Reason.MALFORMED,
          what + ": not one well-formed CBOR item (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static void checkProtectedHeader(byte[] bytes) throws AttestationException {
    if (bytes.length == 0) {
      throw new AttestationException(Reason.MALFORMED, "protected header: empty (alg missing)");
    }
    CBORObject h = decode(bytes, "protected header");
    if (h.isTagged() || h.getType() != CBORType.Map) {
      throw new AttestationException(Reason.MALFORMED, "protected header: not a map");
    }
    if (h.ContainsKey(CBORObject.FromObject(2))) {
      throw new AttestationException(Reason.MALFORMED, "protected header: crit parameters are not supported");
    }
    CBORObject alg = h.get(CBORObject.FromObject(1));
    if (alg == null) {
      throw new AttestationException(Reason.MALFORMED, "protected header: alg missing");
    }
    if (alg.isTagged() || alg.getType() != CBORType.Integer || !alg.CanValueFitInInt64()
        || alg.AsInt64Value() != COSE_ALG_ES384) {
      throw new AttestationException(Reason.UNSUPPORTED_ALGORITHM,
          "protected header alg: " + (alg.getType() == CBORType.Integer ? alg.AsEIntegerValue() : alg.getType())
              + ", only ES384 (-35) is accepted");
    }
  }

  private static CBORObject required(CBORObject map, String field) throws AttestationException {
    CBORObject v = map.get(field);
    if (v == null) {
      throw new AttestationException(Reason.MALFORMED, field + ": missing");
    }
    if (v.isTagged()) {
      throw new AttestationException(Reason.MALFORMED, field + ": unexpected CBOR tag");
    }
    return v;
  }

  private static byte[] optional(CBORObject map, String field) throws AttestationException {
    CBORObject v = map.get(field);
    if (v == null) {
      return null;
    }
    if (v.isTagged()) {
      throw new AttestationException(Reason.MALFORMED, field + ": unexpected CBOR tag");
    }
    if (v.isNull()) {
      return null;
    }
    byte[] b = bstr(v, field);
    if (b.length > MAX_OPTIONAL_FIELD_BYTES) {
      throw new AttestationException(Reason.TOO_LARGE,
          field + ": " + b.length + " bytes, at most " + MAX_OPTIONAL_FIELD_BYTES);
    }
    return b;
  }

  private static byte[] bstr(CBORObject o, String field) throws AttestationException {
    if (o.isTagged() || o.getType() != CBORType.ByteString) {
      throw new AttestationException(Reason.MALFORMED, field + ": not a byte string");
    }
    return o.GetByteString();
  }

  private static String text(CBORObject o, String field) throws AttestationException {
    if (o.getType() != CBORType.TextString) {
      throw new AttestationException(Reason.MALFORMED, field + ": not a text string");
    }
    return o.AsString();
  }

  private static Instant timestamp(CBORObject o) throws AttestationException {
    if (o.getType() != CBORType.Integer || o.isNegative() || !o.CanValueFitInInt64()) {
      throw new AttestationException(Reason.MALFORMED,
          "timestamp: not an unsigned integer of milliseconds");
    }
    return Instant.ofEpochMilli(o.AsInt64Value());
  }

  private static SortedMap<Integer, byte[]> pcrs(CBORObject o) throws AttestationException {
    if (o.getType() != CBORType.Map) {
      throw new AttestationException(Reason.MALFORMED, "pcrs: not a map");
    }
    if (o.size() == 0) {
      throw new AttestationException(Reason.MALFORMED, "pcrs: empty");
    }
    if (o.size() > MAX_PCRS) {
      throw new AttestationException(Reason.TOO_LARGE, "pcrs: " + o.size() + " entries, at most " + MAX_PCRS);
    }
    SortedMap<Integer, byte[]> out = new TreeMap<>();
    for (Map.Entry<CBORObject, CBORObject> e : o.getEntries()) {
      CBORObject k = e.getKey();
      if (k.isTagged() || k.getType() != CBORType.Integer || !k.CanValueFitInInt32()
          || k.AsInt32Value() < 0 || k.AsInt32Value() >= MAX_PCRS) {
        throw new AttestationException(Reason.MALFORMED, "pcrs: an index is not an integer in 0..31");
      }
      int index = k.AsInt32Value();
      byte[] v = bstr(e.getValue(), "PCR" + index);
      if (v.length != 32 && v.length != 48 && v.length != 64) {
        throw new AttestationException(Reason.MALFORMED,
            "PCR" + index + ": " + v.length + " bytes, expected 32, 48 or 64");
      }
      out.put(index, v);
    }
    if (!out.containsKey(0)) {
      throw new AttestationException(Reason.MALFORMED, "pcrs: PCR0 missing");
    }
    return out;
  }

  private static List<byte[]> cabundle(CBORObject o) throws AttestationException {
    if (o.getType() != CBORType.Array) {
      throw new AttestationException(Reason.MALFORMED, "cabundle: not an array");
    }
    if (o.size() == 0) {
      throw new AttestationException(Reason.MALFORMED, "cabundle: empty");
    }
    if (o.size() > MAX_CABUNDLE) {
      throw new AttestationException(Reason.TOO_LARGE,
          "cabundle: " + o.size() + " certificates, at most " + MAX_CABUNDLE);
    }
    List<byte[]> out = new ArrayList<>(o.size());
    for (int i = 0; i < o.size(); i++) {
      byte[] c = bstr(o.get(i), "cabundle[" + i + "]");
      if (c.length == 0) {
        throw new AttestationException(Reason.MALFORMED, "cabundle[" + i + "]: empty");
      }
      if (c.length > MAX_CERTIFICATE_BYTES) {
        throw new AttestationException(Reason.TOO_LARGE,
            "cabundle[" + i + "]: " + c.length + " bytes, at most " + MAX_CERTIFICATE_BYTES);
      }
      out.add(c);
    }
    return Collections.unmodifiableList(out);
  }

  private static String printable(String s) {
    String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    StringBuilder b = new StringBuilder("\"");
    for (char c : t.toCharArray()) {
      b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return b.append('"').toString();
  }

  /** The COSE Sig_structure {@code ["Signature1", protected, h'', payload]} the signature covers. */
  byte[] sigStructure() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + protectedHeader.length + 32);
    out.write(0x84); // array(4)
    byte[] context = "Signature1".getBytes(StandardCharsets.US_ASCII);
    header(out, 3, context.length);
    out.writeBytes(context);
    header(out, 2, protectedHeader.length);
    out.writeBytes(protectedHeader);
    header(out, 2, 0); // external_aad = h''
    header(out, 2, payload.length);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private static void header(ByteArrayOutputStream out, int major, int length) {
    int mt = major << 5;
    if (length < 24) {
      out.write(mt | length);
    } else if (length < 0x100) {
      out.write(mt | 24);
      out.write(length);
    } else if (length < 0x10000) {
      out.write(mt | 25);
      out.write(length >>> 8);
      out.write(length);
    } else {
      out.write(mt | 26);
      out.write(length >>> 24);
      out.write(length >>> 16);
      out.write(length >>> 8);
      out.write(length);
    }
  }

  byte[] signatureBytes() {
    return signature.clone();
  }

  public String moduleId() {
    return moduleId;
  }

  public String digest() {
    return digest;
  }

  public Instant timestamp() {
    return timestamp;
  }

  /** PCR index to value; a fresh copy on each call. */
  public SortedMap<Integer, byte[]> pcrs() {
    SortedMap<Integer, byte[]> copy = new TreeMap<>();
    pcrs.forEach((k, v) -> copy.put(k, v.clone()));
    return copy;
  }

  /** The leaf certificate (DER) whose key signed the document. */
  public byte[] certificate() {
    return certificate.clone();
  }

  /** The CA bundle (DER each), root first, then intermediates; the last one issued {@link #certificate()}. */
  public List<byte[]> cabundle() {
    List<byte[]> copy = new ArrayList<>(cabundle.size());
    cabundle.forEach(c -> copy.add(c.clone()));
    return Collections.unmodifiableList(copy);
  }

  public Optional<byte[]> publicKey() {
    return Optional.ofNullable(publicKey).map(byte[]::clone);
  }

  public Optional<byte[]> userData() {
    return Optional.ofNullable(userData).map(byte[]::clone);
  }

  public Optional<byte[]> nonce() {
    return Optional.ofNullable(nonce).map(byte[]::clone);
  }

  /** True when PCR0 is all zeros: the enclave runs in debug mode and its memory is readable by the parent. */
  public boolean isDebug() {
    for (byte b : pcrs.get(0)) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  byte[] pcrUnsafe(int index) {
    return pcrs.get(index);
  }

  byte[] publicKeyUnsafe() {
    return publicKey;
  }

  byte[] userDataUnsafe() {
    return userData;
  }

  byte[] nonceUnsafe() {
    return nonce;
  }

  @Override
  public String toString() {
    return "AttestationDocument[UNVERIFIED module_id=" + moduleId + ", timestamp=" + timestamp
        + ", pcrs=" + pcrs.size() + ", debug=" + isDebug() + "]";
  }
}
