// Verifies a batch of signatures with libraries independent of this project (ethers.js for
// Ethereum, noble-curves for Solana's Ed25519), for FaultInjectionEndToEndTest. Input: the JSON
// file named by NITROSIGN_VERIFY_INPUT, an array of items
//   {"key", "kind": "tx", "signed": "0x<raw signed transaction>"}
//   {"key", "kind": "personal", "message": "<utf-8>", "signature": "0x..."}
//   {"key", "kind": "solana", "message": "<base64>", "signature": "<base64>", "address": "<base58>"}
// Output: one line per item, {"step": key, ...}: for "tx" the recovered sender ("from") and the
// signature as r || s || (27 + y parity) ("rsv", hex), for "personal" the recovered address
// ("from"), for "solana" whether the signature verifies ("verified"); {"step": key,
// "unexpected": "..."} when an item cannot be parsed.
import { readFileSync } from "node:fs";
import { Transaction, verifyMessage, decodeBase58, toBeArray } from "ethers";
import { ed25519 } from "@noble/curves/ed25519";

const items = JSON.parse(readFileSync(process.env.NITROSIGN_VERIFY_INPUT, "utf8"));

function key32(base58) {
  const raw = toBeArray(decodeBase58(base58));
  const out = new Uint8Array(32);
  out.set(raw, 32 - raw.length); // leading zero bytes are not in the number
  return out;
}

for (const item of items) {
  try {
    if (item.kind === "tx") {
      const tx = Transaction.from(item.signed);
      const sig = tx.signature;
      const v = (27 + sig.yParity).toString(16);
      console.log(JSON.stringify({ step: item.key, from: tx.from, rsv: sig.r + sig.s.slice(2) + v }));
    } else if (item.kind === "personal") {
      console.log(JSON.stringify({ step: item.key, from: verifyMessage(item.message, item.signature) }));
    } else if (item.kind === "solana") {
      const verified = ed25519.verify(Buffer.from(item.signature, "base64"),
        Buffer.from(item.message, "base64"), key32(item.address));
      console.log(JSON.stringify({ step: item.key, verified }));
    } else {
      console.log(JSON.stringify({ step: item.key, unexpected: "unknown kind " + item.kind }));
    }
  } catch (e) {
    console.log(JSON.stringify({ step: item.key, unexpected: String(e && e.message) }));
  }
}
