// Privy's official Node SDK (@privy-io/node, pinned in package.json) against a running appliance,
// for what a Privy integration calls besides create/get/rpc: wallets().rawSign (hash, bytes with
// keccak256 and sha256; secp256k1 checked with ethers and noble-curves, Ed25519 on a Solana wallet
// with noble-curves), the list filters, display_name / external_id, public_key in Privy's
// encoding, the optional rpc fields the SDK may send, and Privy's bitcoin-segwit chain type.
//
// Usage: PRIVY_APP_ID=... PRIVY_APP_SECRET=... [PRIVY_PLAIN_APP_ID=... PRIVY_PLAIN_APP_SECRET=...]
//        node privy-sdk-parity.mjs <base-url>
// The first app must allow raw signing; the optional second one must not (its refusal is a step).
//
// Each step prints exactly one JSON line: {"step": "...", ...results}; a refused request as
// {"status", "code"}; an unexpected failure as {"step": "...", "unexpected": "<message>"}. Nothing
// secret (app secrets, private keys, authorization signatures) is printed. maxRetries: 0, as in
// privy-sdk-e2e.mjs, so each answer is the appliance's first.
import { PrivyClient, generateP256KeyPair } from "@privy-io/node";
import { computeAddress, recoverAddress, keccak256, sha256, toUtf8Bytes, hexlify, verifyMessage,
  decodeBase58, getBytes } from "ethers";
import { secp256k1 } from "@noble/curves/secp256k1";
import { ed25519 } from "@noble/curves/ed25519";
import { randomBytes, createHash } from "node:crypto";
import { connect, step, refusedWith, errorMessage, finish } from "./sdk-steps.mjs";

const { baseUrl, privy } = connect("usage: PRIVY_APP_ID=... PRIVY_APP_SECRET=... node privy-sdk-parity.mjs <base-url>");
const plain = process.env.PRIVY_PLAIN_APP_ID
  ? new PrivyClient({ appId: process.env.PRIVY_PLAIN_APP_ID, appSecret: process.env.PRIVY_PLAIN_APP_SECRET,
    apiUrl: baseUrl, maxRetries: 0 })
  : null;

const refused = refusedWith(errorMessage);

const auth = (...keys) => ({ authorization_context: { authorization_private_keys: keys.map((k) => k.privateKey) } });
const strip0x = (h) => (h.startsWith("0x") ? h.slice(2) : h);

/** Every wallet the SDK's list iterator yields for this query (all pages). */
async function listIds(query) {
  const ids = [];
  for await (const w of privy.wallets().list(query)) {
    ids.push(w.id);
  }
  return ids.sort();
}

/** A secp256k1 raw_sign answer checked two ways: ethers recovers the address; noble verifies r‖s. */
function checkSecp(digestHex, signature, wallet) {
  const sig = getBytes(signature);
  return {
    signature_bytes: sig.length,
    recovered: recoverAddress(digestHex, signature),
    address: wallet.address,
    noble_verifies: secp256k1.verify(sig.slice(0, 64), getBytes(digestHex), getBytes(wallet.public_key)),
  };
}

const run = randomBytes(4).toString("hex");
const externalId = `acct-${run}`;

// 1. an app-owned Ethereum wallet with Privy's labels; public_key in Privy's encoding
let eth;
await step("create_labelled_wallet", async () => {
  eth = await privy.wallets().create({ chain_type: "ethereum", display_name: "Treasury", external_id: externalId });
  return { id: eth.id, address: eth.address, chain_type: eth.chain_type, display_name: eth.display_name ?? null,
    external_id: eth.external_id ?? null, external_id_sent: externalId, public_key: eth.public_key,
    address_of_public_key: computeAddress(eth.public_key) };
});

await step("get_labelled_wallet", async () => {
  const w = await privy.wallets().get(eth.id);
  return { display_name: w.display_name ?? null, external_id: w.external_id ?? null, public_key: w.public_key };
});

// 2. rawSign on secp256k1
await step("raw_sign_hash", async () => {
  const hash = keccak256(randomBytes(40));
  const r = await privy.wallets().rawSign(eth.id, { params: { hash } });
  return { encoding: r.encoding, ...checkSecp(hash, r.signature, eth) };
});

await step("raw_sign_bytes_keccak256", async () => {
  const text = `raw sign parity ${run}`;
  const r = await privy.wallets().rawSign(eth.id,
    { params: { bytes: text, encoding: "utf-8", hash_function: "keccak256" } });
  return { encoding: r.encoding, ...checkSecp(keccak256(toUtf8Bytes(text)), r.signature, eth) };
});

await step("raw_sign_bytes_sha256_hex", async () => {
  const bytes = randomBytes(77);
  const r = await privy.wallets().rawSign(eth.id,
    { params: { bytes: hexlify(bytes), encoding: "hex", hash_function: "sha256" } });
  return { encoding: r.encoding, ...checkSecp(sha256(bytes), r.signature, eth) };
});

