// Lints Dockerfiles with dockerfilelint and prints {"<file>": [issues...]} as JSON.
// usage: node dockerfilelint.cjs FILE...
'use strict';
const fs = require('fs');
const lint = require('dockerfilelint');
const result = {};
for (const file of process.argv.slice(2)) {
  result[file] = lint.run(require('path').dirname(file), fs.readFileSync(file, 'utf8'));
}
process.stdout.write(JSON.stringify(result));
