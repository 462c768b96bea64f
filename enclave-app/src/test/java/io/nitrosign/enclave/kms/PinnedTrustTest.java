package io.nitrosign.enclave.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.proto.v1.ErrorCode;
import java.net.InetAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.apache.http.protocol.BasicHttpContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The enclave's TLS to KMS trusts only the pinned roots: a KMS (here {@link KmsTestPeer} on
 * HTTPS) whose certificate a CA that is not pinned issued is refused before any request is sent,
 * on the direct https route and on the TLS layer of the vsock route alike.
 */
class PinnedTrustTest {

  private static final String AUTH_KEY =
      "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  private static final Map<String, String> CONTEXT =
      Map.of("deployment", "d", "kind", "auth", "version", "1");

  private TlsTestCa pinnedCa;
  private TlsTestCa otherCa;
  private CredentialsHolder credentials;

  @BeforeEach
  void setUp() throws Exception {
    pinnedCa = new TlsTestCa("nitrosign test pinned CA");
    otherCa = new TlsTestCa("nitrosign test other CA");
    credentials = new CredentialsHolder(Clock.systemUTC());
    credentials.set(CredentialsHolderTest.creds(Instant.now().plus(Duration.ofHours(1))));
  }

  private AttestedKmsClient client(KmsTestPeer peer, PinnedTrust trust) {
    return AttestedKmsClient.create(
        new KmsEndpointConfig("eu-west-1", Optional.of(peer.endpoint()), Optional.empty()),
        credentials, new TestOnlyNsmDevice(), new SecureRandom(), trust);
  }

  @Test
  void theProductionPinsAreTheFiveAmazonTrustServicesRootsWithTheirRecordedFingerprints() {
    List<X509Certificate> roots = PinnedTrust.amazonRoots().anchors();
    assertEquals(5, roots.size());
    Set<String> names = roots.stream().map(c -> c.getSubjectX500Principal().getName())
        .collect(Collectors.toSet());
    for (String cn : List.of("CN=Amazon Root CA 1", "CN=Amazon Root CA 2", "CN=Amazon Root CA 3",
        "CN=Amazon Root CA 4", "CN=Starfield Services Root Certificate Authority - G2")) {
      assertTrue(names.stream().anyMatch(n -> n.contains(cn)), cn + " in " + names);
    }
    Set<String> fingerprints = roots.stream().map(PinnedTrust::fingerprint)
        .collect(Collectors.toSet());
    assertEquals(Set.copyOf(PinnedTrust.AMAZON_ROOTS.values()), fingerprints);
  }

  @Test
  void aKmsWhoseCertificateIsFromTheTestCaThatIsPinnedIsAccepted() throws Exception {
    try (KmsTestPeer peer = new KmsTestPeer(pinnedCa.serverContext());
        AttestedKmsClient client = client(peer, PinnedTrust.of(List.of(pinnedCa.certificate())))) {
      try (AttestedKmsClient.DataKey key = client.generateDataKey(AUTH_KEY, CONTEXT);
          SecretBytes again = client.decrypt(AUTH_KEY, key.ciphertextBlob(), CONTEXT)) {
        assertEquals(32, again.length());
      }
      assertEquals(2, peer.requests().size());
    }
  }

  @Test
  void aKmsWhoseCertificateIsFromACaThatIsNotPinnedIsRefusedBeforeAnyRequest() throws Exception {
    try (KmsTestPeer peer = new KmsTestPeer(otherCa.serverContext());
        AttestedKmsClient client = client(peer, PinnedTrust.of(List.of(pinnedCa.certificate())))) {
      EnclaveException e = assertThrows(EnclaveException.class,
          () -> client.generateDataKey(AUTH_KEY, CONTEXT));
      assertEquals(ErrorCode.KMS_ERROR, e.code());
      assertEquals("kms unreachable", e.detail());
      assertEquals(0, peer.requests().size());
    }
  }

  @Test
  void theDefaultClientTrustsOnlyTheAmazonRootsNotTheTestCa() throws Exception {
    try (KmsTestPeer peer = new KmsTestPeer(pinnedCa.serverContext());
        AttestedKmsClient client = AttestedKmsClient.create(
            new KmsEndpointConfig("eu-west-1", Optional.of(peer.endpoint()), Optional.empty()),
            credentials, new TestOnlyNsmDevice(), new SecureRandom())) {
      EnclaveException e = assertThrows(EnclaveException.class,
          () -> client.generateDataKey(AUTH_KEY, CONTEXT));
      assertEquals("kms unreachable", e.detail());
      assertEquals(0, peer.requests().size());
    }
  }

  @Test
  void theVsockRoutesTlsLayerAcceptsOnlyAServerFromThePinnedCa() throws Exception {
    KmsEndpointConfig.VsockProxy proxy = new KmsEndpointConfig.VsockProxy(3, 8000);
    PinnedTrust pinned = PinnedTrust.of(List.of(pinnedCa.certificate()));
    // the TLS layer is what runs on top of the vsock stream; here it runs on loopback TCP
    try (KmsTestPeer good = new KmsTestPeer(pinnedCa.serverContext());
        KmsTestPeer bad = new KmsTestPeer(otherCa.serverContext())) {
      VsockTlsSocketFactory f =
          new VsockTlsSocketFactory(pinned.sslContext(new SecureRandom()), proxy, "127.0.0.1");
      int goodPort = good.endpoint().getPort();
      try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), goodPort);
          Socket tls = f.createLayeredSocket(tcp, "127.0.0.1", goodPort, new BasicHttpContext())) {
        assertTrue(((SSLSocket) tls).getSession().isValid());
      }
      int badPort = bad.endpoint().getPort();
      try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), badPort)) {
        assertThrows(SSLException.class,
            () -> f.createLayeredSocket(tcp, "127.0.0.1", badPort, new BasicHttpContext()));
      }
    }
  }
}
