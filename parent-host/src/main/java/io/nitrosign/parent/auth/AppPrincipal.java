package io.nitrosign.parent.auth;

import io.nitrosign.parent.app.App;
import java.security.Principal;

/** The authenticated app of a request. */
public record AppPrincipal(App app) implements Principal {
  @Override
  public String getName() {
    return app.id();
  }
}
