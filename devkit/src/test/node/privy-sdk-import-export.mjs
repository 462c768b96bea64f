// Key import and export with Privy's official Node SDK (@privy-io/node, pinned in package.json)
// against a running appliance, changing nothing but `apiUrl`: wallets().import seals the key to
// the enclave's HPKE key (DHKEM(P-256), HKDF-SHA256, ChaCha20-Poly1305, as the SDK does it), and
// wallets().exportPrivateKey decrypts the key the enclave sealed to the SDK's own fresh key.
// ethers.js and noble-curves check that what comes back is the key that went in.
//
// Usage: PRIVY_APP_ID=... PRIVY_APP_SECRET=... PRIVY_EXPORT_QUORUM_KEY=... \
//        node privy-sdk-import-export.mjs <base-url>
// The app must allow export (create-app --allow-export). PRIVY_EXPORT_QUORUM_KEY is the
// deployment export quorum's private key (base64 PKCS#8; local mode keeps it in
// .local/export-quorum.key): app-owned wallets are exported only with its signature.
//
// Each step prints exactly one JSON line: {"step": "...", ...results}. A refused request is
// reported as {"status": <HTTP status>, "code": <error body's code>}; an unexpected failure as
// {"step": "...", "unexpected": "<message>"}. The keys printed are the published test key and
// keys made up for this run; the app secret, the export quorum key and the owner's
// authorization key are never printed.
import { generateP256KeyPair } from "@privy-io/node";
import { Wallet, verifyMessage } from "ethers";
import { ed25519 } from "@noble/curves/ed25519";
import { connect, step, refusedWith, errorMessage, finish } from "./sdk-steps.mjs";

const exportQuorumKey = (process.env.PRIVY_EXPORT_QUORUM_KEY ?? "").trim();
// maxRetries 0: each answer is the appliance's first to that exact (signed) request.
const { privy } = connect("usage: PRIVY_APP_ID=... PRIVY_APP_SECRET=... PRIVY_EXPORT_QUORUM_KEY=... "
  + "node privy-sdk-import-export.mjs <base-url>", { required: [exportQuorumKey] });

const refused = refusedWith(errorMessage);

const auth = (...keys) => ({ authorization_context: { authorization_private_keys: keys } });

/** Base58 (Bitcoin alphabet), as Solana writes keys and addresses. */
const B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
function base58(bytes) {
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  let out = "";
  while (n > 0n) { out = B58[Number(n % 58n)] + out; n /= 58n; }
  for (const b of bytes) { if (b !== 0) break; out = "1" + out; }
  return out;
}
function unbase58(text) {
  let n = 0n;
  for (const c of text) {
    const d = B58.indexOf(c);
    if (d < 0) throw new Error("not base58");
    n = n * 58n + BigInt(d);
  }
  const bytes = [];
  while (n > 0n) { bytes.unshift(Number(n % 256n)); n /= 256n; }
  for (const c of text) { if (c !== "1") break; bytes.unshift(0); }
  return Uint8Array.from(bytes);
}
const hex = (b) => Buffer.from(b).toString("hex");

// 1. A published key (the web3.js documentation's account), imported with an owner key.
const KNOWN_KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const knownAddress = new Wallet(KNOWN_KEY).address;
const owner = await generateP256KeyPair();
let owned;
await step("import_known_key", async () => {
  owned = await privy.wallets().import({
    wallet: { chain_type: "ethereum", address: knownAddress, entropy_type: "private-key", private_key: KNOWN_KEY },
    owner: { public_key: owner.publicKey },
  });
  return { id: owned.id, address: owned.address, ethers_address: knownAddress, chain_type: owned.chain_type,
    owner_id: owned.owner_id ?? null, imported_at: owned.imported_at ?? null, keys: Object.keys(owned).sort() };
});

