package io.nitrosign.enclave.kms;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the enclave reaches KMS. Part of the enclave's command line, hence of its measured image:
 * the untrusted parent does not choose it.
 *
 * @param region the AWS region, e.g. {@code eu-west-1}
 * @param endpointOverride a KMS endpoint other than {@code https://kms.<region>.amazonaws.com}
 *     (the devkit's local KMS, a FIPS endpoint)
 * @param vsockProxy when present, every connection to KMS goes over AF_VSOCK to the parent's
 *     vsock-proxy, which forwards the bytes to KMS; TLS runs inside the enclave on top
 */
public record KmsEndpointConfig(
    String region, Optional<URI> endpointOverride, Optional<VsockProxy> vsockProxy) {

  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

  public KmsEndpointConfig {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(endpointOverride, "endpointOverride");
    Objects.requireNonNull(vsockProxy, "vsockProxy");
    if (!REGION.matcher(region).matches()) {
      throw new IllegalArgumentException("not an AWS region name: " + region);
    }
    endpointOverride.ifPresent(uri -> {
      if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw new IllegalArgumentException("KMS endpoint must be an http(s) URL with a host");
      }
    });
    if (vsockProxy.isPresent() && endpointOverride.isPresent()
        && !"https".equals(endpointOverride.get().getScheme())) {
      throw new IllegalArgumentException("through the vsock proxy the KMS endpoint must be https");
    }
  }

  /** The host name TLS verifies: the override's host, or {@code kms.<region>.amazonaws.com}. */
  public String kmsHost() {
    return endpointOverride.map(URI::getHost).orElse("kms." + region + ".amazonaws.com");
  }

  /** The parent's vsock-proxy: context id (the parent is CID 3) and port (8000 by default). */
  public record VsockProxy(int cid, int port) {

    /** The parent instance's context id as seen from an enclave. */
    public static final int PARENT_CID = 3;
    /** The port the AWS vsock-proxy listens on by default. */
    public static final int DEFAULT_PORT = 8000;

    public VsockProxy {
      if (cid < 0) {
        throw new IllegalArgumentException("vsock CID must not be negative");
      }
      if (port <= 0) {
        throw new IllegalArgumentException("vsock port must be positive");
      }
    }

    /** Parses {@code CID:PORT}, e.g. {@code 3:8000}. */
    public static VsockProxy parse(String text) {
      int colon = text.indexOf(':');
      if (colon <= 0 || colon == text.length() - 1) {
        throw new IllegalArgumentException("expected CID:PORT");
      }
      try {
        return new VsockProxy(Integer.parseInt(text.substring(0, colon)),
            Integer.parseInt(text.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected CID:PORT with numbers");
      }
    }
  }
}
