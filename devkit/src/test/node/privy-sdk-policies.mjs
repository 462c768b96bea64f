// Policies, condition sets and spending limits through Privy's official Node SDK
// (@privy-io/node, pinned in package.json) against a running appliance, changing nothing but
// `apiUrl`. Signed results are checked with the chains' own libraries: ethers.js for Ethereum,
// noble-curves (Ed25519) for Solana.
//
// Usage: PRIVY_APP_ID=... PRIVY_APP_SECRET=... node privy-sdk-policies.mjs <base-url>
//
// Each step prints one JSON line {"step": "...", ...}. A refused request is reported as
// {"status", "code", "policy_id", "rule_id", "rule_name", "reason"} (the appliance's explanation);
// an unexpected failure as {"step", "unexpected"}. Nothing secret is printed.
//
// The SDK (0.35.0) has methods for policies and their rules but none for condition sets or
// aggregations: those go through the SDK's own HTTP client (`_client.post`), with the SDK's
// authentication, exactly as a Privy customer would call an endpoint the SDK does not wrap.
import { generateP256KeyPair } from "@privy-io/node";
import { Transaction, Interface, verifyTypedData, decodeBase58, encodeBase58, toBeArray, sha256, getBytes } from "ethers";
import { ed25519 } from "@noble/curves/ed25519";
import { connect, step, refusedWith, finish } from "./sdk-steps.mjs";

const { privy } = connect("usage: PRIVY_APP_ID=... PRIVY_APP_SECRET=... node privy-sdk-policies.mjs <base-url>");
const http = privy.policies()._client; // the SDK's authenticated HTTP client

/** Calls fn, which must be refused; returns the refusal's status, code and explanation. */
const refused = refusedWith((b) => ({ policy_id: b.policy_id ?? null, rule_id: b.rule_id ?? null,
  rule_name: b.rule_name ?? null, reason: b.reason ?? null, has_error: typeof b.error === "string" }));

// ----------------------------------------------------------------------------- Ethereum

const A = "0x1111111111111111111111111111111111111111"; // allowlisted recipient
const B = "0x2222222222222222222222222222222222222222"; // not allowlisted
const MIXER = "0x3333333333333333333333333333333333333333"; // allowed by one rule, denied by another
const TOKEN = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"; // USDC's mainnet contract address
const ERC20_ABI = [{ type: "function", name: "transfer", stateMutability: "nonpayable",
  inputs: [{ name: "to", type: "address" }, { name: "amount", type: "uint256" }], outputs: [{ name: "", type: "bool" }] }];
const erc20 = new Interface(ERC20_ABI);
const GWEI = 1000000000n;

/** An EIP-1559 transaction on mainnet from the wallet; fields in the SDK's snake_case. */
function tx(to, value, data, nonce = 0) {
  return { type: 2, chain_id: 1, to, value: "0x" + value.toString(16), nonce, gas_limit: 100000,
    max_fee_per_gas: "0x" + (30n * GWEI).toString(16), max_priority_fee_per_gas: "0x" + GWEI.toString(16),
    ...(data ? { data } : {}) };
}

async function signTx(walletId, transaction) {
  const r = await privy.wallets().ethereum().signTransaction(walletId, { params: { transaction } });
  const t = Transaction.from(r.signed_transaction);
  return { from: t.from, to: t.to, value: t.value.toString(), data: t.data };
}

// 1. a condition set of 2,000 addresses holding A (items go in batches of at most 100, as in Privy)
let allowlist;
await step("create_condition_set", async () => {
  allowlist = await http.post("/v1/condition_sets", { body: { name: "withdrawal allowlist" } });
  const values = [A];
  for (let i = 1; values.length < 2000; i++) {
    values.push("0x" + i.toString(16).padStart(40, "0"));
  }
  for (let i = 0; i < values.length; i += 100) {
    await http.post(`/v1/condition_sets/${allowlist.id}/condition_set_items`,
      { body: values.slice(i, i + 100).map((value) => ({ value })) });
  }
  const page = await http.get(`/v1/condition_sets/${allowlist.id}/condition_set_items`);
  return { id: allowlist.id, name: allowlist.name, items_on_first_page: page.items.length,
    item_keys: Object.keys(page.items[0]).sort(), keys: Object.keys(allowlist).sort() };
});

