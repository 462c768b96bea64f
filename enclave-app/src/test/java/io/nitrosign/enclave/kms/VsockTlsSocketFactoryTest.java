package io.nitrosign.enclave.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.wire.vsock.VsockSelectorProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.http.HttpHost;
import org.apache.http.protocol.BasicHttpContext;
import org.junit.jupiter.api.Test;

/**
 * The AF_VSOCK + TLS route to KMS. This build machine can create AF_VSOCK sockets but has no
 * vsock peer (no parent, no loopback), so a connect to the parent's proxy must fail promptly
 * with an IOException; the TLS layer on top is the JDK's and is exercised in production.
 */
class VsockTlsSocketFactoryTest {

  private static final KmsEndpointConfig.VsockProxy PROXY = new KmsEndpointConfig.VsockProxy(3, 8000);
  private static final String HOST = "kms.eu-west-1.amazonaws.com";

  private static VsockTlsSocketFactory factory() throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, null, new SecureRandom());
    return new VsockTlsSocketFactory(tls, PROXY, HOST);
  }

  @Test
  void parsesProxyAndDerivesKmsHost() {
    assertEquals(PROXY, KmsEndpointConfig.VsockProxy.parse("3:8000"));
    assertThrows(IllegalArgumentException.class, () -> KmsEndpointConfig.VsockProxy.parse("3"));
    assertThrows(IllegalArgumentException.class, () -> KmsEndpointConfig.VsockProxy.parse("x:1"));
    assertThrows(IllegalArgumentException.class, () -> KmsEndpointConfig.VsockProxy.parse("3:0"));
    KmsEndpointConfig c = new KmsEndpointConfig("eu-west-1", Optional.empty(), Optional.of(PROXY));
    assertEquals(HOST, c.kmsHost());
    assertThrows(IllegalArgumentException.class,
        () -> new KmsEndpointConfig("Europe", Optional.empty(), Optional.empty()));
    assertThrows(IllegalArgumentException.class, () -> new KmsEndpointConfig("eu-west-1",
        Optional.of(java.net.URI.create("http://kms.local")), Optional.of(PROXY)));
  }

  @Test
  void resolvesOnlyTheKmsHostAndWithoutDns() throws Exception {
    VsockTlsSocketFactory f = factory();
    InetAddress[] a = f.dnsResolver().resolve("KMS.eu-west-1.amazonaws.com");
    assertEquals(1, a.length);
    assertArrayEquals(new byte[4], a[0].getAddress());
    assertThrows(UnknownHostException.class, () -> f.dnsResolver().resolve("example.com"));
  }

  @Test
  void refusesAnyOtherHostBeforeConnecting() throws Exception {
    VsockTlsSocketFactory f = factory();
    assertThrows(IOException.class, () -> f.connectSocket(1000, null,
        new HttpHost("evil.example.com", 443, "https"), null, null, new BasicHttpContext()));
  }

  @Test
  void connectToTheParentProxyFailsCleanlyHere() throws Exception {
    assumeTrue(VsockSelectorProvider.isSupported(), "no AF_VSOCK support on this machine");
    VsockTlsSocketFactory f = factory();
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      Socket s = f.createSocket(new BasicHttpContext());
      assertThrows(IOException.class, () -> f.connectSocket(2000, s,
          new HttpHost(HOST, 443, "https"), null, null, new BasicHttpContext()));
    });
  }

  @Test
  void theSdkClientGoesThroughTheVsockRouteAndFailsTyped() throws Exception {
    assumeTrue(VsockSelectorProvider.isSupported(), "no AF_VSOCK support on this machine");
    CredentialsHolder credentials = new CredentialsHolder(Clock.systemUTC());
    credentials.set(CredentialsHolderTest.creds(Instant.now().plus(Duration.ofHours(1))));
    TestOnlyNsmDevice nsm = new TestOnlyNsmDevice();
    try (AttestedKmsClient client = AttestedKmsClient.create(
        new KmsEndpointConfig("eu-west-1", Optional.empty(), Optional.of(PROXY)), credentials, nsm,
        new SecureRandom())) {
      assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
        EnclaveException e = assertThrows(EnclaveException.class,
            () -> client.generateDataKey(
                "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                java.util.Map.of("deployment", "d", "kind", "auth", "version", "1")));
        assertEquals(ErrorCode.KMS_ERROR, e.code());
        assertEquals("kms unreachable", e.detail());
      });
    }
  }
}
