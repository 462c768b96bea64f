package io.nitrosign.parent.auth;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Opts a resource method (or every method of a resource class) out of app authentication. Every
 * other route of the application port requires HTTP Basic app credentials: authentication is the
 * default, decided on the route Jersey actually matched, never on the raw path. Nothing carries
 * this annotation today; health and ping live on the admin port.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface PublicEndpoint {}
