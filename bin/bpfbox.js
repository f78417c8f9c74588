#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled library (built by `npm ci` via `prepare`).
import('../dist/cli/main.js').then((m) => m.main(process.argv.slice(2))).catch((err) => {
  const msg = err && err.code === 'ERR_MODULE_NOT_FOUND'
    ? 'bpfbox: the compiled CLI is missing; run `npm ci` (or `npm run build`) first'
    : `bpfbox: internal error: ${err && err.message ? err.message : String(err)}`;
  process.stderr.write(msg + '\n');
  process.exit(2);
});