// 2. one Ethereum policy with every kind of rule the issue names
let policy;
await step("create_policy", async () => {
  policy = await privy.policies().create({
    version: "1.0", name: "exchange hot wallet", chain_type: "ethereum",
    rules: [
      { name: "Allowlisted recipients up to 0.01 ETH", method: "eth_signTransaction", action: "ALLOW", conditions: [
        { field_source: "ethereum_transaction", field: "to", operator: "in_condition_set", value: allowlist.id },
        { field_source: "ethereum_transaction", field: "value", operator: "lte", value: "10000000000000000" }] },
      { name: "USDC transfers to A up to 1000 USDC", method: "eth_signTransaction", action: "ALLOW", conditions: [
        { field_source: "ethereum_transaction", field: "to", operator: "eq", value: TOKEN.toLowerCase() },
        { field_source: "ethereum_calldata", field: "transfer.to", operator: "eq", value: A, abi: ERC20_ABI },
        { field_source: "ethereum_calldata", field: "transfer.amount", operator: "lte", value: "1000000000", abi: ERC20_ABI }] },
      { name: "Typed data for mainnet only", method: "eth_signTypedData_v4", action: "ALLOW", conditions: [
        { field_source: "ethereum_typed_data_domain", field: "chainId", operator: "eq", value: "1" }] },
      { name: "Allow the mixer (overridden)", method: "eth_signTransaction", action: "ALLOW", conditions: [
        { field_source: "ethereum_transaction", field: "to", operator: "eq", value: MIXER }] },
      { name: "Block the mixer", method: "*", action: "DENY", conditions: [
        { field_source: "ethereum_transaction", field: "to", operator: "eq", value: MIXER }] },
    ],
  });
  const fetched = await privy.policies().get(policy.id);
  return { id: policy.id, chain_type: policy.chain_type, version: policy.version, rules: policy.rules.length,
    rule_keys: Object.keys(policy.rules[0]).sort(), keys: Object.keys(policy).sort(),
    fetched_rules: fetched.rules.map((r) => r.name) };
});

let wallet;
await step("create_wallet_with_policy", async () => {
  wallet = await privy.wallets().create({ chain_type: "ethereum", policy_ids: [policy.id] });
  return { id: wallet.id, policy_ids: wallet.policy_ids };
});

await step("allowlisted_recipient_signed", async () => ({
  address: wallet.address, ...(await signTx(wallet.id, tx(A, 1000000000000000n))) }));

await step("recipient_not_in_allowlist_denied", () => refused(() => signTx(wallet.id, tx(B, 1000000000000000n))));

await step("value_over_ceiling_denied", () => refused(() => signTx(wallet.id, tx(A, 20000000000000000n))));

await step("erc20_transfer_signed", async () => ({ address: wallet.address,
  ...(await signTx(wallet.id, tx(TOKEN, 0n, erc20.encodeFunctionData("transfer", [A, 500000000n])))) }));

await step("erc20_transfer_to_other_recipient_denied", () =>
  refused(() => signTx(wallet.id, tx(TOKEN, 0n, erc20.encodeFunctionData("transfer", [B, 500000000n])))));

await step("erc20_transfer_amount_over_limit_denied", () =>
  refused(() => signTx(wallet.id, tx(TOKEN, 0n, erc20.encodeFunctionData("transfer", [A, 2000000000n])))));

const MAIL_TYPES = { Person: [{ name: "name", type: "string" }, { name: "wallet", type: "address" }],
  Mail: [{ name: "from", type: "Person" }, { name: "to", type: "Person" }, { name: "contents", type: "string" }] };
const MAIL = { from: { name: "Cow", wallet: "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826" },
  to: { name: "Bob", wallet: "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB" }, contents: "Hello, Bob!" };
function typedData(chainId) {
  return { domain: { name: "Ether Mail", version: "1", chainId, verifyingContract: "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC" },
    types: { EIP712Domain: [{ name: "name", type: "string" }, { name: "version", type: "string" },
      { name: "chainId", type: "uint256" }, { name: "verifyingContract", type: "address" }], ...MAIL_TYPES },
    primary_type: "Mail", message: MAIL };
}

await step("typed_data_on_mainnet_signed", async () => {
  const td = typedData(1);
  const r = await privy.wallets().ethereum().signTypedData(wallet.id, { params: { typed_data: td } });
  return { address: wallet.address, recovered: verifyTypedData(td.domain, MAIL_TYPES, MAIL, r.signature) };
});

