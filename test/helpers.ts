// Shared test utilities: locating ../shared and running the CLI as a user would.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED = resolve(ROOT, '..', 'shared');
export const CONFORMANCE_DIR = join(SHARED, 'conformance', 'tests');
export const NEGATIVE_DIR = join(SHARED, 'conformance', 'negative');
export const HAVE_CONFORMANCE = existsSync(CONFORMANCE_DIR);

if (!HAVE_CONFORMANCE) {
  console.warn(`\n*** ${CONFORMANCE_DIR} is missing: conformance tests are SKIPPED ***\n`);
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `bpfbox ARGS` through the real launcher (the compiled CLI). */
export function cli(args: string[], opts: { input?: string; cwd?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'bpfbox.js'), ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** No JavaScript stack trace leaked to the user. */
export function hasStackTrace(s: string): boolean {
  return /\n\s+at .+\(.*:\d+:\d+\)/.test(s) || /^\s+at /m.test(s);
}
