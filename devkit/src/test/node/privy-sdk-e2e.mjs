// Drives a running appliance with Privy's official Node SDK (@privy-io/node, pinned in
// package.json), changing nothing but `apiUrl`, and checks the signatures with ethers.js.
//
// Usage: PRIVY_APP_ID=... PRIVY_APP_SECRET=... node privy-sdk-e2e.mjs <base-url>
// (the app id and secret may also be given as the 2nd and 3rd arguments; the environment is
// preferred so the secret does not show in process listings).
//
// Each step prints exactly one JSON line: {"step": "...", ...results}. A refused request is
// reported as {"status": <HTTP status>, "code": <error body's code>}; an unexpected failure as
// {"step": "...", "unexpected": "<message>"}. Nothing secret (app secret, private keys,
// authorization signatures) is ever printed.
//
// SDK options: only `maxRetries: 0`, so each refusal is the appliance's first answer to that exact
// signed request (the SDK retries 408/409/429/5xx by default; a retry would resend the same
// signature and be answered as a replay). Nothing else is needed: the SDK fetches Privy's JWKS only
// for user-JWT verification, which these steps do not use.
import { generateP256KeyPair } from "@privy-io/node";
import { verifyMessage, Transaction } from "ethers";
import { connect, step, refusedWith, errorShape, finish } from "./sdk-steps.mjs";

const { privy } = connect("usage: PRIVY_APP_ID=... PRIVY_APP_SECRET=... node privy-sdk-e2e.mjs <base-url>",
  { argvCredentials: true });

/** Calls fn, which must be refused; returns {status, code, error_shape}. */
const refused = refusedWith(errorShape);

const auth = (...keys) => ({ authorization_context: { authorization_private_keys: keys.map((k) => k.privateKey) } });

async function signAndRecover(walletId, message, ...keys) {
  const r = await privy.wallets().ethereum().signMessage(walletId, { message, ...auth(...keys) });
  return { signature: r.signature, encoding: r.encoding, recovered: verifyMessage(message, r.signature) };
}

// 1. a wallet owned by one P-256 key
const owner = await generateP256KeyPair();
let wallet;
await step("create_owned_wallet", async () => {
  wallet = await privy.wallets().create({ chain_type: "ethereum", owner: { public_key: owner.publicKey } });
  return { id: wallet.id, address: wallet.address, chain_type: wallet.chain_type, owner_id: wallet.owner_id ?? null,
    additional_signers: wallet.additional_signers ?? null, keys: Object.keys(wallet).sort() };
});

await step("sign_message", async () => {
  const r = await signAndRecover(wallet.id, "hello from @privy-io/node", owner);
  return { address: wallet.address, recovered: r.recovered, encoding: r.encoding };
});

await step("sign_transaction", async () => {
  const r = await privy.wallets().ethereum().signTransaction(wallet.id, {
    params: { transaction: { type: 2, chain_id: 11155111, to: "0x3535353535353535353535353535353535353535",
      value: "0x2386f26fc10000", nonce: 7, gas_limit: 21000, max_fee_per_gas: "0x77359400",
      max_priority_fee_per_gas: "0x3b9aca00" } },
    ...auth(owner),
  });
  const tx = Transaction.from(r.signed_transaction);
  return { address: wallet.address, from: tx.from, type: tx.type, chain_id: tx.chainId.toString(), nonce: tx.nonce,
    to: tx.to, value: tx.value.toString(), encoding: r.encoding };
});

// 2. refusals on the single-owner wallet
await step("refused_without_authorization", () =>
  refused(() => privy.wallets().ethereum().signMessage(wallet.id, { message: "no signature" })));

await step("refused_with_wrong_key", async () => {
  const stranger = await generateP256KeyPair();
  return refused(() => privy.wallets().ethereum().signMessage(wallet.id, { message: "wrong key", ...auth(stranger) }));
});

await step("refused_when_expired", () =>
  refused(() => privy.wallets().ethereum().signMessage(wallet.id,
    { message: "too late", request_expiry: Date.now() - 120000, ...auth(owner) })));

// 3. a 2-of-3 key quorum owning a wallet
const members = [await generateP256KeyPair(), await generateP256KeyPair(), await generateP256KeyPair()];
let quorum;
let quorumWallet;
await step("create_key_quorum", async () => {
  quorum = await privy.keyQuorums().create({ public_keys: members.map((m) => m.publicKey),
    authorization_threshold: 2, display_name: "sdk e2e 2-of-3" });
  const fetched = await privy.keyQuorums().get(quorum.id);
  return { id: quorum.id, authorization_threshold: quorum.authorization_threshold, display_name: quorum.display_name,
    authorization_keys: quorum.authorization_keys?.length ?? null,
    keys_match: JSON.stringify(quorum.authorization_keys?.map((k) => k.public_key).sort())
      === JSON.stringify(members.map((m) => m.publicKey).sort()),
    fetched_id: fetched.id, fetched_threshold: fetched.authorization_threshold, keys: Object.keys(quorum).sort() };
});

await step("create_quorum_wallet", async () => {
  quorumWallet = await privy.wallets().create({ chain_type: "ethereum", owner_id: quorum.id });
  return { id: quorumWallet.id, address: quorumWallet.address, owner_id: quorumWallet.owner_id ?? null };
});

await step("quorum_two_of_three_signs", async () => {
  const r = await signAndRecover(quorumWallet.id, "two of three", members[0], members[2]);
  return { address: quorumWallet.address, recovered: r.recovered };
});

await step("quorum_one_of_three_refused", () =>
  refused(() => privy.wallets().ethereum().signMessage(quorumWallet.id, { message: "one of three", ...auth(members[1]) })));

// 4. the owner hands the wallet to a new key (PATCH /v1/wallets/{id}, signed by the old owner)
const newOwner = await generateP256KeyPair();
await step("update_owner", async () => {
  const w = await privy.wallets().update(wallet.id, { owner: { public_key: newOwner.publicKey }, ...auth(owner) });
  return { id: w.id, address: w.address, owner_id: w.owner_id ?? null, previous_owner_id: wallet.owner_id ?? null };
});

await step("old_owner_refused_after_update", () =>
  refused(() => privy.wallets().ethereum().signMessage(wallet.id, { message: "old owner", ...auth(owner) })));

await step("new_owner_signs_after_update", async () => {
  const r = await signAndRecover(wallet.id, "new owner", newOwner);
  return { address: wallet.address, recovered: r.recovered };
});

finish();
