package io.nitrosign.enclave.sealing;

import io.nitrosign.proto.v1.ShareKind;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The canonical associated data of a sealed share: a sequence of fields, each a 4-byte
 * big-endian length followed by its bytes, in this order: the domain string
 * {@value #DOMAIN}, share kind (enum number, 4-byte big-endian), wallet id (UTF-8), curve (enum
 * number, 4-byte big-endian), public key, owner, key version (4-byte big-endian).
 */
public final class SealedShareAad {

  /** Domain separation string, first field of the associated data. */
  public static final String DOMAIN = "nitrosign/sealed-share/v1";

  private SealedShareAad() {}

  /** Encodes the associated data for one share. */
  public static byte[] encode(ShareKind kind, WalletBinding binding, int keyVersion) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    field(out, DOMAIN.getBytes(StandardCharsets.UTF_8));
    field(out, int32(kind.getNumber()));
    field(out, binding.walletId().getBytes(StandardCharsets.UTF_8));
    field(out, int32(binding.curve().getNumber()));
    field(out, binding.publicKey());
    field(out, binding.owner());
    field(out, int32(keyVersion));
    return out.toByteArray();
  }

  private static void field(ByteArrayOutputStream out, byte[] value) {
    out.writeBytes(int32(value.length));
    out.writeBytes(value);
  }

  private static byte[] int32(int v) {
    return ByteBuffer.allocate(4).putInt(v).array();
  }
}
