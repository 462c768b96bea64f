package io.nitrosign.parent.api;

import io.dropwizard.jersey.setup.JerseyEnvironment;

/** Registers the API's error handling: one exception type, one mapper, plus safety nets. */
public final class ApiModule {
  private ApiModule() {}

  public static void install(JerseyEnvironment jersey) {
    jersey.register(new ApiExceptionMapper());
    jersey.register(new WebApplicationExceptionMapper());
    jersey.register(new JsonProcessingExceptionMapper());
    jersey.register(new UnexpectedExceptionMapper());
  }
}
