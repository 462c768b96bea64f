package io.nitrosign.parent.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.AssertTrue;
import java.nio.charset.StandardCharsets;

/**
 * {@code admin:} in the YAML. {@code taskToken}: the bearer token that admin tasks
 * (POST /tasks/NAME on the admin port) require, at least 32 bytes, normally
 * {@code ${NITROSIGN_ADMIN_TASK_TOKEN}} from the environment. Empty (the default): every task is
 * refused. The token is never logged or printed.
 */
public class AdminConfiguration {

  public static final int MIN_TOKEN_BYTES = 32;

  private String taskToken = "";

  @JsonProperty("taskToken")
  public void setTaskToken(String taskToken) {
    this.taskToken = taskToken == null ? "" : taskToken;
  }

  /** Not a JSON getter: the token must never be serialized back (e.g. into a config dump). */
  public String taskToken() {
    return taskToken;
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  @AssertTrue(message = "admin.taskToken must be empty (tasks refused) or at least 32 bytes")
  public boolean isTaskTokenLongEnoughOrEmpty() {
    return taskToken.isEmpty()
        || taskToken.getBytes(StandardCharsets.UTF_8).length >= MIN_TOKEN_BYTES;
  }

  @Override
  public String toString() {
    return "AdminConfiguration{taskToken=" + (taskToken.isEmpty() ? "<none>" : "<set>") + "}";
  }
}
