package io.nitrosign.policy;

import com.esaulpaugh.headlong.abi.Function;
import io.nitrosign.policy.payload.Payload;
import io.nitrosign.policy.payload.TypedDataPayload;
import java.nio.BufferUnderflowException;
import java.util.HashMap;
import java.util.Map;

/**
 * One evaluation: the request, the context, and what is worked out at most once per request
 * however many conditions read it (the calldata decoded per function, the typed data's type
 * string).
 */
final class Eval {

  final PolicyRequest request;
  final Payload payload;
  final PolicyContext context;
  private Map<String, Object> decodedCalls;
  private Object typedDataType;

  Eval(PolicyRequest request, PolicyContext context) {
    this.request = request;
    this.payload = request == null ? null : request.payload();
    this.context = context == null ? PolicyContext.EMPTY : context;
  }

  /**
   * The calldata decoded as a call of {@code function} (whose selector it starts with): the
   * arguments, or {@link FieldType#UNKNOWN} when the bytes are not a valid encoding of them.
   */
  Object decodedCall(Function function, byte[] data) {
    if (decodedCalls == null) {
      decodedCalls = new HashMap<>(4);
    }
    String key = function.getCanonicalSignature();
    Object cached = decodedCalls.get(key);
    if (cached == null) {
      try {
        cached = function.decodeCall(data);
      } catch (IllegalArgumentException | BufferUnderflowException e) {
        // headlong refuses a non-canonical or truncated encoding (IllegalArgumentException; a
        // length past the end can surface as BufferUnderflowException)
        cached = FieldType.UNKNOWN;
      }
      decodedCalls.put(key, cached);
    }
    return cached;
  }

  /** The request's typed-data {@code encodeType} of its primary type; null when not typed data. */
  String typedDataType() {
    if (typedDataType == null) {
      String t = payload instanceof TypedDataPayload td
          ? TypedDataPath.encodeType(td.types(), td.primaryType()) : null;
      typedDataType = t == null ? FieldType.UNKNOWN : t;
    }
    return typedDataType instanceof String s ? s : null;
  }
}