await step("raw_sign_bad_hash_refused", () =>
  refused(() => privy.wallets().rawSign(eth.id, { params: { hash: "0x1234" } })));

if (plain) {
  await step("raw_sign_refused_without_raw_signing", async () => {
    const w = await plain.wallets().create({ chain_type: "ethereum" });
    return refused(() => plain.wallets().rawSign(w.id, { params: { hash: keccak256(randomBytes(8)) } }));
  });
}

// 3. an owned wallet: rawSign needs the owner's authorization signature, as any other method
const owner = await generateP256KeyPair();
let owned;
await step("raw_sign_owned_wallet", async () => {
  owned = await privy.wallets().create({ chain_type: "ethereum", owner: { public_key: owner.publicKey } });
  const hash = keccak256(randomBytes(16));
  const r = await privy.wallets().rawSign(owned.id, { params: { hash }, ...auth(owner) });
  return { encoding: r.encoding, ...checkSecp(hash, r.signature, owned) };
});

await step("raw_sign_owned_wallet_unsigned_refused", () =>
  refused(() => privy.wallets().rawSign(owned.id, { params: { hash: keccak256(randomBytes(16)) } })));

// 4. Ed25519: a Solana wallet signs the hash bytes as given, or the hash of the bytes
let sol;
await step("raw_sign_solana", async () => {
  sol = await privy.wallets().create({ chain_type: "solana" });
  const pub = getBytes(sol.public_key);
  const fromAddress = decodeBase58(sol.address).toString(16).padStart(64, "0");
  const message = randomBytes(100); // e.g. an Aptos signing message: not a hash, signed as is
  const r = await privy.wallets().rawSign(sol.id, { params: { hash: hexlify(message) } });
  const text = `solana bytes ${run}`;
  const r2 = await privy.wallets().rawSign(sol.id,
    { params: { bytes: Buffer.from(text).toString("base64"), encoding: "base64", hash_function: "sha256" } });
  const digest = createHash("sha256").update(text).digest();
  return { public_key_bytes: pub.length, public_key_is_address: strip0x(sol.public_key) === fromAddress,
    encoding: r.encoding, signature_bytes: getBytes(r.signature).length,
    verifies: ed25519.verify(getBytes(r.signature), message, pub),
    sha256_verifies: ed25519.verify(getBytes(r2.signature), digest, pub),
    sha256_not_over_bytes: !ed25519.verify(getBytes(r2.signature), Buffer.from(text), pub) };
});

// 5. list filters (every page the SDK fetches)
await step("list_filters", async () => {
  const second = await privy.wallets().create({ chain_type: "ethereum" });
  return {
    by_address: await listIds({ address: eth.address }),
    by_lowercase_address: await listIds({ address: eth.address.toLowerCase() }),
    by_external_id: await listIds({ external_id: externalId }),
    by_authorization_key: await listIds({ authorization_key: owner.publicKey }),
    solana_has_sol: (await listIds({ chain_type: "solana" })).includes(sol.id),
    solana_has_eth: (await listIds({ chain_type: "solana" })).includes(eth.id),
    by_user_id: await listIds({ user_id: "did:privy:nobody" }),
    all_has_both: (await listIds({})).filter((id) => id === eth.id || id === second.id).length,
    expected: { eth: eth.id, owned: owned.id },
  };
});

await step("list_unknown_filter_refused", () =>
  refused(() => privy.wallets().list({ entity_id: "e1" })));

// 6. labels: display_name changes, external_id is write-once
await step("update_display_name", async () => {
  const w = await privy.wallets().update(eth.id, { display_name: "Renamed" });
  return { display_name: w.display_name ?? null, external_id: w.external_id ?? null };
});

await step("external_id_write_once_refused", () =>
  refused(() => privy.wallets().update(eth.id, { external_id: `other-${run}` })));

await step("external_id_unique_refused", () =>
  refused(() => privy.wallets().create({ chain_type: "ethereum", external_id: externalId })));

// 7. the optional rpc fields the SDK may send, naming this wallet
await step("rpc_with_optional_fields", async () => {
  const message = `optional fields ${run}`;
  const r = await privy.wallets().rpc(eth.id, { method: "personal_sign", chain_type: "ethereum",
    address: eth.address, wallet_id: eth.id, signature_options: { type: "ecdsa" },
    params: { message, encoding: "utf-8" } });
  return { method: r.method, recovered: verifyMessage(message, r.data.signature), address: eth.address };
});

await step("rpc_with_another_wallets_address_refused", () =>
  refused(() => privy.wallets().rpc(eth.id, { method: "personal_sign", address: owned.address,
    params: { message: "x", encoding: "utf-8" } })));

// 8. Privy's chain type name for a native SegWit Bitcoin wallet
await step("create_bitcoin_segwit", async () => {
  const w = await privy.wallets().create({ chain_type: "bitcoin-segwit" });
  return { chain_type: w.chain_type, address: w.address, public_key_bytes: getBytes(w.public_key).length };
});

finish();
