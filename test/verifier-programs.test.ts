// The issue-4 programs (programs/c/*.o, clang-compiled): bpfbox's verifier against the running
// kernel, asked live through src/oracle's object loader (kernelRunObject: maps with global data,
// frozen .rodata, BTF func_info for callbacks). For every program bpfbox can verify, the verdict
// and the processed-instruction count (the kernel's verified_insns) must be the kernel's.
// Without the kernel (not root, no BPF, addon not built) only bpfbox's verdict is checked to be
// an acceptance, with the reason for the skip printed.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { bpfboxTypeOf, loadObject } from '../src/elf/index.js';
import { kernelAvailable, kernelRunObject } from '../src/oracle/index.js';
import { verify } from '../src/verifier/index.js';

const DIR = join(import.meta.dirname, '..', 'programs', 'c');
let files: string[] = [];
try {
  files = readdirSync(DIR).filter((f) => f.endsWith('.o')).sort();
} catch {
  files = [];
}

const cases = files.flatMap((file) => {
  const loaded = loadObject(new Uint8Array(readFileSync(join(DIR, file))), { file });
  if (!loaded.ok) return [[`${file}`, file, null, null] as const];
  return loaded.value.programs
    .filter((p) => bpfboxTypeOf(p.kernelType) !== null)
    .map((p) => [`${file} ${p.name}`, file, loaded.value, p.name] as const);
});

const avail = kernelAvailable();
if (!avail.ok) console.warn(`\n*** kernel oracle unavailable (${avail.reason}): programs/c kernel comparisons are SKIPPED ***\n`);

describe('programs/c: bpfbox verifies like the kernel', () => {
  it.skipIf(files.length === 0)('every object loads', () => {
    expect(cases.filter((c) => c[2] === null).map((c) => c[0])).toEqual([]);
  });

  it.each(cases.filter((c) => c[2] !== null))('%s', (_label, _file, obj, name) => {
    const prog = obj!.programs.find((p) => p.name === name)!;
    const r = verify(prog.program, { progType: bpfboxTypeOf(prog.kernelType)!, maps: obj!.maps });
    if (!avail.ok) {
      // the programs are meant to be accepted (the kernel truth is the real check)
      expect(r.error?.message ?? null).toBeNull();
      return;
    }
    let run;
    try {
      run = kernelRunObject(obj!, { program: name!, packets: [] });
    } catch (e) {
      // a setup the object oracle does not support (e.g. maps in maps): nothing to compare
      console.warn(`${name}: the kernel oracle cannot load it: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const load = run.loads.find((l) => l.program === name);
    expect(load, run.ok ? '' : run.reason).toBeDefined();
    expect({ accepted: r.accepted, error: r.error?.message.split('\n')[0] ?? null })
      .toEqual({ accepted: load!.accepted, error: load!.accepted ? null : load!.error[0] ?? null });
    if (load!.accepted) expect(r.stats.processedInsns).toBe(load!.verifiedInsns);
  }, 120_000);
});
