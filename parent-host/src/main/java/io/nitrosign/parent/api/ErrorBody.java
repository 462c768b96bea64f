package io.nitrosign.parent.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code {"error":"<human message>","code":"<typed_code>"}}: Privy's error string plus our code. */
public record ErrorBody(@JsonProperty("error") String error, @JsonProperty("code") String code) {}
