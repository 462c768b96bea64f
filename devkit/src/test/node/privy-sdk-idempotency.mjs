// Idempotency keys (privy-idempotency-key) through Privy's official Node SDK (@privy-io/node,
// pinned in package.json) against a running appliance, changing nothing but `apiUrl`.
//
// Usage: PRIVY_APP_ID=... PRIVY_APP_SECRET=... IDEMPOTENCY_STATE=<file> IDEMPOTENCY_PHASE=<phase> \
//   node privy-sdk-idempotency.mjs <base-url>
//
// Two phases, run by PrivySdkIdempotencyEndToEndTest with a restart of the parent host between
// them: "first" creates and signs with idempotency keys, repeats each request, and keeps in the
// state file (0600; test keys only) what it needs to repeat them; "after_restart" sends the same
// requests again with the same keys to the restarted parent host, which must answer them from
// the database (same wallet, same signature, the same bytes).
//
// Each step prints exactly one JSON line: {"step": "...", ...results}. A refused request is
// reported as {"status": <HTTP status>, "code": <error body's code>}; an unexpected failure as
// {"step": "...", "unexpected": "<message>"}. Nothing secret (the app secret, authorization
// signatures) is printed.
//
// SDK options: `maxRetries: 0` for the client whose answers are compared, so each answer is the
// appliance's to that one request; the concurrent step uses the SDK's default retries, as an
// integration would (the appliance's 409 idempotency_key_in_progress says x-should-retry: true).
import { PrivyClient, generateP256KeyPair } from "@privy-io/node";
import { verifyMessage } from "ethers";
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { connect, step, refused, finish } from "./sdk-steps.mjs";

const stateFile = process.env.IDEMPOTENCY_STATE;
const phase = process.env.IDEMPOTENCY_PHASE;
const { baseUrl, appId, appSecret, privy } = connect("usage: PRIVY_APP_ID=... PRIVY_APP_SECRET=... IDEMPOTENCY_STATE=file"
  + " IDEMPOTENCY_PHASE=first|after_restart node privy-sdk-idempotency.mjs <base-url>",
  { required: [stateFile, ["first", "after_restart"].includes(phase)] });
const retrying = new PrivyClient({ appId, appSecret, apiUrl: baseUrl });

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** The wallet fields the SDK returns, in one fixed order, for comparing two answers. */
const walletOf = (w) => ({ id: w.id, address: w.address, chain_type: w.chain_type,
  created_at: w.created_at, owner_id: w.owner_id ?? null, policy_ids: w.policy_ids ?? null });

/** POST /v1/wallets with fetch: the answer's exact text, status and headers. */
async function rawCreate(key, body) {
  const r = await fetch(`${baseUrl}/v1/wallets`, {
    method: "POST",
    headers: {
      "Authorization": "Basic " + Buffer.from(`${appId}:${appSecret}`).toString("base64"),
      "privy-app-id": appId,
      "Content-Type": "application/json",
      "privy-idempotency-key": key,
    },
    body,
  });
  return { status: r.status, contentType: r.headers.get("content-type"),
    replayed: r.headers.get("idempotent-replayed"), text: await r.text() };
}

const signMessage = (walletId, message, key, owner) => privy.wallets().ethereum().signMessage(walletId, {
  message, idempotency_key: key,
  authorization_context: { authorization_private_keys: [owner.privateKey] },
});

if (phase === "first") {
  const state = { createKey: randomUUID(), signKey: randomUUID(), rawKey: randomUUID(),
    message: "idempotent hello from @privy-io/node" };

  // 1. the same create twice with one key: one wallet
  await step("create_twice_one_wallet", async () => {
    const a = await privy.wallets().create({ chain_type: "ethereum", idempotency_key: state.createKey });
    const b = await privy.wallets().create({ chain_type: "ethereum", idempotency_key: state.createKey });
    state.created = walletOf(a);
    return { id: a.id, address: a.address, same_answer: same(walletOf(a), walletOf(b)) };
  });

  // 2. the key with another body: refused, nothing created
  await step("key_reused_with_another_body", () =>
    refused(() => privy.wallets().create({ chain_type: "solana", idempotency_key: state.createKey })));

  // 3. twenty concurrent creates with one key: one wallet, twenty equal answers
  await step("twenty_concurrent_creates", async () => {
    const key = randomUUID();
    const all = await Promise.all(Array.from({ length: 20 }, () =>
      retrying.wallets().create({ chain_type: "ethereum", idempotency_key: key })));
    return { answers: all.length, distinct_ids: new Set(all.map((w) => w.id)).size,
      distinct_answers: new Set(all.map((w) => JSON.stringify(walletOf(w)))).size, id: all[0].id };
  });

  // 4. an owned wallet signs once for two requests with one key (the key is signed with the
  // request, as the SDK signs it)
  const owner = await generateP256KeyPair();
  await step("sign_twice_one_signature", async () => {
    const w = await privy.wallets().create({ chain_type: "ethereum", owner: { public_key: owner.publicKey },
      idempotency_key: randomUUID() });
    const a = await signMessage(w.id, state.message, state.signKey, owner);
    const b = await signMessage(w.id, state.message, state.signKey, owner);
    state.owned = { id: w.id, address: w.address, privateKey: owner.privateKey, signature: a.signature };
    return { wallet_id: w.id, address: w.address, recovered: verifyMessage(state.message, a.signature),
      same_signature: a.signature === b.signature };
  });

  // 5. the exact bytes: one create by fetch, repeated
  await step("raw_bytes_replayed", async () => {
    const body = JSON.stringify({ chain_type: "ethereum" });
    const a = await rawCreate(state.rawKey, body);
    const b = await rawCreate(state.rawKey, body);
    state.raw = { body, first: a.text, status: a.status, contentType: a.contentType };
    return { status: a.status, replay_status: b.status, same_text: a.text === b.text,
      content_type: a.contentType, replay_content_type: b.contentType, first_replayed: a.replayed,
      replay_replayed: b.replayed, id: JSON.parse(a.text).id };
  });

  writeFileSync(stateFile, JSON.stringify(state), { mode: 0o600 });
} else {
  const state = JSON.parse(readFileSync(stateFile, "utf8"));

  await step("create_retried_after_restart", async () => {
    const w = await privy.wallets().create({ chain_type: "ethereum", idempotency_key: state.createKey });
    return { id: w.id, same_answer: same(walletOf(w), state.created) };
  });

  await step("sign_retried_after_restart", async () => {
    const r = await signMessage(state.owned.id, state.message, state.signKey, { privateKey: state.owned.privateKey });
    return { same_signature: r.signature === state.owned.signature,
      recovered: verifyMessage(state.message, r.signature), address: state.owned.address };
  });

  await step("raw_bytes_after_restart", async () => {
    const r = await rawCreate(state.rawKey, state.raw.body);
    return { status: r.status, same_text: r.text === state.raw.first,
      same_content_type: r.contentType === state.raw.contentType, replayed: r.replayed };
  });

  await step("key_reused_after_restart", () =>
    refused(() => privy.wallets().create({ chain_type: "solana", idempotency_key: state.createKey })));
}

finish();
