package io.nitrosign.policy.payload;

import java.util.List;
import java.util.Map;

/**
 * A Bitcoin PSBT ({@code signPsbt}). {@code network} is the wallet's chain type; {@code fee} is
 * null when an input's value is unknown; outputs carry address (null for a script without an
 * address), value in satoshis and whether the output pays back to the wallet.
 */
public record PsbtPayload(String network, String txid, List<Output> outputs, Long totalInput,
    long totalOutput, Long fee, Map<String, Object> extra, Map<String, Object> signed)
    implements Payload {

  /** One output. */
  public record Output(int index, String address, long value, boolean wallet,
      Map<String, Object> audit) {}

  @Override
  public Map<String, Object> audit() {
    throw new UnsupportedOperationException("not yet");
  }
}
