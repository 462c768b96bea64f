package io.nitrosign.policy.payload;

import java.util.List;
import java.util.Map;

/**
 * A Stellar transaction envelope ({@code signTransaction} on a Stellar wallet). {@code network}
 * is the network passphrase. Accounts are strkeys ({@code G…}, {@code M…} when muxed); assets
 * {@code native}, {@code CODE:ISSUER} or {@code pool(A,B,fee)}; amounts are int64 stroops.
 */
public record StellarTransactionPayload(String envelopeType, String network, String sourceAccount,
    long fee, List<Operation> operations, Map<String, Object> extra, Map<String, Object> signed)
    implements Payload {

  /**
   * One operation: {@code type} in snake case ({@code payment}, {@code create_account},
   * {@code path_payment_strict_send}, ...); {@code destination}, {@code asset}, {@code amount}
   * null when the operation has none; {@code audit} the full decoded operation.
   */
  public record Operation(int index, String type, String sourceAccount, String destination,
      String asset, Long amount, Map<String, Object> audit) {}

  @Override
  public Map<String, Object> audit() {
    throw new UnsupportedOperationException("not yet");
  }
}
