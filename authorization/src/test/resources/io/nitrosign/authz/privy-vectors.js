// Generates request-authorization vectors with Privy's own SDK, @privy-io/node@0.35.0
// (lib/authorization.ts): formatRequestForAuthorizationSignature builds the payload (RFC 8785 JSON via
// the `canonicalize` package), generateAuthorizationSignature signs it (noble p256, RFC 6979,
// DER, base64). The two key pairs were made once with the SDK's generateP256KeyPair() and are kept in
// privy-vector-keys.json (test keys only), so the output is reproducible. Noble's p256 is configured
// with lowS: false (@noble/curves 1.9.7 nist.js), so the SDK's signatures are low-S or high-S as
// they come; every vector also carries each signature's twin with s replaced by n - s (DER
// re-encoded here), so both forms are covered for every payload.
// Run: npm install @privy-io/node@0.35.0 && node privy-vectors.js [--new-keys] > privy-sdk-vectors.json
'use strict';
const sdk = require('@privy-io/node');
const { p256 } = require('@noble/curves/nist');


function derInt(b) {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0 && b[i + 1] < 0x80) i++;
  b = b.slice(i);
  if (b[0] >= 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return Buffer.concat([Buffer.from([0x02, b.length]), b]);
}
function otherS(sigB64) {
  const sig = p256.Signature.fromDER(Buffer.from(sigB64, 'base64'));
  const n = p256.CURVE.n;
  const s = n - sig.s;
  const hex = (x) => Buffer.from(x.toString(16).padStart(64, '0'), 'hex');
  const body = Buffer.concat([derInt(hex(sig.r)), derInt(hex(s))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]).toString('base64');
}

async function main() {
  let keys = require('./privy-vector-keys.json');
  if (process.argv.includes('--new-keys')) {
    keys = [await sdk.generateP256KeyPair(), await sdk.generateP256KeyPair()];
    require('fs').writeFileSync(__dirname + '/privy-vector-keys.json', JSON.stringify(keys, null, 1));
  }
  const cases = [
    { name: 'rpc with nested body, idempotency key and expiry', method: 'POST',
      url: 'https://api.privy.io/v1/wallets/ex3kiw7ia2ylhqhkj5ay3s6w/rpc',
      body: '{"method":"eth_sendTransaction","caip2":"eip155:8453","chain_type":"ethereum","params":{"transaction":{"to":"0x742d35Cc6634C0532925a3b844Bc454e4438f44e","value":"0x2386f26fc10000","chain_id":8453,"data":"0x"}}}',
      appId: 'cm4xxxxxxxxxxxxxxxxxxxxxx', idempotencyKey: 'c6a6d1a4-9a55-4fa0-8e77-5a3a5ab0a1f7', requestExpiry: 1767225600000 },
    { name: 'empty body object becomes the empty string', method: 'POST',
      url: 'https://api.privy.io/v1/wallets/ex3kiw7ia2ylhqhkj5ay3s6w/export', body: '{}',
      appId: 'cm4xxxxxxxxxxxxxxxxxxxxxx', idempotencyKey: null, requestExpiry: null },
    { name: 'unicode, escapes and numbers', method: 'PATCH',
      url: 'https://api.privy.io/v1/wallets/abc123',
      body: '{"z":"caf\\u00e9 \u4e2d\u6587 \ud83d\udcb8","a":[1e21,1e-7,0.1,-0,123456789012345680000,1.50,333333333.33333329],"ctl":"\\u0000\\u001f\\b\\t\\n\\f\\r\\"\\\\\\/\\u2028","\u20ac":{"\\r":1,"1":2,"\u00f6":3},"big":18446744073709551615,"nil":null,"t":true}',
      appId: 'app-\u00fcnicode', idempotencyKey: 'idem-1', requestExpiry: null },
    { name: 'owner update with a key quorum, expiry only', method: 'PATCH',
      url: 'https://api.privy.io/v1/wallets/ex3kiw7ia2ylhqhkj5ay3s6w',
      body: '{"owner_id":"kq_0123456789abcdef","additional_signers":[{"signer_id":"kq_aaaa","override_policy_ids":[]}],"policy_ids":[]}',
      appId: 'cm4xxxxxxxxxxxxxxxxxxxxxx', idempotencyKey: null, requestExpiry: 1700000000123 },
    { name: 'raw sign with an empty nested object', method: 'POST',
      url: 'https://api.privy.io/v1/wallets/w1/raw_sign',
      body: '{"params":{"hash":"0x' + 'ab'.repeat(32) + '"},"meta":{}}',
      appId: 'a', idempotencyKey: '', requestExpiry: 0 },
    { name: 'delete with an array body', method: 'DELETE',
      url: 'https://api.privy.io/v1/key_quorums/kq_1', body: '[{},[],""]',
      appId: 'cm4app', idempotencyKey: 'k', requestExpiry: 1 },
  ];
  const vectors = cases.map((c) => {
    const input = {
      version: 1, method: c.method, url: c.url, body: JSON.parse(c.body),
      headers: {
        'privy-app-id': c.appId,
        ...(c.idempotencyKey && { 'privy-idempotency-key': c.idempotencyKey }),
        ...(c.requestExpiry && { 'privy-request-expiry': String(c.requestExpiry) }),
      },
    };
    const payload = sdk.formatRequestForAuthorizationSignature(input);
    const signatures = keys.map((k) => sdk.generateAuthorizationSignature({ authorizationPrivateKey: k.privateKey, input: payload }));
    return {
      name: c.name, method: c.method, url: c.url, body: c.body, appId: c.appId,
      // the headers as the SDK sends them (a falsy key or expiry is left out of payload and headers)
      idempotencyKey: c.idempotencyKey || null, requestExpiry: c.requestExpiry ? String(c.requestExpiry) : null,
      payload: Buffer.from(payload).toString('utf8'),
      signatures, otherSSignatures: signatures.map(otherS),
      header: signatures.join(','),
    };
  });
  process.stdout.write(JSON.stringify({
    origin: '@privy-io/node@0.35.0 formatRequestForAuthorizationSignature / generateAuthorizationSignature; keys from its generateP256KeyPair; generated by privy-vectors.js under Node ' + process.version + '. idempotencyKey/requestExpiry: the header values the SDK sends (null = omitted: the SDK leaves out falsy ones, e.g. an expiry of 0 or an empty key).',
    keys: keys.map((k) => ({ privateKeyPkcs8: k.privateKey, publicKeySpki: k.publicKey })),
    vectors,
  }, null, 1) + '\n');
}
main().catch((e) => { console.error(e); process.exit(1); });
