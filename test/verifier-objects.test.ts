// Clang-compiled objects of the verifier corpus (test/verifier-corpus/objects/*.c, built by
// objects/build.sh): what assembly cannot express — bpf_loop callbacks (BTF func_info), frozen
// .rodata read as constants, maps in maps, ring buffer records in tracing programs. Their kernel
// truth (objects/truth.json) was recorded by `refresh.mjs --objects` through bpftool, which loads
// them as libbpf does. bpfbox loads each object with src/elf and verifies every program; verdict,
// error text, error pc, processed instructions, state counts and stack depth must all agree.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { bpfboxTypeOf, loadObject } from '../src/elf/index.js';
import { verify } from '../src/verifier/index.js';
import { CORPUS_DIR } from './verifier-corpus/corpus.js';

interface ProgramTruth {
  accepted: boolean;
  stats: { processed: number; maxStatesPerInsn: number; totalStates: number; peakStates: number; stackDepth: string } | null;
  pc?: number | null;
  messages?: string[];
}

const DIR = join(CORPUS_DIR, 'objects');
const truth = JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8')) as Record<string, Record<string, ProgramTruth>>;
const cases = Object.entries(truth).flatMap(([obj, progs]) => Object.entries(progs).map(([name, t]) => [`${obj} ${name}`, obj, name, t] as const));

describe('verifier on clang-compiled objects agrees with the kernel', () => {
  it('has objects with kernel truth, accepted and rejected', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
    expect(cases.some((c) => c[3].accepted)).toBe(true);
    expect(cases.some((c) => !c[3].accepted)).toBe(true);
  });

  it.each(cases)('%s', (_label, obj, name, t) => {
    const loaded = loadObject(new Uint8Array(readFileSync(join(DIR, obj))), { file: obj });
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const prog = loaded.value.programs.find((p) => p.name === name);
    expect(prog, `program ${name} in ${obj}`).toBeDefined();
    const type = bpfboxTypeOf(prog!.kernelType);
    expect(type).not.toBeNull();
    const r = verify(prog!.program, { progType: type!, maps: loaded.value.maps });
    expect(r.accepted).toBe(t.accepted);
    if (!t.accepted) {
      expect(r.error?.message).toBe(t.messages!.join('\n'));
      if (t.pc !== null && t.pc !== undefined) expect(r.error?.pc).toBe(t.pc);
    }
    expect({
      processed: r.stats.processedInsns, totalStates: r.stats.totalStates, peakStates: r.stats.peakStates,
      maxStatesPerInsn: r.stats.maxStatesPerInsn, stackDepth: r.stats.stackDepths.join('+'),
    }).toEqual({
      processed: t.stats!.processed, totalStates: t.stats!.totalStates, peakStates: t.stats!.peakStates,
      maxStatesPerInsn: t.stats!.maxStatesPerInsn, stackDepth: t.stats!.stackDepth,
    });
  });
});
