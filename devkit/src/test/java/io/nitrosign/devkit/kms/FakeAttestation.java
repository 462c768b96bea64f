package io.nitrosign.devkit.kms;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/**
 * A test {@link AttestationCheck}: the "document" is the text {@code doc|<pcr0 hex>|<epoch
 * seconds>}, and the recipient key is one RSA key pair made per instance. The attestation
 * verifier itself is tested in the attestation module; here the unit under test is the KMS.
 */
final class FakeAttestation implements AttestationCheck {

  final KeyPair recipient;

  FakeAttestation() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      recipient = g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] document(String pcr0Hex, Instant at) {
    return ("doc|" + pcr0Hex + "|" + at.getEpochSecond()).getBytes(StandardCharsets.US_ASCII);
  }

  static String pcr0(int seed) {
    return String.format("%02x", seed).repeat(48);
  }

  @Override
  public AttestedRecipient check(byte[] document, Instant now) throws Rejected {
    String[] parts = new String(document, StandardCharsets.US_ASCII).split("\\|");
    if (parts.length != 3 || !parts[0].equals("doc")) {
      throw new Rejected("COSE signature does not verify");
    }
    return new AttestedRecipient(Map.of(0, HexFormat.of().parseHex(parts[1]),
        1, new byte[48], 2, new byte[48]), recipient.getPublic().getEncoded(),
        Instant.ofEpochSecond(Long.parseLong(parts[2])));
  }
}
