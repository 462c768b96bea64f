package io.nitrosign.chains.ethereum;

import java.util.List;

/** One EIP-2930 access list entry: an address and the storage keys it will touch. */
public record AccessListEntry(byte[] address, List<byte[]> storageKeys) {

  public AccessListEntry {
    if (address == null || address.length != 20) {
      throw new IllegalArgumentException("address must be 20 bytes");
    }
    address = address.clone();
    storageKeys = storageKeys.stream().map(byte[]::clone).toList();
    for (byte[] k : storageKeys) {
      if (k.length != 32) {
        throw new IllegalArgumentException("storage keys must be 32 bytes");
      }
    }
  }

  @Override
  public byte[] address() {
    return address.clone();
  }

  @Override
  public List<byte[]> storageKeys() {
    return storageKeys.stream().map(byte[]::clone).toList();
  }
}
