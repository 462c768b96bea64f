/**
 * Bitcoin formats for the signer and for policy, and the public-key side of secp256k1 (bc-fips
 * point arithmetic on public values only). Secret-key code lives in the enclave's
 * {@code io.nitrosign.enclave.crypto}: {@code Bip340Signer}, {@code TaprootTweak.tweakSecretKey}
 * and the ECDSA {@code Secp256k1Signer}.
 *
 * <ul>
 *   <li>{@link io.nitrosign.chains.bitcoin.Bech32}: Bech32 (BIP-173) and Bech32m (BIP-350)
 *       strings and segwit addresses ({@code bc} mainnet, {@code tb} testnet).
 *   <li>{@link io.nitrosign.chains.bitcoin.BitcoinAddress}: P2WPKH from a compressed key (HASH160
 *       via this package's own {@link io.nitrosign.chains.bitcoin.Ripemd160}); P2TR from the
 *       <em>already tweaked</em> x-only output key (see {@link io.nitrosign.chains.bitcoin.Taproot}).
 *   <li>{@link io.nitrosign.chains.bitcoin.Secp256k1Points}: SEC1 decoding, compression, x-only
 *       keys, BIP-340 {@code lift_x}; {@link io.nitrosign.chains.bitcoin.Taproot}: the BIP-341
 *       tweak Q = P + H_TapTweak(P||root)·G and BIP-86 output keys;
 *       {@link io.nitrosign.chains.bitcoin.Bip340Verifier}: BIP-340 Schnorr verification.
 *   <li>{@link io.nitrosign.chains.bitcoin.PsbtWallet}: which inputs of a PSBT a single-key wallet
 *       signs (P2WPKH, P2SH-P2WPKH, BIP-86 P2TR), decided identically by enclave and parent.
 *   <li>{@link io.nitrosign.chains.bitcoin.Transaction}: legacy and BIP-144 segwit serialization,
 *       txid/wtxid; bounded and strict.
 *   <li>{@link io.nitrosign.chains.bitcoin.Psbt}: BIP-174 v0 parse/serialize (byte-for-byte round
 *       trip, unknown keys kept, duplicates refused), UTXO values and decoded outputs for policy,
 *       the per-input digest to sign, and adding partial_sig (DER, low S) or tap_key_sig.
 *   <li>{@link io.nitrosign.chains.bitcoin.Sighash}: BIP-143 and BIP-341 key-path digests.
 * </ul>
 *
 * <p>Every rejection is a {@link io.nitrosign.chains.ChainFormatException} naming the
 * field. Not handled here: legacy (pre-segwit) sighash, script-path taproot spends, P2WSH
 * signing, base58 addresses for legacy outputs (decoded outputs carry a null address for them),
 * PSBT version 2, and finalization.
 */
package io.nitrosign.chains.bitcoin;
