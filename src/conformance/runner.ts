// Runs conformance `.data` tests on the interpreter with the suite's conventions
// (r1 = private copy of the memory, r2 = its length, r10 = stack top).

import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadProgramFile } from '../input/load.js';
import { formatDiagnostic, type Diagnostic, type Result, fail, ok } from '../util/diagnostics.js';
import { run } from '../vm/index.js';

export type TestStatus = 'pass' | 'fail' | 'skip';

export interface TestOutcome {
  readonly file: string;
  readonly name: string;
  readonly status: TestStatus;
  /** Why it failed or was skipped. */
  readonly reason: string | null;
  readonly expected: bigint | null;
  readonly actual: bigint | null;
  readonly insns: number;
}

export interface ConformanceOptions {
  maxInsns?: number;
}

/** Expands directories to their `*.data` files (sorted, not recursive); plain files pass through. */
export function collectDataFiles(paths: readonly string[]): Result<string[]> {
  const files: string[] = [];
  const errors: Diagnostic[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      errors.push({ code: 'E_FILE', file: p, message: 'no such file or directory' });
      continue;
    }
    if (isDir) {
      const found = readdirSync(p).filter((f) => f.endsWith('.data')).sort().map((f) => join(p, f));
      if (found.length === 0) errors.push({ code: 'E_FILE', file: p, message: 'directory holds no .data files' });
      files.push(...found);
    } else {
      files.push(p);
    }
  }
  return errors.length ? fail(errors) : ok(files);
}

const hex64 = (v: bigint): string => '0x' + v.toString(16);

export function runConformanceTest(file: string, opts: ConformanceOptions = {}): TestOutcome {
  const name = basename(file, '.data');
  const base = { file, name, expected: null, actual: null, insns: 0 };
  const loaded = loadProgramFile(file, { syntax: 'mnemonic' });
  if (!loaded.ok) {
    return { ...base, status: 'fail', reason: loaded.errors.map(formatDiagnostic).join('; ') };
  }
  const t = loaded.value;
  if (t.expectedResult === null && t.expectedError === null) {
    return { ...base, status: 'skip', reason: 'no expected result or error' };
  }
  const r = run(t.program, { mem: t.mem ?? undefined, maxInsns: opts.maxInsns });
  const expected = t.expectedResult;
  if (r.fault) {
    if (t.expectedError !== null) return { ...base, status: 'pass', reason: null, expected, insns: r.insns };
    return { ...base, status: 'fail', reason: `fault: ${r.fault.message}`, expected, insns: r.insns };
  }
  if (expected === null) {
    return { ...base, status: 'fail', reason: `expected an error (${t.expectedError}), got r0=${hex64(r.r0)}`, actual: r.r0, insns: r.insns };
  }
  if (r.r0 !== expected) {
    return { ...base, status: 'fail', reason: `r0 is ${hex64(r.r0)}, expected ${hex64(expected)}`, expected, actual: r.r0, insns: r.insns };
  }
  return { ...base, status: 'pass', reason: null, expected, actual: r.r0, insns: r.insns };
}
