package io.nitrosign.parent.idempotency;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Opts a resource method (a POST that creates or signs) in to {@code privy-idempotency-key}:
 * {@link IdempotencyFilter} is bound to exactly the methods carrying this annotation, so adding it
 * is all a new endpoint does, e.g. {@code @POST @Idempotent @Path("{id}/raw_sign")}. Requests
 * without the header are untouched.
 *
 * <p>The response of an annotated method is stored for 24 hours: never annotate a method whose
 * answer must not be kept, such as key export (its answer is the wrapped private key).
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Idempotent {

  /**
   * True for the signing endpoints, whose requests keep a persisted state machine
   * ({@link SignRequests}) and store their answer in the transaction of their audit row: a retry
   * may take over an attempt whose lease lapsed and run the request again, since nothing the
   * lost attempt did was released. Other endpoints answer such a retry "outcome unknown".
   */
  boolean resumable() default false;
}