await step("imported_key_signs", async () => {
  const r = await privy.wallets().ethereum().signMessage(owned.id,
    { message: "signed by an imported key", ...auth(owner.privateKey) });
  return { address: owned.address, recovered: verifyMessage("signed by an imported key", r.signature) };
});

await step("export_refused_without_owner_signature", () =>
  refused(() => privy.wallets().exportPrivateKey(owned.id, {})));

await step("export_refused_for_a_stranger", async () => {
  const stranger = await generateP256KeyPair();
  return refused(() => privy.wallets().exportPrivateKey(owned.id, auth(stranger.privateKey)));
});

await step("export_known_key", async () => {
  const { private_key } = await privy.wallets().exportPrivateKey(owned.id, auth(owner.privateKey));
  return { private_key, same: private_key === KNOWN_KEY, ethers_address: new Wallet(private_key).address,
    address: owned.address };
});

await step("export_seed_phrase_refused", () =>
  refused(() => privy.wallets().exportSeedPhrase(owned.id, auth(owner.privateKey))));

// 2. A fresh ethers key, app-owned: it leaves only with the deployment export quorum's signature.
const fresh = Wallet.createRandom();
let appOwned;
await step("import_app_owned_key", async () => {
  appOwned = await privy.wallets().import({
    wallet: { chain_type: "ethereum", address: fresh.address, entropy_type: "private-key",
      private_key: fresh.privateKey.slice(2) },
  });
  return { id: appOwned.id, address: appOwned.address, ethers_address: fresh.address, owner_id: appOwned.owner_id ?? null };
});

await step("export_app_owned_key_with_the_export_quorum", async () => {
  const { private_key } = await privy.wallets().exportPrivateKey(appOwned.id, auth(exportQuorumKey));
  return { same: private_key === fresh.privateKey, address: appOwned.address,
    ethers_address: new Wallet(private_key).address };
});

// 3. Solana: the 64-byte secret key (seed || public key), base58, as Solana wallets write it.
const seed = ed25519.utils.randomPrivateKey();
const solanaPublic = ed25519.getPublicKey(seed);
const solanaSecret = base58(Uint8Array.from([...seed, ...solanaPublic]));
let solana;
await step("import_solana_key", async () => {
  solana = await privy.wallets().import({
    wallet: { chain_type: "solana", address: base58(solanaPublic), entropy_type: "private-key",
      private_key: solanaSecret },
  });
  return { id: solana.id, address: solana.address, expected_address: base58(solanaPublic), chain_type: solana.chain_type };
});

await step("export_solana_key", async () => {
  const { private_key } = await privy.wallets().exportPrivateKey(solana.id, auth(exportQuorumKey));
  const bytes = unbase58(private_key);
  return { same: private_key === solanaSecret, length: bytes.length,
    seed_matches: hex(bytes.slice(0, 32)) === hex(seed),
    public_key_of_seed: hex(ed25519.getPublicKey(bytes.slice(0, 32))) === hex(solanaPublic) };
});

// 4. Bad input: a ciphertext that does not open, and a key that is not the address's.
await step("import_malformed_ciphertext", async () => {
  // The SDK's own submit call with the init's key as a (valid) encapsulated key and a ciphertext
  // that was never sealed: it cannot open.
  const init = await privy.wallets()._initImport({ address: knownAddress, chain_type: "ethereum",
    entropy_type: "private-key", encryption_type: "HPKE" });
  return refused(() => privy.wallets()._submitImport({ wallet: { address: knownAddress,
    chain_type: "ethereum", entropy_type: "private-key", encryption_type: "HPKE",
    encapsulated_key: init.encryption_public_key,
    ciphertext: Buffer.from(new Uint8Array(48).fill(7)).toString("base64") } }));
});

await step("import_refused_for_another_address", () =>
  refused(() => privy.wallets().import({
    wallet: { chain_type: "ethereum", address: fresh.address, entropy_type: "private-key", private_key: KNOWN_KEY },
  })));

finish();
