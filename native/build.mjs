#!/usr/bin/env node
// Builds the kernel-oracle addon (native/build/Release/bpf_oracle.node) with node-gyp.
//
// Run by `npm ci` / `npm install` (the `prepare` script) and by `npm run build:native`.
// It NEVER fails the install: without a compiler, Node's headers, Linux or Python, it prints one
// line saying why and exits 0; bpfbox then works without the oracle (kernelAvailable() explains).
// Set BPFBOX_SKIP_NATIVE=1 to skip the build, BPFBOX_NATIVE_STRICT=1 to make a failure fatal.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const strict = process.env.BPFBOX_NATIVE_STRICT === '1';
const TIMEOUT_MS = 5 * 60 * 1000;

function done(ok, message) {
  const line = `bpfbox: kernel oracle addon ${ok ? 'built' : 'not built'}: ${message}`;
  (ok ? console.log : console.warn)(line);
  process.exit(!ok && strict ? 1 : 0);
}

if (process.env.BPFBOX_SKIP_NATIVE === '1') done(false, 'skipped (BPFBOX_SKIP_NATIVE=1)');
if (process.platform !== 'linux') done(false, `needs Linux (this is ${process.platform})`);

/** node-gyp: npm's own copy (npm tells scripts where it is), else the one beside npm. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) {
    // .../npm/bin/npm-cli.js -> .../npm/node_modules/node-gyp/bin/node-gyp.js
    candidates.push(resolve(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  // Next to the node binary: <prefix>/bin/node -> <prefix>/lib/node_modules/npm/...
  const prefix = resolve(dirname(process.execPath), '..');
  candidates.push(join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  try {
    const require = createRequire(import.meta.url);
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed as a package: fine
  }
  return candidates.find((c) => c && existsSync(c)) ?? null;
}

/**
 * Node's headers, so node-gyp does not try to download them (there may be no network): npm's
 * `nodedir` setting if given, else the prefix of this node when it ships include/node/node_api.h.
 */
function findNodeDir() {
  const configured = process.env.npm_config_nodedir;
  if (configured && existsSync(join(configured, 'include', 'node', 'node_api.h'))) return configured;
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  return configured || null;
}

const gyp = findNodeGyp();
if (!gyp) done(false, 'node-gyp was not found (it comes with npm)');
if (!existsSync('/usr/include/linux/bpf.h')) done(false, '/usr/include/linux/bpf.h is missing (install linux-libc-dev)');

/** Is this command runnable (`CMD --version` exits 0)? */
function runs(cmd) {
  const parts = cmd.trim().split(/\s+/);
  const t = spawnSync(parts[0], [...parts.slice(1), '--version'], { encoding: 'utf8', timeout: 30_000 });
  return !t.error && t.status === 0;
}
const cxx = process.env.CXX || 'g++';
if (!runs(cxx) && (process.env.CXX || !runs('c++'))) {
  done(false, `no working C++ compiler (${process.env.CXX ? `CXX=${process.env.CXX}` : 'g++/c++'} does not run; apt-get install g++)`);
}
if (!runs('make')) done(false, '`make` is missing (apt-get install make)');

const args = [gyp, 'rebuild', '--loglevel=error'];
const nodedir = findNodeDir();
if (nodedir) args.push(`--nodedir=${nodedir}`);

const r = spawnSync(process.execPath, args, {
  cwd: here,
  encoding: 'utf8',
  timeout: TIMEOUT_MS,
  env: { ...process.env, npm_config_loglevel: 'error' },
});

const built = join(here, 'build', 'Release', 'bpf_oracle.node');
if (r.error) done(false, `node-gyp could not run (${r.error.message})`);
if (r.status !== 0 || !existsSync(built)) {
  const out = `${r.stderr ?? ''}\n${r.stdout ?? ''}`;
  if (process.env.BPFBOX_NATIVE_VERBOSE === '1') console.warn(out);
  const lines = out.split('\n').map((l) => l.trim()).filter(Boolean);
  // The most telling line: a compiler error, a missing tool, else node-gyp's own complaint.
  const telling =
    lines.find((l) => /error:/i.test(l) && !/^gyp (ERR|info)/.test(l)) ??
    lines.find((l) => /not found|No such file|cannot find|could not find|ENOENT|Error 127/i.test(l)) ??
    lines.find((l) => /^gyp ERR! stack Error:/.test(l)) ??
    lines.find((l) => /^gyp ERR!/.test(l)) ??
    `node-gyp exited with status ${r.status ?? r.signal}`;
  done(false, `${telling.replace(/\s+/g, ' ').slice(0, 200)} (BPFBOX_NATIVE_VERBOSE=1 shows the whole output)`);
}

// Prove the result loads in this node before calling it a success.
try {
  const require = createRequire(import.meta.url);
  const addon = require(built);
  if (typeof addon.progLoad !== 'function') throw new Error('progLoad missing');
} catch (e) {
  done(false, `built but does not load: ${e instanceof Error ? e.message : String(e)}`);
}
done(true, `native/build/Release/bpf_oracle.node (node ${process.version})`);
