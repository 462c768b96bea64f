package io.nitrosign.parent.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * {@code {"error":"<human message>","code":"<typed_code>"}}: Privy's error string plus our code;
 * for a body that is not valid where a JSON path can say so (a policy, rule or condition), also
 * {@code "path"} ({@code rules[2].conditions[0].value}), absent otherwise.
 */
@JsonPropertyOrder({"error", "code", "path"})
public record ErrorBody(@JsonProperty("error") String error, @JsonProperty("code") String code,
    @JsonProperty("path") @JsonInclude(JsonInclude.Include.NON_NULL) String path) {

  public ErrorBody(String error, String code) {
    this(error, code, null);
  }
}
