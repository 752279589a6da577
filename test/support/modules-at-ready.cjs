// Loaded with `node --require` by a process test: when the process prints that it is serving, writes
// which of node's own modules and which CommonJS files it had loaded by then to
// $RULEPATH_MODULES_AT_READY (a start should not load what only some requests use).
const fs = require('node:fs');
const write = process.stdout.write.bind(process.stdout);
let written = false;
process.stdout.write = (chunk, ...rest) => {
  if (!written && String(chunk).includes('Rulepath is serving on')) {
    written = true;
    fs.writeFileSync(process.env.RULEPATH_MODULES_AT_READY, JSON.stringify({ builtins: process.moduleLoadList, files: Object.keys(require.cache) }));
  }
  return write(chunk, ...rest);
};
