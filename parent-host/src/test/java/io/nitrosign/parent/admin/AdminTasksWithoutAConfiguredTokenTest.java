package io.nitrosign.parent.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.nitrosign.parent.ParentHostApplication;
import io.nitrosign.parent.ParentHostConfiguration;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** With no admin.taskToken the application starts, and refuses every task. */
@ExtendWith(DropwizardExtensionsSupport.class)
class AdminTasksWithoutAConfiguredTokenTest {

  private static final DropwizardAppExtension<ParentHostConfiguration> APP =
      new DropwizardAppExtension<>(ParentHostApplication.class, AdminTasksNeedATokenTest.config(""));

  @Test
  void everyTaskIsForbiddenEvenWithSomeBearerToken() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (String auth : new String[] {"", "Bearer ", "Bearer " + AdminTasksNeedATokenTest.TOKEN}) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + APP.getAdminPort() + "/tasks/rotate-sealing-keys"))
          .POST(HttpRequest.BodyPublishers.noBody());
      if (!auth.isEmpty()) {
        b.header("Authorization", auth);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(403, r.statusCode(), r.body());
      assertTrue(r.body().contains("no admin.taskToken"), r.body());
    }
  }

  @Test
  void aTokenShorterThan32BytesIsAConfigurationError() {
    Validator v = Validation.buildDefaultValidatorFactory().getValidator();
    AdminConfiguration c = new AdminConfiguration();
    c.setTaskToken("x".repeat(31));
    assertFalse(v.validate(c).isEmpty());
    c.setTaskToken("x".repeat(32));
    assertTrue(v.validate(c).isEmpty());
    c.setTaskToken("");
    assertTrue(v.validate(c).isEmpty());
  }

  @Test
  void theTokenIsNotInTheConfigurationsStringForm() {
    AdminConfiguration c = new AdminConfiguration();
    c.setTaskToken(AdminTasksNeedATokenTest.TOKEN);
    assertFalse(c.toString().contains(AdminTasksNeedATokenTest.TOKEN));
  }
}
