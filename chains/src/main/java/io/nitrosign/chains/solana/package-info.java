/**
 * Solana: addresses, transaction decoding and the bytes to sign.
 *
 * <ul>
 *   <li>{@link io.nitrosign.chains.solana.Base58} (Bitcoin alphabet) and
 *       {@link io.nitrosign.chains.solana.SolanaAddress} (base58 of a 32-byte Ed25519 public key).
 *   <li>{@link io.nitrosign.chains.solana.SolanaTransaction#decode} (signatures + message) and
 *       {@link io.nitrosign.chains.solana.SolanaMessage#decode} (legacy or v0 with address lookup
 *       tables), strict and bounded; the bytes an Ed25519 signer signs are
 *       {@link io.nitrosign.chains.solana.SolanaMessage#serialized()}.
 *   <li>{@link io.nitrosign.chains.solana.SolanaInstruction#decodeAll}: System transfer and create
 *       account, SPL Token / Token-2022 transfer, transfer checked, burn, mint to, close account, for
 *       policy; accounts loaded from lookup tables stay unresolved (table + index).
 *   <li>{@link io.nitrosign.chains.solana.SolanaSignMessage#bytesToSign}: plain-bytes
 *       {@code signMessage}, refusing anything that is (or could be) a transaction message.
 * </ul>
 *
 * <p>Every refusal is a {@link io.nitrosign.chains.ChainFormatException} naming the field.
 */
package io.nitrosign.chains.solana;
