// Users and JWT authorization through Privy's official Node SDK (@privy-io/node, pinned in
// package.json), changing nothing but `apiUrl`: a custom_auth user, a wallet it owns
// (owner: {user_id}), signing with authorization_context.user_jwts (the SDK exchanges the JWT at
// POST /v1/wallets/authenticate for an HPKE-encrypted session key and signs with it), the
// signatures checked with ethers.js; JWTs the enclave must refuse; a user as a key quorum member.
//
// Usage: PRIVY_APP_ID=... PRIVY_APP_SECRET=... USER_SUB_A=... USER_JWT_A=... ... \
//        node privy-sdk-users.mjs <base-url>
// The JWTs come from the devkit JWT issuer (minted by the Java test, or `./appliance jwt mint`):
//   USER_SUB_A, USER_JWT_A (ES256), USER_JWT_A_RS256    user A and two good JWTs of A
//   USER_JWT_A_EXPIRED                                   A's JWT, expired 5 minutes ago
//   USER_JWT_UNKNOWN_KID                                 signed by a key the JWKS does not have
//   USER_JWT_FORGED                                      another key, but the issuer's ES256 kid
//   USER_JWT_WRONG_ISSUER                                a good signature, another iss
//   USER_SUB_B, USER_JWT_B                               user B (a key quorum member) and a JWT
//
// Each step prints exactly one JSON line: {"step": "...", ...results}. A refused request is
// reported as {"status", "code", "error_shape"}; an unexpected failure as {"unexpected": "..."}.
// Nothing secret (app secret, JWTs, keys, signatures) is printed. `maxRetries: 0`: each refusal
// is the appliance's first answer.
import { generateP256KeyPair } from "@privy-io/node";
import { verifyMessage, Transaction } from "ethers";
import { connect, step, refusedWith, errorShape, finish } from "./sdk-steps.mjs";

const env = process.env;
const needed = ["USER_SUB_A", "USER_JWT_A", "USER_JWT_A_RS256", "USER_JWT_A_EXPIRED", "USER_JWT_UNKNOWN_KID",
  "USER_JWT_FORGED", "USER_JWT_WRONG_ISSUER", "USER_SUB_B", "USER_JWT_B"];
const { privy } = connect("usage: PRIVY_APP_ID=... PRIVY_APP_SECRET=... " + needed.map((n) => n + "=...").join(" ")
  + " node privy-sdk-users.mjs <base-url>", { required: needed.map((n) => env[n]) });

const refused = refusedWith(errorShape);

const jwts = (...tokens) => ({ authorization_context: { user_jwts: tokens } });

async function signAndRecover(walletId, message, context) {
  const r = await privy.wallets().ethereum().signMessage(walletId, { message, ...context });
  return { recovered: verifyMessage(message, r.signature), encoding: r.encoding };
}

// 1. user A (custom_auth) and a wallet A owns
let userA;
await step("create_user", async () => {
  userA = await privy.users().create({ linked_accounts: [{ type: "custom_auth", custom_user_id: env.USER_SUB_A }] });
  const found = await privy.users().getByCustomAuthID({ custom_user_id: env.USER_SUB_A });
  const account = userA.linked_accounts?.[0] ?? {};
  return { id: userA.id, account_type: account.type ?? null, custom_user_id: account.custom_user_id ?? null,
    custom_user_id_matches: account.custom_user_id === env.USER_SUB_A, found_id: found.id };
});

let wallet;
await step("create_user_wallet", async () => {
  wallet = await privy.wallets().create({ chain_type: "ethereum", owner: { user_id: userA.id } });
  // Privy's list filter: the user's wallets (and no other wallet of the app)
  const listed = [];
  for await (const w of privy.wallets().list({ user_id: userA.id })) {
    listed.push(w.id);
  }
  return { id: wallet.id, address: wallet.address, owner_id: wallet.owner_id ?? null, listed_by_user: listed };
});

// 2. signing with A's JWTs (ES256 for the message, RS256 for the transaction)
await step("sign_message_with_user_jwt", async () => {
  const r = await signAndRecover(wallet.id, "hello from a user's JWT", jwts(env.USER_JWT_A));
  return { address: wallet.address, recovered: r.recovered, encoding: r.encoding };
});

await step("sign_transaction_with_rs256_user_jwt", async () => {
  const r = await privy.wallets().ethereum().signTransaction(wallet.id, {
    params: { transaction: { type: 2, chain_id: 11155111, to: "0x3535353535353535353535353535353535353535",
      value: "0x2386f26fc10000", nonce: 3, gas_limit: 21000, max_fee_per_gas: "0x77359400",
      max_priority_fee_per_gas: "0x3b9aca00" } },
    ...jwts(env.USER_JWT_A_RS256),
  });
  const tx = Transaction.from(r.signed_transaction);
  return { address: wallet.address, from: tx.from, type: tx.type, chain_id: tx.chainId.toString(), nonce: tx.nonce,
    to: tx.to, value: tx.value.toString(), encoding: r.encoding };
});

// 3. refusals: no JWT, JWTs the enclave does not accept, another user's JWT
await step("refused_without_user_jwt", () =>
  refused(() => privy.wallets().ethereum().signMessage(wallet.id, { message: "no jwt" })));

await step("refused_expired_jwt", () =>
  refused(() => privy.wallets().ethereum().signMessage(wallet.id, { message: "expired", ...jwts(env.USER_JWT_A_EXPIRED) })));

await step("refused_jwt_of_a_key_not_in_the_jwks", () =>
  refused(() => privy.wallets().ethereum().signMessage(wallet.id, { message: "unknown kid", ...jwts(env.USER_JWT_UNKNOWN_KID) })));

await step("refused_jwt_forged_under_the_issuers_kid", () =>
  refused(() => privy.wallets().ethereum().signMessage(wallet.id, { message: "forged", ...jwts(env.USER_JWT_FORGED) })));

await step("refused_jwt_of_another_issuer", () =>
  refused(() => privy.wallets().ethereum().signMessage(wallet.id, { message: "other iss", ...jwts(env.USER_JWT_WRONG_ISSUER) })));

await step("refused_another_users_jwt", () =>
  refused(() => privy.wallets().ethereum().signMessage(wallet.id, { message: "user b", ...jwts(env.USER_JWT_B) })));

// 4. user B as a member of a 2-of-2 key quorum with a P-256 key
const key = await generateP256KeyPair();
let userB;
let quorum;
let quorumWallet;
await step("create_quorum_with_user_member", async () => {
  userB = await privy.users().create({ linked_accounts: [{ type: "custom_auth", custom_user_id: env.USER_SUB_B }] });
  quorum = await privy.keyQuorums().create({ user_ids: [userB.id], public_keys: [key.publicKey],
    authorization_threshold: 2, display_name: "user and key" });
  quorumWallet = await privy.wallets().create({ chain_type: "ethereum", owner_id: quorum.id });
  return { quorum_id: quorum.id, user_ids: quorum.user_ids ?? null, user_b: userB.id,
    threshold: quorum.authorization_threshold, wallet_owner_id: quorumWallet.owner_id ?? null };
});

await step("quorum_user_and_key_sign", async () => {
  const r = await signAndRecover(quorumWallet.id, "user and key", {
    authorization_context: { user_jwts: [env.USER_JWT_B], authorization_private_keys: [key.privateKey] } });
  return { address: quorumWallet.address, recovered: r.recovered };
});

await step("quorum_key_alone_refused", () =>
  refused(() => privy.wallets().ethereum().signMessage(quorumWallet.id, { message: "key alone",
    authorization_context: { authorization_private_keys: [key.privateKey] } })));

finish();
