// Parses Terraform files with @cdktf/hcl2json (HashiCorp's HCL parser compiled to WebAssembly)
// and prints {"<file>": <the file as JSON>} on standard output. A syntax error fails with exit 1.
// usage: node hcl2json.cjs FILE...
'use strict';
const fs = require('fs');
const { parse } = require('@cdktf/hcl2json');

(async () => {
  const result = {};
  for (const file of process.argv.slice(2)) {
    result[file] = await parse(file, fs.readFileSync(file, 'utf8'));
  }
  process.stdout.write(JSON.stringify(result));
})().catch((e) => {
  process.stderr.write(`hcl2json: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
});
