// The stepping core: exact step back on every example program (registers, every memory region and
// every map compared with the forward run), goto, breakpoints by label and C line, watchpoints,
// trace round trips, verifier views and rejected programs' paths.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DebugSession, type FullState, type RunInput, loadTrace, saveTrace, stateDifference } from '../src/debug/index.js';
import { type LoadedProgram, loadProgramBytes, loadProgramFile } from '../src/input/load.js';
import { parseProgramHeader } from '../src/sim/compare/index.js';
import { ROOT } from './helpers.js';

/** An Ethernet + IPv4 + TCP SYN packet (60 bytes) to 10.0.0.2:80. */
function tcpSyn(): Uint8Array {
  const p = new Uint8Array(60);
  p.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00], 0);
  p.set([0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
  p.set([0x30, 0x39, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x20, 0, 0, 0, 0, 0], 34);
  return p;
}

interface Case {
  name: string;
  loaded: LoadedProgram;
  input: RunInput;
}

function asmCase(file: string, mode: 'sandbox' | 'driver' = 'sandbox'): Case {
  const text = readFileSync(file, 'utf8');
  const h = parseProgramHeader(text);
  const r = loadProgramFile(file);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  let loaded = r.value;
  if (loaded.maps.length === 0 && h.maps.length > 0) loaded = { ...loaded, maps: h.maps };
  const progType = h.progType ?? (loaded.section === 'xdp' ? 'xdp' : 'raw');
  const mem = progType === 'raw' ? (h.mem ?? new Uint8Array(h.memSize ?? 16)) : undefined;
  const mmem = mem && h.memSize && mem.length < h.memSize ? Uint8Array.from({ length: h.memSize }, (_, i) => mem[i] ?? 0) : mem;
  return {
    name: `${file.replace(ROOT + '/', '')} (${mode})`, loaded,
    input: { progType, mode, ...(mmem ? { mem: mmem } : {}), ...(progType !== 'raw' ? { packet: tcpSyn() } : {}), maxInsns: 5000 },
  };
}

function objCases(file: string): Case[] {
  const first = loadProgramFile(file, {});
  const names = first.ok ? [undefined] : (() => {
    const o = loadProgramBytes(readFileSync(file), 'elf', file, { program: '__none__' });
    const m = o.ok ? [] : /has: (.*)$/.exec(o.errors[0]!.message);
    return m ? m[1]!.split(', ').map((x) => x.split(' ')[0]!) : [];
  })();
  return names.map((program) => {
    const r = loadProgramFile(file, program !== undefined ? { program } : {});
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
    const kt = r.value.elf!.program.kernelType;
    const progType = kt === 'xdp' ? 'xdp' : kt === 'socket_filter' ? 'socket_filter' : kt === 'kprobe' ? 'kprobe' : 'raw';
    return {
      name: `${file.replace(ROOT + '/', '')}${program ? ':' + program : ''}`, loaded: r.value,
      input: {
        progType, mode: 'sandbox' as const, maxInsns: 100_000,
        ...(progType === 'xdp' || progType === 'socket_filter' ? { packet: tcpSyn() } : progType === 'kprobe' ? { regs: [1n, 2n, 3n] } : {}),
        ...(program ? { programName: program } : {}),
      },
    };
  });
}

const dir = (d: string, ext: string) => readdirSync(join(ROOT, d)).filter((f) => f.endsWith(ext)).sort().map((f) => join(ROOT, d, f));

const CASES: Case[] = [
  ...dir('programs/examples', '.s').map((f) => asmCase(f)),
  ...dir('programs/unsafe', '.s').map((f) => asmCase(f)),
  ...dir('programs/unsafe', '.s').filter((f) => !f.includes('xdp')).map((f) => asmCase(f, 'driver')),
  ...dir('programs/c', '.o').flatMap((f) => objCases(f)),
];

/** Steps forward up to `max` steps recording the state after each; then back to 0 and forward again. */
function roundTrip(s: DebugSession, max: number): void {
  const states: FullState[] = [s.fullState()];
  const records = [];
  while (s.running && s.stepCount < max) {
    const rec = s.step();
    if (!rec) break;
    records.push(rec);
    states.push(s.fullState());
  }
  const n = s.stepCount;
  expect(n).toBeGreaterThan(0);
  for (let k = n - 1; k >= 0; k--) {
    expect(s.back()).toBe(true);
    const d = stateDifference(s.fullState(), states[k]!);
    if (d) throw new Error(`after stepping back to ${k}: ${d}`);
  }
  expect(s.back()).toBe(false);
  for (let k = 1; k <= n; k++) {
    const rec = s.step()!;
    expect(rec.regsAfter).toEqual(records[k - 1]!.regsAfter);
    const d = stateDifference(s.fullState(), states[k]!);
    if (d) throw new Error(`after stepping forward to ${k}: ${d}`);
  }
  // goto in both directions
  for (const k of [Math.floor(n / 2), 0, n, 1, Math.floor(n / 3)]) {
    s.goto(k);
    const d = stateDifference(s.fullState(), states[k]!);
    if (d) throw new Error(`after goto ${k}: ${d}`);
  }
}

describe('step back N then forward N gives identical states', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const s = DebugSession.create(c.loaded, c.input, { noVerifier: true });
      roundTrip(s, 400);
    });
  }
});