await step("typed_data_on_another_chain_denied", () =>
  refused(() => privy.wallets().ethereum().signTypedData(wallet.id, { params: { typed_data: typedData(5) } })));

await step("deny_wins_over_allow", () => refused(() => signTx(wallet.id, tx(MIXER, 0n))));

await step("method_without_rule_denied", () =>
  refused(() => privy.wallets().ethereum().signMessage(wallet.id, { message: "no rule for personal_sign" })));

await step("dry_run_explains_without_signing", async () => {
  const r = await http.post(`/v1/wallets/${wallet.id}/rpc`, { body: { method: "eth_signTransaction",
    dry_run: true, params: { transaction: tx(MIXER, 0n) } } });
  return { dry_run: r.dry_run, decision: r.decision?.decision ?? null, rule_name: r.decision?.rule_name ?? null,
    decoded_to: r.decoded?.to ?? null, signed: "signed_transaction" in (r.data ?? r) };
});

// 3. a time window, then moved into the past through the SDK's policy update
const now = Math.floor(Date.now() / 1000);
const windowRule = (from, to) => ({ name: "Business hours", method: "eth_signTransaction", action: "ALLOW", conditions: [
  { field_source: "system", field: "current_unix_timestamp", operator: "gte", value: String(from) },
  { field_source: "system", field: "current_unix_timestamp", operator: "lte", value: String(to) }] });
let timePolicy;
let timeWallet;
await step("inside_time_window_signed", async () => {
  timePolicy = await privy.policies().create({ version: "1.0", name: "time window", chain_type: "ethereum",
    rules: [windowRule(now - 3600, now + 3600)] });
  timeWallet = await privy.wallets().create({ chain_type: "ethereum", policy_ids: [timePolicy.id] });
  return { address: timeWallet.address, ...(await signTx(timeWallet.id, tx(B, 1n))) };
});

await step("outside_time_window_denied", async () => {
  const updated = await privy.policies().update(timePolicy.id, { rules: [windowRule(now - 7200, now - 3600)] });
  return { updated_rules: updated.rules.length, ...(await refused(() => signTx(timeWallet.id, tx(B, 1n)))) };
});

// 4. a spending limit: at most 0.003 ETH per rolling hour, summed over the wallet's transactions
let aggregation;
let capWallet;
await step("create_aggregation", async () => {
  aggregation = await http.post("/v1/aggregations", { body: { name: "ETH out per hour", method: "eth_signTransaction",
    metric: { field_source: "ethereum_transaction", field: "value", function: "sum" },
    window: { type: "rolling", seconds: 3600 } } });
  return { id: aggregation.id, keys: Object.keys(aggregation).sort() };
});

await step("spending_within_limit_signed", async () => {
  const capPolicy = await privy.policies().create({ version: "1.0", name: "hourly cap", chain_type: "ethereum",
    rules: [{ name: "At most 0.003 ETH per hour", method: "eth_signTransaction", action: "ALLOW", conditions: [
      { field_source: "reference", field: `aggregation.${aggregation.id}`, operator: "lte", value: "3000000000000000" }] }] });
  capWallet = await privy.wallets().create({ chain_type: "ethereum", policy_ids: [capPolicy.id] });
  const signed = [];
  for (let n = 0; n < 3; n++) {
    signed.push((await signTx(capWallet.id, tx(B, 1000000000000000n, undefined, n))).from);
  }
  return { address: capWallet.address, signed };
});

await step("spending_limit_reached_denied", () =>
  refused(() => signTx(capWallet.id, tx(B, 1000000000000000n, undefined, 3))));

// 5. an owned policy changes only with its owner's signature
const policyOwner = await generateP256KeyPair();
let ownedPolicy;
await step("owned_policy_update_without_signature_refused", async () => {
  ownedPolicy = await privy.policies().create({ version: "1.0", name: "owned", chain_type: "ethereum",
    owner: { public_key: policyOwner.publicKey }, rules: [windowRule(now - 60, now + 60)] });
  return { owner_id: ownedPolicy.owner_id ?? null,
    ...(await refused(() => privy.policies().update(ownedPolicy.id, { name: "renamed" }))) };
});

await step("owned_policy_update_with_owner_signature", async () => {
  const p = await privy.policies().update(ownedPolicy.id, { name: "renamed",
    authorization_context: { authorization_private_keys: [policyOwner.privateKey] } });
  return { name: p.name };
});

// ----------------------------------------------------------------------------- Solana

const SYSTEM_PROGRAM = new Uint8Array(32);
const TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"; // SPL Token
const RECIPIENT = encodeBase58(getBytes(sha256(new TextEncoder().encode("recipient")))); // some 32-byte key
const STRANGER = encodeBase58(getBytes(sha256(new TextEncoder().encode("stranger"))));
const MINT = encodeBase58(getBytes(sha256(new TextEncoder().encode("usdc mint"))));
const OTHER_MINT = encodeBase58(getBytes(sha256(new TextEncoder().encode("other mint"))));

function key32(base58) {
  const b = toBeArray(decodeBase58(base58));
  const out = new Uint8Array(32);
  out.set(b, 32 - b.length);
  return out;
}
function u64le(n) {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}
/** A legacy message with one instruction: keys are [signer, ...writable, ...readonly]. */
function legacyTx(keys, readonlyUnsigned, programIndex, accountIndexes, data) {
  const parts = [Uint8Array.of(1, 0, readonlyUnsigned, keys.length), ...keys,
    getBytes(sha256(new TextEncoder().encode("blockhash"))),
    Uint8Array.of(1, programIndex, accountIndexes.length, ...accountIndexes, data.length), data];
  const message = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    message.set(p, o);
    o += p.length;
  }
  const txBytes = new Uint8Array(1 + 64 + message.length);
  txBytes[0] = 1;
  txBytes.set(message, 65);
  return txBytes;
}
function systemTransfer(from, to, lamports) {
  return legacyTx([key32(from), key32(to), SYSTEM_PROGRAM], 1, 2, [0, 1], Uint8Array.of(2, 0, 0, 0, ...u64le(lamports)));
}
function tokenTransferChecked(owner, mint, amount) {
  const source = key32(encodeBase58(getBytes(sha256(new TextEncoder().encode("source ata")))));
  const dest = key32(encodeBase58(getBytes(sha256(new TextEncoder().encode("destination ata")))));
  // keys: owner (signer), source, destination (writable), mint, token program (read-only)
  return legacyTx([key32(owner), source, dest, key32(mint), key32(TOKEN_PROGRAM)], 2, 4, [1, 3, 2, 0],
    Uint8Array.of(12, ...u64le(amount), 6));
}
async function signSolana(w, txBytes) {
  const r = await privy.wallets().solana().signTransaction(w.id, { transaction: txBytes });
  const signed = Buffer.from(r.signed_transaction, "base64");
  return { verified: ed25519.verify(signed.subarray(1, 65), signed.subarray(65), key32(w.address)) };
}

let solWallet;
await step("solana_policy_and_wallet", async () => {
  const p = await privy.policies().create({ version: "1.0", name: "solana payouts", chain_type: "solana", rules: [
    { name: "SOL to the recipient up to 1 SOL", method: "signTransaction", action: "ALLOW", conditions: [
      { field_source: "solana_system_program_instruction", field: "Transfer.to", operator: "eq", value: RECIPIENT },
      { field_source: "solana_system_program_instruction", field: "Transfer.lamports", operator: "lte", value: "1000000000" }] },
    { name: "USDC transfers only", method: "signTransaction", action: "ALLOW", conditions: [
      { field_source: "solana_token_program_instruction", field: "TransferChecked.mint", operator: "eq", value: MINT }] }] });
  solWallet = await privy.wallets().create({ chain_type: "solana", policy_ids: [p.id] });
  return { policy_id: p.id, wallet_policy_ids: solWallet.policy_ids };
});

await step("solana_transfer_to_recipient_signed", () => signSolana(solWallet, systemTransfer(solWallet.address, RECIPIENT, 500000000)));

await step("solana_transfer_to_stranger_denied", () =>
  refused(() => signSolana(solWallet, systemTransfer(solWallet.address, STRANGER, 500000000))));

await step("solana_transfer_over_lamports_denied", () =>
  refused(() => signSolana(solWallet, systemTransfer(solWallet.address, RECIPIENT, 2000000000))));

await step("spl_transfer_checked_of_allowed_mint_signed", () =>
  signSolana(solWallet, tokenTransferChecked(solWallet.address, MINT, 1000000)));

await step("spl_transfer_checked_of_other_mint_denied", () =>
  refused(() => signSolana(solWallet, tokenTransferChecked(solWallet.address, OTHER_MINT, 1000000))));

finish();
